import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.accounts.roles import PORTAL_ROLES, STAFF_ROLES, Role
from prm.core.access import Action, OwnerPolicy, PartnerPolicy
from prm.core.models import AccessManager


class PrmUserManager(UserManager):
    """Users sign in with their e-mail address; ``username`` mirrors it."""

    def create_user(self, email, password=None, **extra_fields):
        email = self.normalize_email(email)
        return super().create_user(email, email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        email = self.normalize_email(email)
        extra_fields["role"] = Role.ADMIN
        return super().create_superuser(email, email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(username__iexact=username)


class User(AbstractUser):
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    email = models.EmailField(_("e-mail address"), unique=True)
    role = models.CharField(
        _("role"), max_length=24, choices=Role.choices, default=Role.PARTNER_USER
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="users",
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)

    audited = True
    access_policy = PartnerPolicy(
        partner_path="partner",
        portal_user=frozenset({Action.VIEW}),
        portal_admin=frozenset({Action.VIEW, Action.ADD, Action.CHANGE, Action.DELETE}),
    )
    objects = PrmUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=sorted(PORTAL_ROLES), partner__isnull=False)
                | models.Q(role__in=sorted(STAFF_ROLES), partner__isnull=True),
                name="user_portal_roles_have_partner",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.username = self.email
        self.is_staff = self.role == Role.ADMIN
        self.is_superuser = self.role == Role.ADMIN
        super().save(*args, **kwargs)

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_portal_role(self) -> bool:
        return self.role in PORTAL_ROLES


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    class Scope(models.TextChoices):
        READ = "read", _("Read")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices, default=Scope.WRITE)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    audited = True
    access_policy = OwnerPolicy(user_path="user")
    objects = AccessManager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user.email})"

    @staticmethod
    def generate() -> str:
        return "prm_" + secrets.token_urlsafe(32)

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
