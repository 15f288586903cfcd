import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from prm.audit.models import AuditEntry
from prm.core.admin import ReadOnlyModelAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyModelAdmin):
    """The audit log, searchable; rows are only ever added, never edited here."""

    list_display = (
        "timestamp",
        "actor_label",
        "impersonator",
        "channel",
        "action",
        "content_type",
        "object_repr",
        "partner_id",
    )
    list_filter = ("action", "channel", "content_type")
    list_select_related = ("impersonator", "content_type")
    search_fields = ("object_repr", "object_id", "actor_label", "note")
    date_hierarchy = "timestamp"
    fields = (
        "timestamp",
        "actor_label",
        "impersonator",
        "channel",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "partner_id",
        "changes_display",
        "note",
    )
    readonly_fields = fields

    @admin.display(description=_("changes"))
    def changes_display(self, obj: AuditEntry) -> str:
        text = json.dumps(obj.changes, ensure_ascii=False, indent=2, sort_keys=True, default=str)
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)
