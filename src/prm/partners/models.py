import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from prm.core.access import Action, OwnerPolicy, PartnerPolicy
from prm.core.models import AccessManager, BusinessModel
from prm.partners.lifecycle import Stage
from prm.partners.names import name_key
from prm.partners.validators import (
    format_brn,
    format_phone,
    normalize_brn,
    normalize_domain,
    normalize_phone,
)


class TypeCode(models.TextChoices):
    SUPPLIER = "supplier", _("Supplier")
    RESELLER = "reseller", _("Reseller")
    DISTRIBUTOR = "distributor", _("Distributor")
    REFERRAL = "referral", _("Referral partner")
    TECHNOLOGY = "technology", _("Technology partner")
    SERVICE = "service", _("Service partner")
    OEM = "oem", _("OEM")


class PartnerType(models.Model):
    """One of the fixed partner types; a partner has one or more."""

    code = models.CharField(_("code"), max_length=16, primary_key=True, choices=TypeCode.choices)

    class Meta:
        verbose_name = _("partner type")
        verbose_name_plural = _("partner types")
        ordering = ["code"]

    def __str__(self) -> str:
        return str(TypeCode(self.code).label)


class Tier(models.Model):
    """A partner program tier (Registered, Silver, Gold, Platinum by default)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=64)
    rank = models.PositiveSmallIntegerField(_("rank"), default=0)

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name_ko if (get_language() or "ko").startswith("ko") else self.name_en


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Partner(BusinessModel):
    """A company we work with: a channel partner, a supplier, or both."""

    name = models.CharField(_("name"), max_length=200)
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    name_key = models.CharField(max_length=200, db_index=True, editable=False)
    # Stored as 10 digits; 12 characters let a form accept the dashed form (123-45-67890).
    registration_number = models.CharField(
        _("business registration number"), max_length=12, blank=True, db_index=True
    )
    external_id = models.CharField(_("external id"), max_length=64, blank=True, db_index=True)
    types = models.ManyToManyField(PartnerType, verbose_name=_("types"), related_name="partners")
    tier = models.ForeignKey(
        Tier, verbose_name=_("tier"), null=True, blank=True, on_delete=models.PROTECT
    )
    stage = models.CharField(
        _("stage"), max_length=16, choices=Stage.choices, default=Stage.PROSPECT, db_index=True
    )
    country = CountryField(_("country"), default="KR", db_index=True)
    region = models.CharField(_("region"), max_length=100, blank=True, db_index=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True, db_index=True)
    website = models.URLField(_("website"), blank=True)
    domain = models.CharField(_("e-mail domain"), max_length=253, blank=True, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_partners",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="partners")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent partner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    notes = models.TextField(_("notes"), blank=True)
    # Set by a scorecard standing's action (prm.scorecards) or by staff: no new deal
    # registrations or purchase orders while on hold.
    on_hold = models.BooleanField(_("on hold"), default=False, db_index=True)
    hold_reason = models.TextField(_("hold reason"), blank=True)

    access_policy = PartnerPolicy(
        partner_path="",
        portal_user=frozenset({Action.VIEW}),
        portal_admin=frozenset({Action.VIEW, Action.CHANGE}),
    )

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration_number"],
                condition=~models.Q(registration_number=""),
                name="partner_unique_registration_number",
                violation_error_code="duplicate",
                violation_error_message=_(
                    "A partner with this business registration number already exists."
                ),
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~models.Q(external_id=""),
                name="partner_unique_external_id",
                violation_error_code="duplicate",
                violation_error_message=_("A partner with this external id already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.legal_name or self.name) or name_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "legal_name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        """Normalise the registration number and domain before the field checks run."""
        errors = {}
        for name, normalize in (
            ("registration_number", normalize_brn),
            ("domain", normalize_domain),
        ):
            try:
                setattr(self, name, normalize(getattr(self, name)))
            except ValidationError as exc:
                errors[name] = exc.error_list
        try:
            super().clean_fields(exclude=[*(exclude or []), *errors])
        except ValidationError as exc:
            errors.update(exc.error_dict)
        if errors:
            raise ValidationError(errors)

    def clean(self):
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A partner cannot be its own parent.")})

    @property
    def registration_number_display(self) -> str:
        return format_brn(self.registration_number)

    @property
    def type_codes(self) -> list[str]:
        return sorted(t.code for t in self.types.all())

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("partners:detail", args=[self.pk])


class ContactRole(models.TextChoices):
    PRIMARY = "primary", _("Primary contact")
    SALES = "sales", _("Sales")
    TECHNICAL = "technical", _("Technical")
    BILLING = "billing", _("Billing")
    EXECUTIVE = "executive", _("Executive")
    LEGAL = "legal", _("Legal")
    PURCHASING = "purchasing", _("Purchasing")


class Contact(BusinessModel):
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(pgettext_lazy("job", "title"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    roles = models.JSONField(_("roles"), default=list, blank=True)
    portal_access = models.BooleanField(_("portal access"), default=False)
    external_id = models.CharField(_("external id"), max_length=64, blank=True, db_index=True)

    access_policy = PartnerPolicy(
        partner_path="partner",
        portal_user=frozenset({Action.VIEW}),
        portal_admin=frozenset({Action.VIEW, Action.ADD, Action.CHANGE, Action.DELETE}),
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        self.email = (self.email or "").strip().lower()
        country = self.partner.country.code if self.partner_id else "KR"
        try:
            self.phone = normalize_phone(self.phone, country)
        except ValidationError as exc:
            raise ValidationError({"phone": exc.error_list}) from exc
        unknown = [r for r in self.roles or [] if r not in ContactRole.values]
        if unknown:
            raise ValidationError(
                {"roles": _("Unknown role(s): %(roles)s") % {"roles": ", ".join(map(str, unknown))}}
            )

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)

    def get_roles_display(self) -> list[str]:
        labels = dict(ContactRole.choices)
        return [str(labels.get(r, r)) for r in self.roles]


class DocumentKind(models.TextChoices):
    REGISTRATION = "registration", _("Business registration certificate")
    CERTIFICATE = "certificate", _("Certificate")
    INSURANCE = "insurance", _("Insurance")
    FINANCIAL = "financial", _("Financial statement")
    AGREEMENT = "agreement", _("Agreement")
    PRESENTATION = "presentation", _("Company presentation")
    OTHER = "other", _("Other")


def document_path(instance: "Document", filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return f"documents/{instance.partner_id}/{uuid.uuid4().hex}{suffix}"


class Document(BusinessModel):
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(pgettext_lazy("document", "title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=16, choices=DocumentKind.choices, default=DocumentKind.OTHER
    )
    file = models.FileField(_("file"), upload_to=document_path, max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    access_policy = PartnerPolicy(
        partner_path="partner",
        portal_user=frozenset({Action.VIEW, Action.ADD}),
        portal_admin=frozenset({Action.VIEW, Action.ADD}),
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class InteractionKind(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("E-mail")
    CHAT = "chat", _("Chat")
    VISIT = "visit", _("Visit")


class Interaction(BusinessModel):
    """A call, meeting, e-mail, chat or visit with a partner: staff's own log."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="interactions"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InteractionKind.choices)
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
    )
    summary = models.TextField(_("summary"))

    # Staff notes about the partner: not shown in the portal.
    access_policy = PartnerPolicy(partner_path="partner", staff_only=True)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"


class SavedFilter(models.Model):
    """A user's named set of list filters (the query string of a list page)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters"
    )
    list_name = models.CharField(max_length=50)
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filters"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    access_policy = OwnerPolicy(user_path="user", admin_sees_all=False)
    objects = AccessManager()

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "list_name", "name"], name="saved_filter_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PortalSettings(models.Model):
    """What partner admins may edit of their own company profile in the portal (one row)."""

    EDITABLE_CHOICES = (
        ("legal_name", _("legal name")),
        ("website", _("website")),
        ("domain", _("e-mail domain")),
        ("industry", _("industry")),
        ("region", _("region")),
        ("country", _("country")),
    )
    DEFAULT_EDITABLE = ["website", "domain", "industry", "region"]

    editable_fields = models.JSONField(_("fields partners may edit"), default=list, blank=True)

    audited = True

    class Meta:
        verbose_name = _("portal settings")
        verbose_name_plural = _("portal settings")

    def __str__(self) -> str:
        return str(_("Portal settings"))

    @classmethod
    def load(cls) -> "PortalSettings":
        obj, _created = cls.objects.get_or_create(
            pk=1, defaults={"editable_fields": cls.DEFAULT_EDITABLE}
        )
        return obj

    def clean(self):
        allowed = {code for code, _label in self.EDITABLE_CHOICES}
        if set(self.editable_fields) - allowed:
            raise ValidationError({"editable_fields": _("Unknown field.")})
