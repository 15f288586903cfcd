"""Writes on deals: registration with conflict detection, review decisions, the pipeline.

Every service takes the acting user first, re-checks access inside its transaction,
validates with the model's own rules (``full_clean``) and raises ``BusinessError`` for rule
violations; nothing is changed when it raises. Decisions lock the deal (``select_for_update``)
and check its status inside the transaction, so of two concurrent decisions the second one
is refused cleanly.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.core import access
from prm.core.access import Action
from prm.core.errors import BusinessError
from prm.core.events import emit
from prm.notifications.services import notify
from prm.partners.models import Partner
from prm.partners.names import name_key
from prm.partners.validators import normalize_brn, normalize_domain
from prm.sales import conflicts
from prm.sales.models import (
    CURRENCIES,
    PENDING_STATUSES,
    Account,
    ActivityKind,
    Deal,
    DealActivity,
    DealPartner,
    DealRules,
    DealStatus,
    LaterRegistration,
    PipelineStage,
    ProductCategory,
    StageCode,
)

DEAL_FIELDS = (
    "title",
    "contact_name",
    "contact_email",
    "contact_phone",
    "products",
    "product_category",
    "amount",
    "currency",
    "expected_close_date",
    "notes",
)
STAFF_DEAL_FIELDS = (*DEAL_FIELDS, "owner")
CUSTOMER_FIELDS = ("customer_name", "customer_domain", "customer_registration_number")


# Helpers -----------------------------------------------------------------------------


def _apply(instance, data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise BusinessError(
            _("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    for name, value in data.items():
        setattr(instance, name, value)


def _check_money(deal: Deal) -> None:
    try:
        amount = Decimal(deal.amount) if deal.amount is not None else None
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise BusinessError(_("Enter the amount as a number."), field="amount") from exc
    if amount is None:
        raise BusinessError(_("Enter the amount."), field="amount")
    if amount < 0:
        raise BusinessError(_("The amount cannot be negative."), field="amount")
    deal.currency = (deal.currency or "").strip().upper()
    if deal.currency not in CURRENCIES:
        raise BusinessError(
            _("%(value)s is not a supported currency; use one of: %(codes)s")
            % {"value": deal.currency or "—", "codes": ", ".join(CURRENCIES)},
            code="currency",
            field="currency",
        )


def _check_owner(deal: Deal) -> None:
    if (
        deal.owner_id
        and not User.objects.filter(
            pk=deal.owner_id, role__in=[Role.ADMIN, Role.PARTNER_MANAGER], is_active=True
        ).exists()
    ):
        raise BusinessError(
            _("The co-selling owner must be an active partner manager or admin."),
            field="owner",
        )


def _clean(deal: Deal) -> None:
    _check_money(deal)
    _check_owner(deal)
    if (
        deal.product_category_id
        and not ProductCategory.objects.filter(pk=deal.product_category_id).exists()
    ):
        raise BusinessError(_("Unknown product category."), field="product_category")
    try:
        deal.full_clean()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            field, errors = next(iter(exc.error_dict.items()))
            raise BusinessError(" ".join(errors[0].messages), field=field) from exc
        raise BusinessError(" ".join(exc.messages)) from exc


def customer_from(data: dict[str, Any]) -> conflicts.Customer:
    """The customer a registration names, validated: a name, and optionally a domain (or an
    e-mail address at it) and a business registration number."""
    name = (data.get("customer_name") or "").strip()
    if not name or not name_key(name):
        raise BusinessError(_("Enter the customer's company name."), field="customer_name")
    try:
        domain = normalize_domain(data.get("customer_domain") or "")
    except ValidationError as exc:
        raise BusinessError(exc.messages[0], field="customer_domain") from exc
    try:
        brn = normalize_brn(data.get("customer_registration_number") or "")
    except ValidationError as exc:
        raise BusinessError(exc.messages[0], field="customer_registration_number") from exc
    return conflicts.Customer(name=name[:200], registration_number=brn, domain=domain)


def _refuse_own_company(partner: Partner, customer: conflicts.Customer) -> None:
    same = (
        (
            customer.registration_number
            and customer.registration_number == partner.registration_number
        )
        or (customer.domain and customer.domain == partner.domain)
        or name_key(customer.name) in {name_key(partner.name), name_key(partner.legal_name)}
    )
    if same:
        raise BusinessError(
            _("A partner cannot register a deal for its own company."),
            code="own_company",
            field="customer_name",
        )


def match_or_create_account(customer: conflicts.Customer) -> Account:
    """The account for this customer: the same registration number, else the same domain,
    else the same normalised name; a new account otherwise."""
    accounts = access.unrestricted(Account)
    account = None
    if customer.registration_number:
        account = accounts.filter(registration_number=customer.registration_number).first()
    if account is None and customer.domain:
        account = accounts.filter(domain=customer.domain).first()
    if account is None:
        account = accounts.filter(name_key=name_key(customer.name)).first()
    if account is None:
        account = Account(
            name=customer.name,
            registration_number=customer.registration_number,
            domain=customer.domain,
        )
        account.full_clean()
        account.save()
        return account
    changed = []
    if customer.registration_number and not account.registration_number:
        account.registration_number = customer.registration_number
        changed.append("registration_number")
    if customer.domain and not account.domain:
        account.domain = customer.domain
        changed.append("domain")
    if name_key(customer.name) != account.name_key and customer.name not in account.alias_list:
        account.aliases = "\n".join([*account.alias_list, customer.name])
        changed.append("aliases")
    if changed:
        account.save()
    return account


def partner_users(partner_id: int):
    return access.unrestricted(User).filter(partner_id=partner_id, is_active=True)


def _portal_url(deal: Deal) -> str:
    return reverse("sales:portal_detail", args=[deal.pk])


def _admins() -> list[User]:
    return list(User.objects.filter(role=Role.ADMIN, is_active=True)[:5])


def _staff_recipients(deal: Deal) -> list[User]:
    partner = access.unrestricted(Partner).select_related("owner").get(pk=deal.partner_id)
    recipients = [u for u in (deal.owner, partner.owner) if u is not None]
    return recipients or _admins()


def _deal_owner(deal: Deal) -> list[User]:
    """Who answers for a deal: its co-selling owner, else its partner's owner (else the
    admins, so that what a partner writes is never read by nobody)."""
    partner = access.unrestricted(Partner).select_related("owner").get(pk=deal.partner_id)
    for user in (deal.owner, partner.owner):
        if user is not None and user.is_active:
            return [user]
    return _admins()


def _rules_outcome(deal: Deal, found: list) -> None:
    """Apply the registration rules to a new or edited, still pending registration."""
    with_deals = [c for c in found if c.conflicting_deal_id]
    deal.has_conflict = bool(found)
    if not found:
        if deal.status == DealStatus.UNDER_REVIEW:
            deal.status = DealStatus.SUBMITTED
        return
    rules = DealRules.load()
    earlier = [
        c
        for c in with_deals
        if c.conflicting_deal.registered_at <= deal.registered_at
        and (
            c.conflicting_deal.status != DealStatus.APPROVED
            or (c.conflicting_deal.protection_until or date.min) >= timezone.localdate()
        )
    ]
    if earlier and rules.later_registration == LaterRegistration.REJECT:
        deal.status = DealStatus.REJECTED
        deal.decision_reason = gettext(
            "Another registration for this customer came first and is protected "
            "(first registration wins)."
        )
        deal.decided_at = timezone.now()
    elif deal.status in (DealStatus.SUBMITTED, DealStatus.INFO_REQUESTED):
        deal.status = DealStatus.UNDER_REVIEW


def _saved(actor: User | None) -> User | None:
    """The actor as a stored user (the system's stand-in admin of imports is not one)."""
    return actor if actor is not None and actor.pk else None


def _log(deal: Deal, actor: User | None, kind: str, text: str) -> None:
    DealActivity(deal=deal, kind=kind, text=text, user=_saved(actor), at=timezone.now()).save()


# Registration ------------------------------------------------------------------------


@transaction.atomic
def deal_register(
    *,
    actor: User,
    partner: Partner,
    customer: dict[str, Any],
    data: dict[str, Any],
    today: date | None = None,
) -> Deal:
    """A partner's (or staff's, on its behalf) deal registration.

    The customer is matched to an account or becomes one; conflicts are detected and the
    registration rules applied. Nothing is stored when any value is refused.
    """
    partner = access.get_object(actor, Partner, Action.VIEW, pk=partner.pk)
    if not access.can_add(actor, Deal, partner):
        raise PermissionDenied
    if partner.on_hold:
        # Set by a scorecard standing (prm.scorecards) or by staff.
        raise BusinessError(
            _("%(partner)s is on hold and cannot register new deals.") % {"partner": partner.name},
            code="on_hold",
            status=409,
        )
    today = today or timezone.localdate()
    found_customer = customer_from(customer)
    _refuse_own_company(partner, found_customer)
    deal = Deal(
        partner=partner,
        stage=PipelineStage.objects.get(code=StageCode.REGISTERED),
        registered_by=_saved(actor),
        registered_at=timezone.now(),
        status=DealStatus.SUBMITTED,
    )
    _apply(deal, data, STAFF_DEAL_FIELDS if actor.is_staff_role else DEAL_FIELDS)
    if not (deal.title or "").strip():
        parts = [found_customer.name, deal.products or deal.product_category or ""]
        deal.title = " — ".join(str(p) for p in parts if p)[:200]
    if deal.expected_close_date and deal.expected_close_date < today:
        raise BusinessError(
            _("The expected close date cannot be in the past."), field="expected_close_date"
        )
    _check_money(deal)
    deal.customer_name = found_customer.name
    deal.account = match_or_create_account(found_customer)
    _clean(deal)
    deal.save()
    found = conflicts.detect(deal, found_customer)
    _rules_outcome(deal, found)
    deal.save()
    _log(deal, actor, ActivityKind.NOTE, gettext("Registered."))
    emit("deal.registered", deal_id=deal.pk, partner_id=partner.pk)
    title, url = deal.title, reverse("sales:detail", args=[deal.pk])
    notify(
        _staff_recipients(deal),
        title=lambda: gettext("New deal registration: %(title)s") % {"title": title},
        body=lambda: (
            gettext("%(partner)s registered a deal for %(customer)s.")
            % {"partner": partner.name, "customer": deal.account.name}
        ),
        url=url,
        email=False,
    )
    if deal.status == DealStatus.REJECTED:
        _notify_decision(deal)
    return deal


@transaction.atomic
def deal_update(
    *,
    actor: User,
    deal: Deal,
    data: dict[str, Any],
    customer: dict[str, Any] | None = None,
) -> Deal:
    """Change a registration. Partners change theirs only while it is pending; answering a
    request for more information sends it back for review. Conflicts are checked again."""
    deal = access.get_object(
        actor,
        access.scope(actor, Deal, Action.CHANGE).select_for_update(of=("self",)),
        Action.CHANGE,
        pk=deal.pk,
    )
    if actor.is_portal_role and deal.status not in PENDING_STATUSES:
        raise BusinessError(
            _("This registration has been decided and can no longer be changed."),
            code="decided",
            status=409,
        )
    allowed = STAFF_DEAL_FIELDS if actor.is_staff_role else DEAL_FIELDS
    money_before = (deal.amount, deal.currency)
    _apply(deal, data, allowed)
    found_customer = None
    if customer:
        found_customer = customer_from(customer)
        _refuse_own_company(deal.partner, found_customer)
        deal.customer_name = found_customer.name
        deal.account = match_or_create_account(found_customer)
    if (
        "expected_close_date" in data
        and deal.expected_close_date
        and deal.expected_close_date < timezone.localdate()
        and not deal.stage.is_closed
    ):
        raise BusinessError(
            _("The expected close date cannot be in the past."),
            field="expected_close_date",
        )
    _clean(deal)
    if deal.status == DealStatus.INFO_REQUESTED and actor.is_portal_role:
        deal.status = DealStatus.SUBMITTED
    deal.save()
    found = conflicts.detect(deal, found_customer)
    if deal.status in PENDING_STATUSES:
        _rules_outcome(deal, found)
    else:
        deal.has_conflict = bool(found)
    deal.save()
    if (Decimal(str(deal.amount)), deal.currency) != money_before:
        # A won deal's amount is revenue: a correction changes the partner's figures.
        emit("deal.amount_changed", deal_id=deal.pk, partner_id=deal.partner_id)
    return deal


@transaction.atomic
def deal_delete(*, actor: User, deal: Deal) -> None:
    deal = access.get_object(actor, Deal, Action.DELETE, pk=deal.pk)
    deal.delete()


# Decisions ---------------------------------------------------------------------------

DECISIONS = {
    "approve": DealStatus.APPROVED,
    "reject": DealStatus.REJECTED,
    "request_info": DealStatus.INFO_REQUESTED,
}


def _notify_decision(deal: Deal) -> None:
    title, reason, status = deal.title, deal.decision_reason, deal.status

    def subject() -> str:
        if status == DealStatus.APPROVED:
            return gettext("Your deal registration “%(title)s” was approved") % {"title": title}
        if status == DealStatus.REJECTED:
            return gettext("Your deal registration “%(title)s” was rejected") % {"title": title}
        if status == DealStatus.EXPIRED:
            return gettext("Your deal registration “%(title)s” expired") % {"title": title}
        return gettext("More information is needed for “%(title)s”") % {"title": title}

    def body() -> str:
        if status == DealStatus.APPROVED and deal.protection_until:
            text = gettext("It is protected until %(date)s.") % {
                "date": deal.protection_until.isoformat()
            }
        else:
            text = ""
        if reason:
            text = f"{text}\n{gettext('Reason:')} {reason}".strip()
        return text

    notify(partner_users(deal.partner_id), title=subject, body=body, url=_portal_url(deal))


@transaction.atomic
def deal_decide(*, actor: User, deal: Deal, decision: str, reason: str = "") -> Deal:
    """Approve, reject (with a reason) or ask for more information (with a question).

    Only staff who may change the deal decide, and only while it is pending: the deal is
    locked and its status read inside the transaction, so the second of two concurrent
    decisions is refused.
    """
    if not actor.is_staff_role:
        raise PermissionDenied
    if decision not in DECISIONS:
        raise BusinessError(_("Unknown decision."), field="decision")
    deal = access.get_object(
        actor,
        access.scope(actor, Deal, Action.CHANGE).select_for_update(of=("self",)),
        Action.CHANGE,
        pk=deal.pk,
    )
    reason = (reason or "").strip()
    if deal.status not in PENDING_STATUSES:
        raise BusinessError(
            _("This registration was already decided (%(status)s); refresh to see it.")
            % {"status": deal.get_status_display()},
            code="already_decided",
            status=409,
        )
    if decision in ("reject", "request_info") and not reason:
        message = (
            _("Give the reason for the rejection.")
            if decision == "reject"
            else _("Say what information is needed.")
        )
        raise BusinessError(message, field="reason")
    rules = DealRules.load()
    today = timezone.localdate()
    if decision == "approve":
        protected = (
            access.unrestricted(Deal)
            .filter(
                pk__in=[
                    c.conflicting_deal_id
                    for c in access.unrestricted(deal.conflicts.all())
                    if c.conflicting_deal_id
                ],
                status=DealStatus.APPROVED,
                protection_until__gte=today,
            )
            .order_by("protection_until")
            .first()
        )
        if protected is not None:
            raise BusinessError(
                _(
                    "A conflicting registration of another partner is approved and "
                    "protected until %(date)s; reject this one or wait until then."
                )
                % {"date": protected.protection_until.isoformat()},
                code="protected",
                status=409,
            )
        deal.protection_until = today + timedelta(days=rules.protection_days)
        deal.last_progress_at = timezone.now()
    deal.status = DECISIONS[decision]
    deal.decision_reason = reason
    deal.decided_by = _saved(actor)
    deal.decided_at = timezone.now()
    _clean(deal)
    deal.save()
    _log(
        deal,
        actor,
        ActivityKind.DECISION,
        f"{deal.get_status_display()}{': ' + reason if reason else ''}",
    )
    _notify_decision(deal)
    emit("deal.decided", deal_id=deal.pk, partner_id=deal.partner_id, decision=deal.status)
    return deal


@transaction.atomic
def deal_extend_protection(*, actor: User, deal: Deal, days: int) -> Deal:
    """Extend an approved registration's protection (partner managers and admins)."""
    if not actor.is_staff_role:
        raise PermissionDenied
    deal = access.get_object(
        actor,
        access.scope(actor, Deal, Action.CHANGE).select_for_update(of=("self",)),
        Action.CHANGE,
        pk=deal.pk,
    )
    if deal.status != DealStatus.APPROVED:
        raise BusinessError(_("Only an approved registration is protected."), status=409)
    if not isinstance(days, int) or not 1 <= days <= 365:
        raise BusinessError(_("Extend by 1 to 365 days."), field="days")
    start = max(deal.protection_until or timezone.localdate(), timezone.localdate())
    deal.protection_until = start + timedelta(days=days)
    deal.save()
    _log(
        deal,
        actor,
        ActivityKind.NOTE,
        gettext("Protection extended until %(date)s.")
        % {"date": deal.protection_until.isoformat()},
    )
    return deal


# Pipeline ----------------------------------------------------------------------------


@transaction.atomic
def deal_move(*, actor: User, deal: Deal, stage: str, reason: str = "") -> Deal:
    """Move an approved deal to another stage. Won and lost need a reason; won emits
    ``deal.won`` (won deals are the revenue records), lost ``deal.lost``."""
    if not actor.is_staff_role:
        raise PermissionDenied
    deal = access.get_object(
        actor,
        access.scope(actor, Deal, Action.CHANGE).select_for_update(of=("self",)),
        Action.CHANGE,
        pk=deal.pk,
    )
    target = PipelineStage.objects.filter(code=stage).first()
    if target is None:
        raise BusinessError(_("Unknown stage."), field="stage")
    if deal.status != DealStatus.APPROVED:
        raise BusinessError(
            _("Only an approved registration moves through the pipeline."),
            code="not_approved",
            status=409,
        )
    if deal.stage.is_closed:
        raise BusinessError(
            _("This deal is closed (%(stage)s).") % {"stage": deal.stage},
            code="closed",
            status=409,
        )
    if target.pk == deal.stage_id:
        return deal
    reason = (reason or "").strip()
    if target.is_closed and not reason:
        raise BusinessError(_("Give the reason the deal was won or lost."), field="reason")
    now = timezone.now()
    deal.stage = target
    deal.last_progress_at = now
    if target.is_won:
        deal.won_at, deal.close_reason = now, reason
    elif target.is_lost:
        deal.lost_at, deal.close_reason = now, reason
    deal.save()
    _log(deal, actor, ActivityKind.STAGE, f"{target}{': ' + reason if reason else ''}")
    if target.is_won:
        emit("deal.won", deal_id=deal.pk, partner_id=deal.partner_id)
    elif target.is_lost:
        emit("deal.lost", deal_id=deal.pk, partner_id=deal.partner_id)
    return deal


LOGGED_KINDS = (ActivityKind.NOTE, ActivityKind.CALL, ActivityKind.MEETING, ActivityKind.EMAIL)


@transaction.atomic
def activity_add(
    *, actor: User, deal: Deal, kind: str, text: str, shared: bool | None = None
) -> DealActivity:
    """Log a note, call, meeting or e-mail on a deal.

    Staff log on the deals they may change, internal unless ``shared``; a partner's users log
    on their own partner's deals, and what they write is always shared.
    """
    deal = access.get_object(actor, Deal, Action.VIEW, pk=deal.pk)
    if actor.is_staff_role:
        deal = access.get_object(actor, Deal, Action.CHANGE, pk=deal.pk)
    if not access.can_add(actor, DealActivity, deal.partner):
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise BusinessError(_("Write the note."), field="text")
    if kind not in LOGGED_KINDS:
        raise BusinessError(_("Unknown kind of activity."), field="kind")
    if not actor.is_staff_role:
        shared = True
    activity = DealActivity(
        deal=deal, kind=kind, text=text, user=actor, at=timezone.now(), shared=bool(shared)
    )
    activity.full_clean()
    activity.save()
    access.unrestricted(Deal).filter(pk=deal.pk).update(last_progress_at=activity.at)
    if not actor.is_staff_role:
        _notify_partner_activity(deal, activity)
    return activity


def _notify_partner_activity(deal: Deal, activity: DealActivity) -> None:
    """Tell the deal's owner in the app and by e-mail what the partner logged on it."""
    title, text, writer = deal.title, activity.text, str(activity.user)
    partner = deal.partner.name

    def subject() -> str:
        return gettext("%(partner)s logged an activity on “%(title)s”") % {
            "partner": partner,
            "title": title,
        }

    def body() -> str:
        return gettext("%(kind)s by %(user)s:\n%(text)s") % {
            "kind": activity.get_kind_display(),
            "user": writer,
            "text": text,
        }

    notify(_deal_owner(deal), title=subject, body=body, url=reverse("sales:detail", args=[deal.pk]))


@transaction.atomic
def activity_share(*, actor: User, activity: DealActivity, shared: bool) -> DealActivity:
    """Staff mark a note internal (staff only) or shared with the deal's partner. What the
    partner wrote stays shared."""
    if not actor.is_staff_role:
        raise PermissionDenied
    activity = access.get_object(actor, DealActivity, Action.CHANGE, pk=activity.pk)
    if not shared and activity.user_id and activity.user.partner_id:
        raise BusinessError(
            _("What the partner wrote stays shared with the partner."), field="shared"
        )
    if activity.shared != shared:
        activity.shared = shared
        activity.save(update_fields=["shared", "updated_at"])
    return activity


@transaction.atomic
def deal_partner_add(*, actor: User, deal: Deal, partner: Partner, role: str) -> DealPartner:
    """Put a distributor or reseller on a two-tier deal (staff)."""
    deal = access.get_object(actor, Deal, Action.CHANGE, pk=deal.pk)
    if not actor.is_staff_role:
        raise PermissionDenied
    partner = access.get_object(actor, Partner, Action.VIEW, pk=partner.pk)
    if access.unrestricted(DealPartner).filter(deal=deal, partner=partner).exists():
        raise BusinessError(_("This partner is already on the deal."), field="partner")
    link = DealPartner(deal=deal, partner=partner, role=role)
    try:
        link.full_clean()
    except ValidationError as exc:
        raise BusinessError(" ".join(exc.messages), field="role") from exc
    link.save()
    return link


@transaction.atomic
def deal_partner_remove(*, actor: User, link: DealPartner) -> None:
    access.get_object(actor, DealPartner, Action.DELETE, pk=link.pk).delete()


# Expiry ------------------------------------------------------------------------------


def expire_stale_deals(*, now=None) -> list[int]:
    """Approved registrations without progress for the rules' number of days expire; their
    partners are told. Returns the ids of the expired deals."""
    now = now or timezone.now()
    rules = DealRules.load()
    cutoff = now - timedelta(days=rules.expiry_days)
    stale = (
        access.unrestricted(Deal)
        .filter(status=DealStatus.APPROVED, stage__is_won=False, stage__is_lost=False)
        .exclude(last_progress_at__gte=cutoff)
        .exclude(last_progress_at__isnull=True, decided_at__gte=cutoff)
    )
    expired = []
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():
            deal = access.unrestricted(Deal).select_for_update(of=("self",)).filter(pk=pk).first()
            if deal is None or deal.status != DealStatus.APPROVED:
                continue
            deal.status = DealStatus.EXPIRED
            deal.decision_reason = gettext(
                "No progress for %(days)s days: the registration expired."
            ) % {"days": rules.expiry_days}
            deal.save()
            _log(deal, None, ActivityKind.DECISION, deal.decision_reason)
            _notify_decision(deal)
            emit("deal.decided", deal_id=deal.pk, partner_id=deal.partner_id, decision="expired")
            expired.append(pk)
    return expired
