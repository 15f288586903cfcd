"""Writes on metrics, observations, delivery lines and reseller sales, and the
materialisation of derived metrics.

Every service takes the acting user first, re-checks access inside its transaction and
validates before it writes. Rules of an observation: the metric is active and not derived
(the system computes those), the period has begun, the value fits the metric (its unit,
whole numbers for counts, its smallest and largest value). A change announces
``metrics.observations_changed`` once per period after the commit, so scorecards recompute.
A changed delivery line or reseller sale re-derives the figures it feeds (``live``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.core import access
from prm.core.access import Action
from prm.core.errors import BusinessError
from prm.core.events import emit
from prm.metrics import derivations, live
from prm.metrics.currency import to_krw
from prm.metrics.models import DeliveryLine, Metric, Observation, ResellerSale, Source
from prm.metrics.periods import Period, PeriodKind
from prm.partners.models import Partner

PLACES = Decimal("0.0001")

METRIC_FIELDS = (
    "code",
    "name_ko",
    "name_en",
    "unit",
    "direction",
    "rollup",
    "numerator",
    "denominator",
    "multiplier",
    "integer",
    "min_value",
    "max_value",
    "source",
    "derivation",
    "description",
    "active",
)


def _validation_to_business(exc: ValidationError) -> BusinessError:
    if hasattr(exc, "error_dict"):
        field, messages = next(iter(exc.message_dict.items()))
        return BusinessError(
            " ".join(messages),
            code="invalid",
            field=None if field == "__all__" else field,
            details={"errors": exc.message_dict},
        )
    return BusinessError(" ".join(exc.messages), code="invalid")


def _full_clean(instance, exclude=None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise _validation_to_business(exc) from exc


def announce(changes: Iterable[tuple[int, str, datetime.date]]) -> None:
    """Emit ``metrics.observations_changed`` once per period for the partners changed."""
    by_period: dict[tuple[str, datetime.date], set[int]] = defaultdict(set)
    for partner_id, kind, start in changes:
        by_period[(kind, start)].add(partner_id)
    for (kind, start), partners in sorted(by_period.items()):
        emit(
            "metrics.observations_changed",
            partner_ids=sorted(partners),
            period_kind=str(kind),
            period_start=start.isoformat(),
        )


# -- metrics ---------------------------------------------------------------------------


def _require_admin(actor: User) -> None:
    if getattr(actor, "role", None) != Role.ADMIN:
        raise PermissionDenied


def _apply_metric(metric: Metric, data: dict[str, Any]) -> None:
    unknown = set(data) - set(METRIC_FIELDS)
    if unknown:
        raise BusinessError(
            _("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    for name, value in data.items():
        setattr(metric, name, value)


@transaction.atomic
def metric_create(*, actor: User, data: dict[str, Any]) -> Metric:
    """A new metric; only admins define metrics."""
    _require_admin(actor)
    metric = Metric()
    _apply_metric(metric, data)
    _full_clean(metric)
    metric.save()
    return metric


@transaction.atomic
def metric_update(*, actor: User, metric: Metric, data: dict[str, Any]) -> Metric:
    """Change a metric. Its code is what formulas name, so it cannot change once the metric
    has observations."""
    metric = access.get_object(
        actor,
        access.scope(actor, Metric, Action.CHANGE).select_for_update(),
        Action.CHANGE,
        pk=metric.pk,
    )
    if "code" in data and data["code"] != metric.code and metric.observations.exists():
        raise BusinessError(
            _("The code of a metric with observations cannot change; formulas use it."),
            code="code_in_use",
            field="code",
        )
    _apply_metric(metric, data)
    _full_clean(metric)
    metric.save()
    return metric


@transaction.atomic
def metric_delete(*, actor: User, metric: Metric) -> None:
    """Delete a metric that nothing uses yet; deactivate it otherwise."""
    metric = access.get_object(actor, Metric, Action.DELETE, pk=metric.pk)
    in_use = (
        metric.observations.exists()
        or access.unrestricted(Metric).filter(numerator=metric).exists()
        or access.unrestricted(Metric).filter(denominator=metric).exists()
    )
    if in_use:
        raise BusinessError(
            _("This metric has observations or is part of a ratio; deactivate it instead."),
            code="in_use",
            status=409,
        )
    try:
        metric.delete()
    except ProtectedError as exc:
        raise BusinessError(
            _("This metric is used elsewhere (goals, KPIs); deactivate it instead."),
            code="in_use",
            status=409,
        ) from exc


# -- observations ----------------------------------------------------------------------


def _plain(number: Decimal) -> str:
    """100, 2.5 — never 1E+2."""
    return format(number.normalize(), "f")


def check_value(metric: Metric, value: Any, *, period: Period, unit: str | None = None) -> Decimal:
    """The value as a Decimal once it fits the metric and the period; BusinessError else."""
    if not metric.active:
        raise BusinessError(
            _("The metric %(code)s is not active.") % {"code": metric.code},
            code="inactive",
            field="metric",
        )
    if period.start > timezone.localdate():
        raise BusinessError(
            _("The period %(period)s has not begun; observations are for past periods.")
            % {"period": period.label},
            code="future_period",
            field="period",
        )
    if unit is not None and unit.strip() and unit.strip() != metric.unit:
        raise BusinessError(
            _("The unit %(unit)s does not match the metric's unit (%(expected)s).")
            % {"unit": unit.strip(), "expected": metric.unit or "—"},
            code="unit_mismatch",
            field="unit",
        )
    if isinstance(value, float):
        value = str(value)
    try:
        number = Decimal(str(value).strip().replace(",", "")) if value is not None else None
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        raise BusinessError(
            _("%(value)s is not a number.") % {"value": value}, code="not_a_number", field="value"
        )
    if number != number.quantize(Decimal("0.0001"), rounding="ROUND_DOWN") or abs(number) >= 10**16:
        raise BusinessError(
            _("A value has at most 16 digits before and 4 after the decimal point."),
            code="precision",
            field="value",
        )
    if metric.integer and number != number.to_integral_value():
        raise BusinessError(
            _("%(metric)s counts whole numbers; %(value)s is not one.")
            % {"metric": metric.name, "value": number},
            code="not_integer",
            field="value",
        )
    if metric.min_value is not None and number < metric.min_value:
        raise BusinessError(
            _("%(metric)s is at least %(min)s.")
            % {"metric": metric.name, "min": _plain(metric.min_value)},
            code="too_small",
            field="value",
        )
    if metric.max_value is not None and number > metric.max_value:
        raise BusinessError(
            _("%(metric)s is at most %(max)s.")
            % {"metric": metric.name, "max": _plain(metric.max_value)},
            code="too_large",
            field="value",
        )
    return number


def _period(value: Period | str) -> Period:
    if isinstance(value, Period):
        return value
    try:
        return Period.parse(value)
    except ValueError as exc:
        raise BusinessError(
            _("%(value)s is not a period; write 2026-11-05, 2026-11, 2026-Q3 or 2026.")
            % {"value": value},
            code="period",
            field="period",
        ) from exc


def _upsert(
    *,
    actor: User,
    partner: Partner,
    metric: Metric,
    period: Period,
    value: Any,
    source: str,
    note: str = "",
    unit: str | None = None,
) -> tuple[Observation, bool, bool]:
    """(observation, created, changed)."""
    if not access.can_add(actor, Observation, partner):
        raise PermissionDenied
    if metric.source == Source.DERIVED and source != Source.DERIVED:
        raise BusinessError(
            _("%(metric)s is derived by the system from its records; it is not entered.")
            % {"metric": metric.name},
            code="derived_metric",
            field="metric",
        )
    number = check_value(metric, value, period=period, unit=unit)
    existing = (
        access.unrestricted(Observation)
        .select_for_update()
        .filter(metric=metric, partner=partner, period_kind=period.kind, period_start=period.start)
        .first()
    )
    if existing is None:
        observation = Observation(
            metric=metric,
            partner=partner,
            period_kind=period.kind,
            period_start=period.start,
            value=number,
            source=source,
            note=note or "",
        )
        _full_clean(observation, exclude=["metric", "partner"])
        observation.save()
        return observation, True, True
    if existing.value == number and (not note or existing.note == note):
        return existing, False, False
    existing.value = number
    existing.source = source
    if note:
        existing.note = note
    existing.recorded_at = timezone.now()
    _full_clean(existing, exclude=["metric", "partner"])
    existing.save()
    return existing, False, True


def _partner_for(actor: User, partner: Partner | int) -> Partner:
    pk = partner.pk if isinstance(partner, Partner) else partner
    return access.get_object(actor, Partner, Action.VIEW, pk=pk)


def _metric_for(actor: User, metric: Metric | str | int) -> Metric:
    """A metric named by its code (or id) that the actor can see."""
    if isinstance(metric, Metric):
        return access.get_object(actor, Metric, Action.VIEW, pk=metric.pk)
    if isinstance(metric, int):
        found = access.scope(actor, Metric).filter(pk=metric).first()
    else:
        found = access.scope(actor, Metric).filter(code=str(metric).strip()).first()
    if found is None:
        raise BusinessError(
            _("There is no metric with the code %(code)s.") % {"code": metric},
            code="unknown_metric",
            field="metric",
        )
    return found


def _require_recorder(actor: User) -> None:
    """Admins and partner managers record observations (managers for their partners)."""
    if access.role_of(actor) not in (Role.ADMIN, Role.PARTNER_MANAGER):
        raise PermissionDenied


@transaction.atomic
def observation_record(
    *,
    actor: User,
    partner: Partner | int,
    metric: Metric | str,
    period: Period | str,
    value: Any,
    source: str = Source.MANUAL,
    note: str = "",
    unit: str | None = None,
) -> tuple[Observation, str]:
    """Store the metric's value for the partner and period, replacing the one stored
    (the natural key is metric, partner and period). Returns (observation, outcome):
    "created", "updated" or "unchanged"."""
    _require_recorder(actor)
    partner = _partner_for(actor, partner)
    metric = _metric_for(actor, metric)
    period = _period(period)
    observation, created, changed = _upsert(
        actor=actor,
        partner=partner,
        metric=metric,
        period=period,
        value=value,
        source=source,
        note=note,
        unit=unit,
    )
    if changed:
        announce([(partner.pk, period.kind, period.start)])
    return observation, ("created" if created else "updated" if changed else "unchanged")


class BulkError(BusinessError):
    """Some rows of a bulk write were refused; nothing was written. ``details["rows"]``
    lists ``{"row": index, "field": name, "detail": message}``."""


@transaction.atomic
def observation_bulk(
    *, actor: User, rows: list[dict[str, Any]], source: str = Source.API
) -> list[Observation]:
    """Store many observations all or nothing: when any row is refused, none is stored and
    every refused row is reported with its index (``details["rows"]``)."""
    _require_recorder(actor)
    errors = []
    stored = []
    changes = []
    for index, row in enumerate(rows):
        try:
            with transaction.atomic():
                partner = _partner_for(actor, row.get("partner"))
                metric = _metric_for(actor, row.get("metric"))
                period = _period(row.get("period"))
                observation, _created, changed = _upsert(
                    actor=actor,
                    partner=partner,
                    metric=metric,
                    period=period,
                    value=row.get("value"),
                    source=source,
                    note=row.get("note") or "",
                    unit=row.get("unit"),
                )
        except BusinessError as exc:
            errors.append({"row": index, "field": exc.field, "detail": str(exc.message)})
            continue
        except Http404:
            errors.append({"row": index, "field": "partner", "detail": str(_("Unknown partner."))})
            continue
        except PermissionDenied:
            message = _("You may not record observations for this partner.")
            errors.append({"row": index, "field": "partner", "detail": str(message)})
            continue
        stored.append(observation)
        if changed:
            changes.append((partner.pk, period.kind, period.start))
    if errors:
        transaction.set_rollback(True)
        raise BulkError(
            _("%(count)d of %(total)d rows were refused; nothing was stored.")
            % {"count": len(errors), "total": len(rows)},
            code="rows_refused",
            status=422,
            details={"rows": errors},
        )
    announce(changes)
    return stored


@transaction.atomic
def observation_delete(*, actor: User, observation: Observation) -> None:
    observation = access.get_object(actor, Observation, Action.DELETE, pk=observation.pk)
    if observation.source == Source.DERIVED:
        raise BusinessError(
            _("A derived observation is recomputed by the system; it is not deleted by hand."),
            code="derived_metric",
            status=409,
        )
    change = (observation.partner_id, observation.period_kind, observation.period_start)
    observation.delete()
    announce([change])


# -- derived metrics -------------------------------------------------------------------


@transaction.atomic
def derived_materialise(
    *,
    period: Period,
    names: Iterable[str] | None = None,
    partner_ids: Iterable[int] | None = None,
) -> dict[str, int]:
    """Store the values the registered derivations compute for ``period`` as observations
    (source "derived"): new ones created, changed ones updated, and derived observations
    that no longer have a value removed. Counts per outcome. A system job: no actor.

    With ``partner_ids``, only those partners' observations are computed and touched (what
    a change to their records needs); the others' stay as they are."""
    names = None if names is None else set(names)
    partners = None if partner_ids is None else {int(p) for p in partner_ids}
    chosen = [
        d for name, d in sorted(derivations.registry().items()) if names is None or name in names
    ]
    metrics = {
        m.code: m
        for m in access.unrestricted(Metric).filter(
            source=Source.DERIVED, derivation__in=[d.name for d in chosen]
        )
    }
    computed: dict[tuple[int, int], Decimal] = {}
    for item in chosen:
        values = item.compute(period, partners)
        for code, by_partner in values.items():
            metric = metrics.get(code)
            if metric is None:  # the metric was removed or is not derived any more
                continue
            for partner_id, value in by_partner.items():
                if partners is None or partner_id in partners:
                    computed[(partner_id, metric.pk)] = Decimal(value).quantize(PLACES)
    stored_rows = access.unrestricted(Observation).filter(
        metric_id__in=[m.pk for m in metrics.values()],
        period_kind=period.kind,
        period_start=period.start,
    )
    if partners is not None:
        stored_rows = stored_rows.filter(partner_id__in=sorted(partners))
    stored = {(o.partner_id, o.metric_id): o for o in stored_rows}
    now = timezone.now()
    create, update, changed = [], [], set()
    for key, value in computed.items():
        current = stored.get(key)
        if current is None:
            create.append(
                Observation(
                    partner_id=key[0],
                    metric_id=key[1],
                    period_kind=period.kind,
                    period_start=period.start,
                    value=value,
                    source=Source.DERIVED,
                    recorded_at=now,
                )
            )
            changed.add(key[0])
        elif current.value != value or current.source != Source.DERIVED:
            current.value, current.source, current.recorded_at = value, Source.DERIVED, now
            update.append(current)
            changed.add(key[0])
    stale = [o.pk for key, o in stored.items() if key not in computed]
    changed.update(o.partner_id for key, o in stored.items() if key not in computed)
    if create:
        access.unrestricted(Observation).bulk_create(create, batch_size=1000)
    if update:
        access.unrestricted(Observation).bulk_update(
            update, ["value", "source", "recorded_at"], batch_size=1000
        )
    if stale:
        access.unrestricted(Observation).filter(pk__in=stale).delete()
    if changed:
        announce((partner, period.kind, period.start) for partner in changed)
    return {"created": len(create), "updated": len(update), "deleted": len(stale)}


def default_periods(today: datetime.date | None = None) -> list[Period]:
    """What ``prm derive-metrics`` refreshes without ``--period``: the current and the
    previous month, quarter and year (late receipts change the last period)."""
    today = today or timezone.localdate()
    periods = []
    for kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR):
        current = Period.containing(kind, today)
        periods += [current.previous(), current]
    return periods


def periods_between(kind: str, start: datetime.date, end: datetime.date) -> list[Period]:
    current = Period.containing(kind, start)
    result = []
    while current.start <= end:
        result.append(current)
        current = current.next()
    return result


# -- delivery lines and reseller sales -------------------------------------------------

DELIVERY_FIELDS = (
    "item",
    "qty_ordered",
    "qty_received",
    "qty_rejected",
    "order_date",
    "promised_date",
    "received_date",
    "unit_price",
    "currency",
    "amount",
)


# The dates a line counts by (order, promise, receipt): a change re-derives their periods.
DELIVERY_DATES = ("order_date", "promised_date", "received_date")

SUPPLIER_TYPES = ("supplier",)
SELLER_TYPES = ("reseller", "distributor")


def _typed_partner(actor: User, partner: Partner, model, types: tuple[str, ...]) -> Partner:
    partner = _partner_for(actor, partner)
    if not access.can_add(actor, model, partner):
        raise PermissionDenied
    if not partner.types.filter(code__in=types).exists():
        message = (
            _("%(partner)s is not a supplier.")
            if types == SUPPLIER_TYPES
            else _("%(partner)s is not a reseller or distributor.")
        )
        field = "supplier" if types == SUPPLIER_TYPES else "reseller"
        raise BusinessError(message % {"partner": partner.name}, code="partner_type", field=field)
    return partner


@transaction.atomic
def delivery_line_upsert(
    *, actor: User, supplier: Partner, po_number: str, line_number: int, data: dict[str, Any]
) -> tuple[DeliveryLine, str]:
    """Create or update the PO line (natural key: supplier, PO number, line). Received
    never exceeds ordered, rejected never exceeds received, the promise never precedes the
    order; a supplier on hold takes no new purchase order. The amount defaults to quantity
    ordered times unit price. A change re-derives the supplier's delivery figures after the
    commit. Returns (line, outcome) with outcome "created", "updated" or "unchanged"."""
    supplier = _typed_partner(actor, supplier, DeliveryLine, SUPPLIER_TYPES)
    unknown = set(data) - set(DELIVERY_FIELDS)
    if unknown:
        raise BusinessError(
            _("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    line = (
        access.unrestricted(DeliveryLine)
        .select_for_update()
        .filter(supplier=supplier, po_number=po_number, line_number=line_number)
        .first()
    )
    created = line is None
    if created:
        _refuse_new_order_on_hold(supplier, po_number)
        line = DeliveryLine(supplier=supplier, po_number=po_number, line_number=line_number)
    before = {name: getattr(line, name) for name in DELIVERY_FIELDS}
    for name, value in data.items():
        setattr(line, name, value)
    if data.get("amount") is None and line.qty_ordered is not None:
        line.amount = (Decimal(line.qty_ordered) * Decimal(line.unit_price or 0)).quantize(
            Decimal("0.0001")
        )
    _full_clean(line, exclude=["supplier", "amount_krw"])
    line.amount_krw = to_krw(line.amount, line.currency)
    if not created and all(getattr(line, n) == before[n] for n in DELIVERY_FIELDS):
        return line, "unchanged"
    line.save()
    live.rederive_later(
        derivation="deliveries",
        partner_ids=[supplier.pk],
        dates=[before[n] for n in DELIVERY_DATES] + [getattr(line, n) for n in DELIVERY_DATES],
    )
    return line, "created" if created else "updated"


def _refuse_new_order_on_hold(supplier: Partner, po_number: str) -> None:
    """A supplier on hold takes no new purchase orders: a PO number not stored yet for it
    is refused; lines of orders already stored (receipts, new lines) still arrive."""
    if not supplier.on_hold:
        return
    known = access.unrestricted(DeliveryLine).filter(supplier=supplier, po_number=po_number)
    if known.exists():
        return
    message = _("%(partner)s is on hold and takes no new purchase orders; %(po)s is new.") % {
        "partner": supplier.name,
        "po": po_number,
    }
    if supplier.hold_reason:
        message = _("%(refusal)s Reason for the hold: %(reason)s") % {
            "refusal": message,
            "reason": supplier.hold_reason,
        }
    raise BusinessError(message, code="on_hold", field="po_number", status=409)


@transaction.atomic
def reseller_sale_upsert(
    *, actor: User, reseller: Partner, external_id: str, data: dict[str, Any]
) -> tuple[ResellerSale, str]:
    """Create or update a reported sale (natural key: reseller, external id). A change
    re-derives the reseller's revenue after the commit."""
    reseller = _typed_partner(actor, reseller, ResellerSale, SELLER_TYPES)
    fields = ("date", "amount", "currency", "territory")
    unknown = set(data) - set(fields)
    if unknown:
        raise BusinessError(
            _("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    sale = (
        access.unrestricted(ResellerSale)
        .select_for_update()
        .filter(reseller=reseller, external_id=external_id)
        .first()
    )
    created = sale is None
    if created:
        sale = ResellerSale(reseller=reseller, external_id=external_id)
    before = {name: getattr(sale, name) for name in fields}
    for name, value in data.items():
        setattr(sale, name, value)
    _full_clean(sale, exclude=["reseller", "amount_krw"])
    sale.amount_krw = to_krw(sale.amount, sale.currency)
    if not created and all(getattr(sale, n) == before[n] for n in fields):
        return sale, "unchanged"
    sale.save()
    live.rederive_later(
        derivation="revenue", partner_ids=[reseller.pk], dates=[before["date"], sale.date]
    )
    return sale, "created" if created else "updated"
