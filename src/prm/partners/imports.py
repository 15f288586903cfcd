"""Partners and contacts as import/export entities (see ``prm.imports.registry``).

Which existing row a file row updates:

- partners: the ``ID`` column when filled, else the registration number, else the external
  ID; otherwise the row creates a partner.
- contacts: the ``ID`` column, else the external ID, else the partner and e-mail address
  (the partner and name for a contact without an e-mail address).

A blank cell clears a text field, the tier and the parent; for the stage, country, owner
and portal access it leaves the stored value alone. A new partner whose name or e-mail
domain matches an existing partner is a row error unless duplicates are allowed
(``--allow-duplicates``, or the check box in the UI): a re-import of a file without keys
must not quietly double the registry.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.core import access
from prm.core.access import Action
from prm.imports.registry import (
    KEEP,
    Column,
    Context,
    Entity,
    Outcome,
    RowError,
    choice_lookup,
    header_key,
    register,
    split_list,
)
from prm.partners import selectors, services
from prm.partners.lifecycle import Stage
from prm.partners.models import Contact, ContactRole, Partner, Tag, Tier, TypeCode
from prm.partners.validators import format_brn, normalize_brn, normalize_domain, normalize_phone

# Korean names from the glossary, accepted whatever the message catalogue says.
TYPE_NAMES_KO = {
    TypeCode.SUPPLIER: ("공급사", "협력사"),
    TypeCode.RESELLER: ("리셀러",),
    TypeCode.DISTRIBUTOR: ("총판",),
    TypeCode.REFERRAL: ("추천 파트너",),
    TypeCode.TECHNOLOGY: ("기술 파트너",),
    TypeCode.SERVICE: ("서비스 파트너",),
    TypeCode.OEM: ("OEM",),
}
STAGE_NAMES_KO = {
    Stage.PROSPECT: ("잠재",),
    Stage.CANDIDATE: ("후보",),
    Stage.APPLIED: ("신청",),
    Stage.ONBOARDING: ("온보딩",),
    Stage.ACTIVE: ("활성",),
    Stage.SUSPENDED: ("정지",),
    Stage.OFFBOARDED: ("종료",),
}
ROLE_NAMES_KO = {
    ContactRole.PRIMARY: ("주 담당자", "대표 담당자"),
    ContactRole.SALES: ("영업",),
    ContactRole.TECHNICAL: ("기술",),
    ContactRole.BILLING: ("정산", "청구"),
    ContactRole.EXECUTIVE: ("임원",),
    ContactRole.LEGAL: ("법무",),
    ContactRole.PURCHASING: ("구매",),
}
# Country names common in spreadsheets that are not ISO codes or official names.
COUNTRY_ALIASES = {
    "uk": "GB",
    "england": "GB",
    "korea": "KR",
    "southkorea": "KR",
    "republicofkorea": "KR",
    "한국": "KR",
    "남한": "KR",
    "usa": "US",
    "us": "US",
    "america": "US",
    "미국": "US",
    "영국": "GB",
}
TAG_LENGTH = Tag._meta.get_field("name").max_length
TRUE_WORDS = {"1", "y", "yes", "true", "o", "예", "네", "사용", "허용"}
FALSE_WORDS = {"0", "n", "no", "false", "x", "아니오", "아니요", "미사용", "불허"}


def _labels(ctx: Context, choices, extra: dict) -> dict[str, str]:
    """Codes by every name they may be written as: the code, the English and Korean labels
    from the catalogues, and the glossary's Korean names."""
    key = f"labels:{id(extra)}"
    if key not in ctx.cache:
        ctx.cache[key] = _label_table(choices, extra)
    return ctx.cache[key]


def _label_table(choices, extra: dict) -> dict[str, str]:
    pairs = []
    for code, label in choices:
        names = list(extra.get(code, ()))
        for language in ("en", "ko"):
            with translation.override(language):
                names.append(str(label))
        pairs.append((code, names))
    return choice_lookup(pairs)


def _choice(value: str, table: dict[str, str], message: str) -> str:
    """The code ``value`` names; ``message`` (with %(value)s and %(choices)s) when none."""
    code = table.get(header_key(value))
    if code is None:
        choices = ", ".join(sorted(set(table.values())))
        raise ValidationError(message % {"value": value, "choices": choices})
    return code


# Cell parsers --------------------------------------------------------------------------


def parse_id(value: str, ctx: Context) -> Any:
    if not value:
        return KEEP
    if not value.isdigit() or len(value) > 18:
        raise ValidationError(_("An ID is a whole number."))
    return int(value)


def parse_brn(value: str, ctx: Context) -> str:
    return normalize_brn(value)


def parse_types(value: str, ctx: Context) -> list[str]:
    table = _labels(ctx, TypeCode.choices, TYPE_NAMES_KO)
    return sorted(
        {
            _choice(part, table, _("%(value)s is not a partner type; use one of: %(choices)s"))
            for part in split_list(value)
        }
    )


def parse_stage(value: str, ctx: Context) -> Any:
    if not value:
        return KEEP
    return _choice(
        value,
        _labels(ctx, Stage.choices, STAGE_NAMES_KO),
        _("%(value)s is not a stage; use one of: %(choices)s"),
    )


def parse_tier(value: str, ctx: Context) -> Tier | None:
    if not value:
        return None
    tiers = ctx.cache.setdefault("tiers", list(Tier.objects.all()))
    table = choice_lookup((t.code, (t.name_ko, t.name_en)) for t in tiers)
    code = _choice(value, table, _("%(value)s is not a tier; use one of: %(choices)s"))
    return next(t for t in tiers if t.code == code)


def parse_country(value: str, ctx: Context) -> Any:
    if not value:
        return KEEP
    key = header_key(value)
    code = COUNTRY_ALIASES.get(key) or countries.alpha2(value)
    if not code:
        for language in ("en", "ko"):
            code = countries.by_name(value, language=language)
            if code:
                break
    if not code:
        raise ValidationError(
            _("%(value)s is not a country; use a code such as KR or a name such as Japan.")
            % {"value": value}
        )
    return code


def parse_website(value: str, ctx: Context) -> str:
    if value and "://" not in value:
        return f"https://{value}"
    return value


def parse_domain(value: str, ctx: Context) -> str:
    return normalize_domain(value)


def parse_owner(value: str, ctx: Context) -> Any:
    if not value:
        return KEEP
    owner = User.objects.filter(
        email__iexact=value, role__in=[Role.ADMIN, Role.PARTNER_MANAGER], is_active=True
    ).first()
    if owner is None:
        raise ValidationError(
            _("No active partner manager or admin has the e-mail address %(email)s.")
            % {"email": value}
        )
    return owner


def parse_tags(value: str, ctx: Context) -> list[str]:
    return sorted({tag[:TAG_LENGTH] for tag in split_list(value)})


def resolve_partner(value: str, ctx: Context) -> Partner:
    """A partner the actor can see, named by registration number, external ID or exact name."""
    visible = access.scope(ctx.actor, Partner)
    digits = value.replace("-", "").replace(" ", "")
    if len(digits) == 10 and digits.isdigit():
        found = visible.filter(registration_number=digits).first()
        if found:
            return found
    found = visible.filter(external_id=value).first()
    if found:
        return found
    for lookup in ("name", "name__iexact"):
        matches = list(visible.filter(**{lookup: value})[:2])
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise ValidationError(
                _("Several partners are named %(name)s; use the registration number instead.")
                % {"name": value}
            )
    raise ValidationError(_("No partner %(value)s was found.") % {"value": value})


def parse_parent(value: str, ctx: Context) -> Partner | None:
    return resolve_partner(value, ctx) if value else None


def parse_email(value: str, ctx: Context) -> str:
    value = value.strip().lower()
    if value:
        validate_email(value)
    return value


def parse_roles(value: str, ctx: Context) -> list[str]:
    table = _labels(ctx, ContactRole.choices, ROLE_NAMES_KO)
    codes = {
        _choice(part, table, _("%(value)s is not a contact role; use one of: %(choices)s"))
        for part in split_list(value)
    }
    return [code for code in ContactRole.values if code in codes]


def parse_bool(value: str, ctx: Context) -> Any:
    if not value:
        return KEEP
    word = header_key(value)
    yes = TRUE_WORDS | {header_key(_("Yes"))}
    no = FALSE_WORDS | {header_key(_("No"))}
    if word in yes:
        return True
    if word in no:
        return False
    raise ValidationError(_("%(value)s is not yes or no.") % {"value": value})


# Partners ------------------------------------------------------------------------------

RELATIONS = ("tier", "owner", "parent")


def _stored(obj, name: str) -> Any:
    if name in RELATIONS:
        return getattr(obj, f"{name}_id")
    if name == "country":
        return obj.country.code
    return getattr(obj, name)


def _given(name: str, value: Any) -> Any:
    if name in RELATIONS:
        return value.pk if value is not None else None
    return value


def _find_partner(data: dict[str, Any]) -> Partner | None:
    everyone = access.unrestricted(Partner)
    if "id" in data:
        found = everyone.filter(pk=data["id"]).first()
        if found is None:
            raise RowError(_("No partner has the ID %(id)s.") % {"id": data["id"]}, "id")
        return found
    for key in ("registration_number", "external_id"):
        if data.get(key):
            found = everyone.filter(**{key: data[key]}).first()
            if found:
                return found
    return None


def _check_unique(partner: Partner | None, data: dict[str, Any]) -> None:
    taken = {
        "registration_number": _("This registration number belongs to %(partner)s (#%(id)s)."),
        "external_id": _("This external ID belongs to %(partner)s (#%(id)s)."),
    }
    for key, message in taken.items():
        value = data.get(key)
        if not value or (partner is not None and getattr(partner, key) == value):
            continue
        other = access.unrestricted(Partner).filter(**{key: value})
        if partner is not None:
            other = other.exclude(pk=partner.pk)
        holder = other.first()
        if holder:
            raise RowError(message % {"partner": holder.name, "id": holder.pk}, key)


def apply_partner(ctx: Context, data: dict[str, Any]) -> Outcome:
    partner = _find_partner(data)
    data = {k: v for k, v in data.items() if k != "id"}
    types = data.pop("types", None)
    tags = data.pop("tags", None)
    _check_unique(partner, data)
    if partner is None:
        return _create_partner(ctx, data, types, tags)
    if not access.can(ctx.actor, partner, Action.CHANGE):
        raise RowError(
            _("You may not change %(name)s: only its owner or an admin may.")
            % {"name": partner.name}
        )
    changes = {k: v for k, v in data.items() if _stored(partner, k) != _given(k, v)}
    new_types = types if types is not None and set(types) != set(partner.type_codes) else None
    current_tags = set(partner.tags.values_list("name", flat=True))
    new_tags = tags if tags is not None and set(tags) != current_tags else None
    if not changes and new_types is None and new_tags is None:
        return Outcome.UNCHANGED
    services.partner_update(
        actor=ctx.actor, partner=partner, data=changes, types=new_types, tags=new_tags
    )
    return Outcome.UPDATED


def _create_partner(ctx: Context, data: dict[str, Any], types, tags) -> Outcome:
    if not types:
        raise RowError(_("Choose at least one partner type."), "types")
    name_keys = _name_keys(ctx)
    if not ctx.allow_duplicates:
        duplicates = services.partner_duplicates(
            name=data.get("name", ""),
            legal_name=data.get("legal_name", ""),
            registration_number=data.get("registration_number", ""),
            domain=data.get("domain", ""),
            name_keys=name_keys,
        )
        if duplicates:
            names = access.unrestricted(Partner).filter(
                pk__in=[d.partner_id for d in duplicates[:3]]
            )
            raise RowError(
                _(
                    "This looks like a partner that already exists: %(partners)s. To update "
                    "it, put its ID, registration number or external ID in the row; to create "
                    "a new partner anyway, allow duplicates."
                )
                % {"partners": ", ".join(f"{p.name} (#{p.pk})" for p in names)},
                "name",
            )
    partner = services.partner_create(
        actor=ctx.actor, data=data, types=types, tags=tags, allow_duplicate=True
    )
    name_keys[partner.pk] = partner.name_key
    return Outcome.CREATED


def _name_keys(ctx: Context) -> dict[int, str]:
    """Every partner's name key, loaded once per file for the duplicate checks."""
    if "partner_name_keys" not in ctx.cache:
        ctx.cache["partner_name_keys"] = dict(
            access.unrestricted(Partner).values_list("pk", "name_key")
        )
    return ctx.cache["partner_name_keys"]


def partner_key(partner: Partner | None) -> str:
    """How a file names a partner: its registration number, else external ID, else name."""
    if partner is None:
        return ""
    if partner.registration_number:
        return format_brn(partner.registration_number)
    return partner.external_id or partner.name


def export_partner(partner: Partner) -> dict[str, Any]:
    type_labels = dict(TypeCode.choices)
    return {
        "id": partner.pk,
        "name": partner.name,
        "legal_name": partner.legal_name,
        "registration_number": format_brn(partner.registration_number),
        "types": ", ".join(str(type_labels[t.code]) for t in partner.types.all()),
        "tier": str(partner.tier) if partner.tier else "",
        "stage": str(Stage(partner.stage).label),
        "country": partner.country.code,
        "region": partner.region,
        "industry": partner.industry,
        "website": partner.website,
        "domain": partner.domain,
        "owner": partner.owner.email if partner.owner else "",
        "tags": ", ".join(t.name for t in partner.tags.all()),
        "parent": partner_key(partner.parent),
        "notes": partner.notes,
        "external_id": partner.external_id,
    }


def partners_for_export(user: User | None, params, request) -> tuple[Any, QuerySet]:
    if user is None:
        rows = (
            access.unrestricted(Partner)
            .select_related("tier", "owner", "parent")
            .prefetch_related("types", "tags")
            .order_by("name", "id")
        )
        return None, rows
    return selectors.partner_list(user=user, params=params, request=request)


ID_COLUMN = Column("id", "id", "ID", parse=parse_id)

PARTNERS = register(
    Entity(
        name="partners",
        label=gettext_lazy("Partners"),
        model=Partner,
        natural_keys=("id", "registration_number", "external_id"),
        columns=(
            ID_COLUMN,
            Column(
                "name",
                "name",
                "상호",
                aliases=("이름", "파트너명", "회사명", "업체명", "company", "partner name"),
                required=True,
            ),
            Column("legal_name", "legal_name", "법인명", aliases=("정식 명칭",)),
            Column(
                "registration_number",
                "registration_number",
                "사업자등록번호",
                aliases=("사업자번호", "brn", "business registration number"),
                parse=parse_brn,
            ),
            Column(
                "types",
                "types",
                "유형",
                aliases=("type", "파트너 유형", "partner type"),
                required=True,
                parse=parse_types,
            ),
            Column("tier", "tier", "등급", parse=parse_tier),
            Column("stage", "stage", "단계", aliases=("lifecycle stage",), parse=parse_stage),
            Column("country", "country", "국가", parse=parse_country),
            Column("region", "region", "지역"),
            Column("industry", "industry", "업종"),
            Column(
                "website",
                "website",
                "웹사이트",
                aliases=("홈페이지", "homepage", "url"),
                parse=parse_website,
            ),
            Column(
                "domain",
                "domain",
                "이메일 도메인",
                aliases=("e-mail domain", "email domain", "도메인"),
                parse=parse_domain,
            ),
            Column(
                "owner",
                "owner",
                "파트너 매니저",
                aliases=("담당자", "담당자 이메일", "담당 매니저", "owner e-mail", "owner email"),
                parse=parse_owner,
            ),
            Column("tags", "tags", "태그", aliases=("tag",), parse=parse_tags),
            Column(
                "parent",
                "parent",
                "상위 파트너",
                aliases=("parent partner",),
                parse=parse_parent,
            ),
            Column("notes", "notes", "메모", aliases=("비고", "note")),
            Column("external_id", "external_id", "외부 ID", aliases=("외부 코드",)),
        ),
        apply=apply_partner,
        export_queryset=partners_for_export,
        export_row=export_partner,
        # Staff notes and owners are not for partners' eyes, even their own row.
        export_roles=frozenset({Role.ADMIN, Role.PARTNER_MANAGER, Role.ANALYST}),
    )
)


# Contacts ------------------------------------------------------------------------------


def _find_contact(partner: Partner, data: dict[str, Any]) -> Contact | None:
    everyone = access.unrestricted(Contact)
    if "id" in data:
        found = everyone.filter(pk=data["id"]).first()
        if found is None:
            raise RowError(_("No contact has the ID %(id)s.") % {"id": data["id"]}, "id")
        return found
    if data.get("external_id"):
        matches = list(everyone.filter(external_id=data["external_id"])[:2])
        if len(matches) > 1:
            raise RowError(
                _("Several contacts have the external ID %(id)s.") % {"id": data["external_id"]},
                "external_id",
            )
        if matches:
            return matches[0]
    if data.get("email"):
        lookup = {"email": data["email"]}
    elif "email" in data:  # an e-mail column, blank here: the person has no address
        lookup = {"name": data["name"], "email": ""}
    else:
        lookup = {"name": data["name"]}
    matches = list(partner.contacts.filter(**lookup)[:2])
    if len(matches) > 1:
        raise RowError(
            _("%(partner)s has several such contacts; add the ID column to say which one.")
            % {"partner": partner.name}
        )
    return matches[0] if matches else None


def apply_contact(ctx: Context, data: dict[str, Any]) -> Outcome:
    partner = data.pop("partner")
    contact = _find_contact(partner, data)
    data = {k: v for k, v in data.items() if k != "id"}
    if "phone" in data:
        try:
            data["phone"] = normalize_phone(data["phone"], partner.country.code)
        except ValidationError as exc:
            raise ValidationError({"phone": exc.error_list}) from exc
    if contact is None:
        if not access.can_add(ctx.actor, Contact, partner):
            raise RowError(
                _("You may not add contacts to %(partner)s.") % {"partner": partner.name},
                "partner",
            )
        services.contact_create(actor=ctx.actor, partner=partner, data=data)
        return Outcome.CREATED
    if contact.partner_id != partner.pk:
        raise RowError(
            _("This contact belongs to %(partner)s; an import does not move contacts.")
            % {"partner": contact.partner.name},
            "partner",
        )
    if not access.can(ctx.actor, contact, Action.CHANGE):
        raise RowError(
            _("You may not change the contacts of %(partner)s.") % {"partner": partner.name},
            "partner",
        )
    changes = {}
    for name, value in data.items():
        stored = contact.roles if name == "roles" else _stored(contact, name)
        if name == "roles" and set(stored or []) == set(value):
            continue
        if stored != value:
            changes[name] = value
    if not changes:
        return Outcome.UNCHANGED
    services.contact_update(actor=ctx.actor, contact=contact, data=changes)
    return Outcome.UPDATED


def export_contact(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "partner": partner_key(contact.partner),
        "partner_name": contact.partner.name,
        "name": contact.name,
        "title": contact.title,
        "email": contact.email,
        "phone": contact.phone_display,
        "roles": ", ".join(contact.get_roles_display()),
        "portal_access": str(_("Yes") if contact.portal_access else _("No")),
        "external_id": contact.external_id,
    }


def contacts_for_export(user: User | None, params, request) -> tuple[Any, QuerySet]:
    if user is None:
        rows = access.unrestricted(Contact).select_related("partner").order_by("name", "id")
        return None, rows
    return selectors.contact_list(user=user, params=params, request=request)


CONTACTS = register(
    Entity(
        name="contacts",
        label=gettext_lazy("Contacts"),
        model=Contact,
        natural_keys=("id", "external_id", "partner+email", "partner+name"),
        columns=(
            ID_COLUMN,
            Column(
                "partner",
                "partner",
                "파트너",
                aliases=("협력사", "사업자등록번호", "partner registration number"),
                required=True,
                parse=resolve_partner,
            ),
            Column("partner_name", "partner_name", "파트너명", export_only=True),
            Column(
                "name",
                "name",
                "이름",
                aliases=("담당자", "담당자명", "성명", "contact name"),
                required=True,
            ),
            Column("title", "title", "직함", aliases=("직책", "직위", "job title")),
            Column(
                "email",
                "email",
                "이메일",
                aliases=("e-mail", "메일", "email address"),
                parse=parse_email,
            ),
            Column(
                "phone",
                "phone",
                "전화번호",
                aliases=("전화", "연락처", "휴대폰", "telephone", "mobile"),
            ),
            Column("roles", "roles", "역할", aliases=("role",), parse=parse_roles),
            Column(
                "portal_access",
                "portal_access",
                "포털 접근",
                aliases=("포털", "portal"),
                parse=parse_bool,
            ),
            Column("external_id", "external_id", "외부 ID", aliases=("외부 코드",)),
        ),
        apply=apply_contact,
        export_queryset=contacts_for_export,
        export_row=export_contact,
    )
)
