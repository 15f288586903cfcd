from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from prm.accounts import impersonation, services
from prm.accounts.models import ApiToken, User
from prm.accounts.roles import PORTAL_ROLES
from prm.core.admin import ReadOnlyModelAdmin, ScopedModelAdmin
from prm.core.errors import BusinessError

# Roles carry the permissions; Django's groups are not used.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


class RoleAndPartnerMixin:
    """Portal roles belong to a partner, staff roles to none: said in words, not as the
    name of a database constraint."""

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()
        others = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(_("A user with this e-mail address already exists."))
        return email

    def clean(self):
        cleaned = super().clean()
        role, partner = cleaned.get("role"), cleaned.get("partner")
        if role in PORTAL_ROLES and partner is None:
            self.add_error("partner", _("A portal user needs a partner."))
        elif role and role not in PORTAL_ROLES and partner is not None:
            self.add_error("partner", _("Staff users do not belong to a partner."))
        return cleaned


class UserCreateForm(RoleAndPartnerMixin, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "role", "partner", "language")
        field_classes: dict = {}


class UserEditForm(RoleAndPartnerMixin, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes: dict = {}


@admin.register(User)
class UserAdmin(ScopedModelAdmin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "language")}),
        (_("Role"), {"fields": ("role", "partner", "is_active")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "first_name",
                    "last_name",
                    "role",
                    "partner",
                    "language",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    list_display = (
        "email",
        "first_name",
        "last_name",
        "role",
        "partner",
        "is_active",
        "last_login",
    )
    list_filter = ("role", "is_active")
    list_select_related = ("partner",)
    search_fields = ("email", "first_name", "last_name", "partner__name")
    ordering = ("email",)
    autocomplete_fields = ("partner",)
    filter_horizontal = ()
    readonly_fields = ("last_login", "date_joined")
    actions = ("view_as_partner",)

    @admin.action(description=_("View the portal as this user"))
    def view_as_partner(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one portal user."), messages.ERROR)
            return None
        try:
            target = impersonation.impersonation_start(
                actor=request.user, request=request, target_id=queryset.get().pk
            )
        except BusinessError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return None
        except Http404:
            self.message_user(
                request, _("Only active portal users can be viewed as."), messages.ERROR
            )
            return None
        messages.info(
            request, _("You are viewing the portal as %(user)s.") % {"user": target.email}
        )
        return redirect("portal:home")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyModelAdmin):
    """Tokens are created where the raw token can be shown once (the UI, ``prm token``);
    here they are looked at and revoked."""

    list_display = ("prefix", "name", "user", "scope", "created_at", "expires_at", "revoked_at")
    list_filter = ("scope",)
    list_select_related = ("user",)
    search_fields = ("prefix", "name", "user__email")
    fields = (
        "user",
        "name",
        "prefix",
        "token_hash",
        "scope",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    readonly_fields = fields
    actions = ("revoke",)

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        tokens = [t for t in queryset if t.revoked_at is None]
        for token in tokens:
            services.token_revoke(actor=request.user, token=token)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", len(tokens))
            % {"count": len(tokens)},
            messages.SUCCESS,
        )
