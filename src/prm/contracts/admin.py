"""Admins extend the contract types and define the compliance requirements here."""

from django.contrib import admin

from prm.contracts.models import (
    ComplianceRequirement,
    ComplianceSubmission,
    Contract,
    ContractAlert,
    ContractTerm,
    ContractType,
    NegotiationRound,
    PartnerCompliance,
    RoundComment,
)
from prm.core.admin import ReadOnlyModelAdmin, ScopedModelAdmin, ScopedTabularInline


@admin.register(ContractType)
class ContractTypeAdmin(ScopedModelAdmin):
    list_display = ("code", "name_ko", "name_en", "rank")
    ordering = ("rank", "code")


@admin.register(ComplianceRequirement)
class ComplianceRequirementAdmin(ScopedModelAdmin):
    list_display = ("name_ko", "name_en", "partner_type", "expires", "validity_days", "active")
    list_filter = ("partner_type", "expires", "active")


class TermInline(ScopedTabularInline):
    model = ContractTerm
    extra = 0


class RoundInline(ScopedTabularInline):
    model = NegotiationRound
    extra = 0
    fields = ("number", "filename", "summary", "accepted_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Contract)
class ContractAdmin(ScopedModelAdmin):
    list_display = ("title", "partner", "type", "start_date", "end_date", "signed_on")
    list_filter = ("type",)
    search_fields = ("title",)
    raw_id_fields = ("partner", "predecessor", "owner")
    inlines = [TermInline, RoundInline]


@admin.register(ComplianceSubmission)
class ComplianceSubmissionAdmin(ReadOnlyModelAdmin):
    list_display = ("partner", "requirement", "expires_on", "created_at")


# Negotiation records and sent alerts, to look up; they change only through the back office.
for _model in (ContractTerm, NegotiationRound, RoundComment, ContractAlert):
    admin.site.register(_model, ReadOnlyModelAdmin)
admin.site.register(PartnerCompliance, ReadOnlyModelAdmin)  # derived from the submissions
