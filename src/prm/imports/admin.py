import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from prm.core.admin import ReadOnlyModelAdmin
from prm.imports.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyModelAdmin):
    """Imports are previewed and applied on the import pages; here they are looked up."""

    list_display = ("created_at", "user", "entity", "filename", "status", "applied_at")
    list_filter = ("status", "entity")
    list_select_related = ("user",)
    search_fields = ("filename", "user__email")
    date_hierarchy = "created_at"
    fields = (
        "user",
        "entity",
        "filename",
        "allow_duplicates",
        "status",
        "created_at",
        "applied_at",
        "report_display",
    )
    readonly_fields = fields

    @admin.display(description=_("report"))
    def report_display(self, obj: ImportRun) -> str:
        text = json.dumps(obj.report, ensure_ascii=False, indent=2, sort_keys=True, default=str)
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)
