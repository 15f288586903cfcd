"""Observations, supplier delivery lines and reseller sales as import/export entities.

Which stored row a file row updates (its natural key):

- observations: partner, metric code and period (``2026-Q3``, ``2026-11``, ``2026``,
  ``2026-11-05``); a re-import with the same values changes nothing.
- delivery-lines: supplier, PO number and line number.
- reseller-sales: reseller and external ID.

Partners are named by registration number, external ID or exact name. Every row goes
through the services' rules (a PO line with more received than ordered, an observation for
a period that has not begun…); one bad row rejects the file, as the framework does.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.core import access
from prm.core.errors import BusinessError
from prm.imports.registry import KEEP, Column, Context, Entity, Outcome, RowError, register
from prm.metrics import selectors, services
from prm.metrics.models import DeliveryLine, Observation, ResellerSale, Source
from prm.metrics.periods import Period
from prm.partners.imports import partner_key, resolve_partner

STAFF = frozenset({Role.ADMIN, Role.PARTNER_MANAGER, Role.ANALYST})


# Cell parsers --------------------------------------------------------------------------


def parse_partner(value: str, ctx: Context) -> Any:
    """A partner the actor can see; looked up once per distinct cell in a file."""
    cache = ctx.cache.setdefault("metrics:partners", {})
    if value not in cache:
        try:
            cache[value] = resolve_partner(value, ctx)
        except ValidationError as exc:
            cache[value] = exc
    found = cache[value]
    if isinstance(found, ValidationError):
        raise found
    return found


def parse_decimal(value: str, ctx: Context) -> Any:
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", "").replace(" ", ""))
    except InvalidOperation as exc:
        raise ValidationError(_("%(value)s is not a number.") % {"value": value}) from exc
    if not number.is_finite():
        raise ValidationError(_("%(value)s is not a number.") % {"value": value})
    return number


def parse_text_value(value: str, ctx: Context) -> Any:
    """Observation values stay text here: the service checks them against the metric."""
    return value.strip()


def parse_int(value: str, ctx: Context) -> int:
    try:
        number = int(value.strip())
    except ValueError as exc:
        raise ValidationError(_("%(value)s is not a whole number.") % {"value": value}) from exc
    if number < 0:
        raise ValidationError(_("%(value)s is not a whole number.") % {"value": value})
    return number


def parse_date(value: str, ctx: Context) -> date | None:
    """YYYY-MM-DD, also with a time after it (``2022-04-15 00:00:00.000``)."""
    if not value:
        return None
    text = value.strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).date()
    except ValueError as exc:
        raise ValidationError(
            _("%(value)s is not a date (YYYY-MM-DD).") % {"value": value}
        ) from exc


def parse_period(value: str, ctx: Context) -> Period:
    try:
        return Period.parse(value)
    except ValueError as exc:
        raise ValidationError(
            _("%(value)s is not a period; write 2026-11-05, 2026-11, 2026-Q3 or 2026.")
            % {"value": value}
        ) from exc


def parse_currency(value: str, ctx: Context) -> Any:
    return value.strip().upper() if value else KEEP


def _row_error(exc: BusinessError) -> Exception:
    """A service's refusal as a row error on the columns it names."""
    errors = exc.details.get("errors") if exc.details else None
    if errors:
        return ValidationError(errors)
    return RowError(exc.message, exc.field)


# Observations --------------------------------------------------------------------------


def apply_observation(ctx: Context, data: dict[str, Any]) -> Outcome:
    try:
        _observation, outcome = services.observation_record(
            actor=ctx.actor,
            partner=data["partner"],
            metric=data["metric"],
            period=data["period"],
            value=data.get("value"),
            unit=data.get("unit"),
            note=data.get("note") or "",
            source=Source.IMPORT,
        )
    except BusinessError as exc:
        raise _row_error(exc) from exc
    return Outcome(outcome)


def export_observation(observation: Observation) -> dict[str, Any]:
    return {
        "partner": partner_key(observation.partner),
        "partner_name": observation.partner.name,
        "metric": observation.metric.code,
        "metric_name": observation.metric.name,
        "period": observation.period_label,
        "value": _plain(observation.value),
        "unit": observation.metric.unit,
        "source": str(Source(observation.source).label),
        "note": observation.note,
    }


def observations_for_export(user: User | None, params, request) -> tuple[Any, QuerySet]:
    if user is None:
        return None, access.unrestricted(Observation).select_related("metric", "partner")
    return selectors.observation_list(user=user, params=params, request=request)


OBSERVATIONS = register(
    Entity(
        name="observations",
        label=gettext_lazy("Observations"),
        model=Observation,
        natural_keys=("partner", "metric", "period"),
        columns=(
            Column(
                "partner",
                "partner",
                "파트너",
                aliases=("협력사",),
                required=True,
                parse=parse_partner,
            ),
            Column("partner_name", "partner_name", "파트너명", export_only=True),
            Column("metric", "metric", "지표", aliases=("metric code", "지표 코드"), required=True),
            Column("metric_name", "metric_name", "지표명", export_only=True),
            Column("period", "period", "기간", required=True, parse=parse_period),
            Column(
                "value", "value", "값", aliases=("측정값",), required=True, parse=parse_text_value
            ),
            Column("unit", "unit", "단위"),
            Column("source", "source", "출처", export_only=True),
            Column("note", "note", "메모", aliases=("비고",)),
        ),
        apply=apply_observation,
        export_queryset=observations_for_export,
        export_row=export_observation,
    )
)


# Delivery lines ------------------------------------------------------------------------

DELIVERY_DATA = (
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


def apply_delivery_line(ctx: Context, data: dict[str, Any]) -> Outcome:
    values = {name: data[name] for name in DELIVERY_DATA if name in data}
    for name in ("qty_received", "qty_rejected", "unit_price"):
        if values.get(name) is None:
            values[name] = Decimal("0")
    if values.get("qty_ordered") is None:
        raise RowError(_("This value is required."), "qty_ordered")
    for name in ("order_date", "promised_date"):
        if values.get(name) is None:
            raise RowError(_("This value is required."), name)
    try:
        _line, outcome = services.delivery_line_upsert(
            actor=ctx.actor,
            supplier=data["supplier"],
            po_number=data["po_number"],
            line_number=data["line_number"],
            data=values,
        )
    except BusinessError as exc:
        raise _row_error(exc) from exc
    return Outcome(outcome)


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def export_delivery_line(line: DeliveryLine) -> dict[str, Any]:
    row = {
        "supplier": partner_key(line.supplier),
        "supplier_name": line.supplier.name,
        "po_number": line.po_number,
        "line_number": line.line_number,
    }
    row.update({name: _plain(getattr(line, name)) for name in DELIVERY_DATA})
    row["amount_krw"] = _plain(line.amount_krw)
    return row


def delivery_lines_for_export(user: User | None, params, request) -> tuple[Any, QuerySet]:
    if user is None:
        return None, access.unrestricted(DeliveryLine).select_related("supplier")
    return selectors.delivery_line_list(user=user, params=params, request=request)


DELIVERY_LINES = register(
    Entity(
        name="delivery-lines",
        label=gettext_lazy("Delivery lines"),
        model=DeliveryLine,
        natural_keys=("supplier", "po_number", "line_number"),
        columns=(
            Column(
                "supplier",
                "supplier",
                "공급사",
                aliases=("협력사", "vendor"),
                required=True,
                parse=parse_partner,
            ),
            Column("supplier_name", "supplier_name", "공급사명", export_only=True),
            Column("po_number", "po_number", "발주번호", aliases=("PO", "PO no"), required=True),
            Column(
                "line_number",
                "line_number",
                "라인 번호",
                aliases=("line", "라인"),
                required=True,
                parse=parse_int,
            ),
            Column("item", "item", "품목"),
            Column(
                "qty_ordered",
                "quantity ordered",
                "발주 수량",
                aliases=("qty_ordered",),
                required=True,
                parse=parse_decimal,
            ),
            Column(
                "qty_received",
                "quantity received",
                "입고 수량",
                aliases=("qty_received",),
                parse=parse_decimal,
            ),
            Column(
                "qty_rejected",
                "quantity rejected",
                "불량 수량",
                aliases=("qty_rejected",),
                parse=parse_decimal,
            ),
            Column("order_date", "order date", "발주일", required=True, parse=parse_date),
            Column(
                "promised_date",
                "promised date",
                "납기일",
                aliases=("due date", "required date", "약속 납기일"),
                required=True,
                parse=parse_date,
            ),
            Column(
                "received_date", "received date", "입고일", aliases=("ship date",), parse=parse_date
            ),
            Column("unit_price", "unit price", "단가", parse=parse_decimal),
            Column("currency", "currency", "통화", parse=parse_currency),
            Column("amount", "amount", "금액", parse=parse_decimal),
            Column("amount_krw", "amount (KRW)", "금액(원)", export_only=True),
        ),
        apply=apply_delivery_line,
        export_queryset=delivery_lines_for_export,
        export_row=export_delivery_line,
        export_roles=STAFF,
    )
)


# Reseller sales ------------------------------------------------------------------------


def apply_reseller_sale(ctx: Context, data: dict[str, Any]) -> Outcome:
    values = {
        name: data[name] for name in ("date", "amount", "currency", "territory") if name in data
    }
    if values.get("date") is None:
        raise RowError(_("This value is required."), "date")
    if values.get("amount") is None:
        raise RowError(_("This value is required."), "amount")
    try:
        _sale, outcome = services.reseller_sale_upsert(
            actor=ctx.actor,
            reseller=data["reseller"],
            external_id=data["external_id"],
            data=values,
        )
    except BusinessError as exc:
        raise _row_error(exc) from exc
    return Outcome(outcome)


def export_reseller_sale(sale: ResellerSale) -> dict[str, Any]:
    return {
        "reseller": partner_key(sale.reseller),
        "reseller_name": sale.reseller.name,
        "date": sale.date.isoformat(),
        "amount": _plain(sale.amount),
        "currency": sale.currency,
        "amount_krw": _plain(sale.amount_krw),
        "territory": sale.territory,
        "external_id": sale.external_id,
    }


def reseller_sales_for_export(user: User | None, params, request) -> tuple[Any, QuerySet]:
    if user is None:
        return None, access.unrestricted(ResellerSale).select_related("reseller")
    return selectors.reseller_sale_list(user=user, params=params, request=request)


RESELLER_SALES = register(
    Entity(
        name="reseller-sales",
        label=gettext_lazy("Reseller sales"),
        model=ResellerSale,
        natural_keys=("reseller", "external_id"),
        columns=(
            Column(
                "reseller",
                "reseller",
                "리셀러",
                aliases=("파트너", "partner"),
                required=True,
                parse=parse_partner,
            ),
            Column("reseller_name", "reseller_name", "리셀러명", export_only=True),
            Column(
                "date",
                "date",
                "일자",
                aliases=("판매일", "order date"),
                required=True,
                parse=parse_date,
            ),
            Column(
                "amount",
                "amount",
                "금액",
                aliases=("판매액", "sales amount"),
                required=True,
                parse=parse_decimal,
            ),
            Column("currency", "currency", "통화", parse=parse_currency),
            Column("amount_krw", "amount (KRW)", "금액(원)", export_only=True),
            Column("territory", "territory", "지역", aliases=("영업 지역",)),
            Column(
                "external_id", "external_id", "외부 ID", aliases=("external id",), required=True
            ),
        ),
        apply=apply_reseller_sale,
        export_queryset=reseller_sales_for_export,
        export_row=export_reseller_sale,
        export_roles=STAFF,
    )
)
