"""Corrective action requests in Django admin, to look up with their steps and evidence; they
change only through their steps in the back office, the portal and the API."""

from django.contrib import admin

from prm.core.admin import ReadOnlyModelAdmin, ScopedTabularInline
from prm.corrective_actions.models import CorrectiveActionRequest, Evidence, RequestStep


class StepInline(ScopedTabularInline):
    model = RequestStep
    extra = 0
    fields = ("kind", "at", "actor", "comment")
    readonly_fields = fields
    can_delete = False


class EvidenceInline(ScopedTabularInline):
    model = Evidence
    extra = 0
    fields = ("document", "uploaded_by", "created_at")
    readonly_fields = fields
    can_delete = False


@admin.register(CorrectiveActionRequest)
class CorrectiveActionRequestAdmin(ReadOnlyModelAdmin):
    list_display = ("reference", "title", "partner", "severity", "status", "due_on", "sent_at")
    list_filter = ("status", "severity")
    search_fields = ("title", "partner__name", "external_id")
    raw_id_fields = ("partner", "risk", "requested_by")
    inlines = (StepInline, EvidenceInline)


# The steps and evidence of the requests (shown inline above), to look up on their own.
for _model in (RequestStep, Evidence):
    admin.site.register(_model, ReadOnlyModelAdmin)
