from django import forms
from django.contrib import admin
from django.db.models import Count
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.core.admin import ReadOnlyModelAdmin, ScopedModelAdmin, ScopedTabularInline
from prm.partners import lifecycle, services
from prm.partners.models import (
    Contact,
    ContactRole,
    Document,
    Interaction,
    Partner,
    PartnerType,
    PortalSettings,
    SavedFilter,
    Tag,
    Tier,
)


class PartnerAdminForm(forms.ModelForm):
    """The rules the back office enforces, kept here too: stages move only along the
    lifecycle, and a partner never ends up among its own ancestors."""

    class Meta:
        model = Partner
        fields = (
            "name",
            "legal_name",
            "registration_number",
            "external_id",
            "types",
            "tier",
            "stage",
            "owner",
            "parent",
            "tags",
            "country",
            "region",
            "industry",
            "website",
            "domain",
            "notes",
        )
        widgets = {"types": forms.CheckboxSelectMultiple}

    def clean_stage(self):
        stage = self.cleaned_data["stage"]
        current = self.instance.stage if self.instance.pk else lifecycle.Stage.PROSPECT
        if self.instance.pk and not lifecycle.can_move(current, stage):
            raise forms.ValidationError(
                _("A partner cannot move from %(old)s to %(new)s.")
                % {"old": lifecycle.Stage(current).label, "new": lifecycle.Stage(stage).label}
            )
        return stage

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        ancestor, seen = parent, {self.instance.pk} if self.instance.pk else set()
        while ancestor is not None:
            if ancestor.pk in seen:
                raise forms.ValidationError(_("A partner cannot be its own ancestor."))
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
        return parent


class ContactAdminForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("roles"),
        choices=ContactRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Contact
        fields = (
            "partner",
            "name",
            "title",
            "email",
            "phone",
            "roles",
            "portal_access",
            "external_id",
        )


class ContactInline(ScopedTabularInline):
    model = Contact
    fields = ("name", "title", "email", "phone", "portal_access")


@admin.register(Partner)
class PartnerAdmin(ScopedModelAdmin):
    form = PartnerAdminForm
    list_display = (
        "name",
        "registration_number",
        "stage",
        "tier",
        "country",
        "owner",
        "updated_at",
    )
    list_filter = ("stage", "tier", "types", "country")
    list_select_related = ("tier", "owner")
    search_fields = ("name", "legal_name", "registration_number", "domain", "owner__email")
    autocomplete_fields = ("parent", "tags")
    readonly_fields = ("created_at", "updated_at")
    inlines = (ContactInline,)
    fieldsets = (
        (
            None,
            {"fields": ("name", "legal_name", "registration_number", "external_id", "types")},
        ),
        (_("Program"), {"fields": ("tier", "stage", "owner", "parent", "tags")}),
        (_("Company"), {"fields": ("country", "region", "industry", "website", "domain")}),
        (None, {"fields": ("notes", "created_at", "updated_at")}),
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            # Only staff who may own partners are offered.
            kwargs["queryset"] = User.objects.filter(
                role__in=[Role.ADMIN, Role.PARTNER_MANAGER], is_active=True
            ).order_by("email")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Contact)
class ContactAdmin(ScopedModelAdmin):
    form = ContactAdminForm
    list_display = ("name", "partner", "title", "email", "phone", "portal_access")
    list_filter = ("portal_access",)
    list_select_related = ("partner",)
    search_fields = ("name", "email", "title", "partner__name")
    autocomplete_fields = ("partner",)
    readonly_fields = ("created_at", "updated_at")


@admin.register(Document)
class DocumentAdmin(ScopedModelAdmin):
    """Uploads go through the partner pages, where size and type are checked; here a
    document's data can be corrected and the document removed (file included)."""

    list_display = ("title", "partner", "kind", "filename", "size_display", "expires_on")
    list_filter = ("kind",)
    list_select_related = ("partner",)
    search_fields = ("title", "filename", "partner__name")
    date_hierarchy = "expires_on"
    fields = (
        "partner",
        "title",
        "kind",
        "expires_on",
        "filename",
        "content_type",
        "size_display",
        "uploaded_by",
        "created_at",
    )
    readonly_fields = (
        "partner",
        "filename",
        "content_type",
        "size_display",
        "uploaded_by",
        "created_at",
    )

    @admin.display(description=_("size"), ordering="size")
    def size_display(self, obj: Document) -> str:
        return filesizeformat(obj.size)

    def has_add_permission(self, request) -> bool:
        return False

    def delete_model(self, request, obj):
        services.document_delete(actor=request.user, document=obj)

    def delete_queryset(self, request, queryset):
        for document in queryset:
            services.document_delete(actor=request.user, document=document)


@admin.register(Interaction)
class InteractionAdmin(ScopedModelAdmin):
    list_display = ("occurred_at", "kind", "partner", "user", "contact")
    list_filter = ("kind",)
    list_select_related = ("partner", "user", "contact")
    search_fields = ("summary", "partner__name", "contact__name")
    autocomplete_fields = ("partner", "contact")
    date_hierarchy = "occurred_at"
    readonly_fields = ("created_at", "updated_at")


@admin.register(PartnerType)
class PartnerTypeAdmin(ReadOnlyModelAdmin):
    """The types are fixed in code (TypeCode); listed here for reference."""

    list_display = ("code", "__str__")


@admin.register(Tier)
class TierAdmin(ScopedModelAdmin):
    list_display = ("code", "name_ko", "name_en", "rank")
    list_editable = ("rank",)
    search_fields = ("code", "name_ko", "name_en")


@admin.register(Tag)
class TagAdmin(ScopedModelAdmin):
    list_display = ("name", "partner_count")
    search_fields = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(partner_count=Count("partners"))

    @admin.display(description=_("partners"), ordering="partner_count")
    def partner_count(self, obj: Tag) -> int:
        return obj.partner_count


@admin.register(SavedFilter)
class SavedFilterAdmin(ScopedModelAdmin):
    list_display = ("name", "list_name", "user", "created_at")
    list_filter = ("list_name",)
    search_fields = ("name", "query")
    readonly_fields = ("user", "list_name", "created_at")

    def has_add_permission(self, request) -> bool:
        return False


class PortalSettingsForm(forms.ModelForm):
    editable_fields = forms.MultipleChoiceField(
        label=_("fields partners may edit"),
        choices=PortalSettings.EDITABLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Partner admins may change these fields of their company in the portal."),
    )

    class Meta:
        model = PortalSettings
        fields = ("editable_fields",)


@admin.register(PortalSettings)
class PortalSettingsAdmin(ScopedModelAdmin):
    """One row of settings: the list leads straight to it."""

    form = PortalSettingsForm

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        settings_row = PortalSettings.load()
        opts = self.model._meta
        return redirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[settings_row.pk])
        )
