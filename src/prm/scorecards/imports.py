"""KPIs (import and export) and scorecard results (export) as import/export entities (see
``prm.imports.registry``).

- ``kpis``: the natural key is the code; only admins import (KPIs are reference data).
  Formulas are checked on import like in the form: a refused one is a row error with its
  position.
- ``scorecards``: each result with its score, standing and the value and score of every
  KPI line, for reading; results are computed, never imported.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.contracts.imports import parse_decimal
from prm.core import access
from prm.core.errors import BusinessError
from prm.imports.registry import KEEP, Column, Context, Entity, Outcome, RowError, register
from prm.partners.imports import parse_bool, partner_key
from prm.scorecards import selectors, services
from prm.scorecards.models import KPI, Direction, ScorecardResult, ScoringRule


def _choice(choices):
    def parse(value: str, ctx: Context) -> Any:
        if not value:
            return KEEP
        wanted = value.strip().casefold()
        for code, label in choices:
            if wanted in (code, str(label).casefold()):
                return code
        raise ValidationError(
            _("%(value)s is not one of: %(choices)s")
            % {"value": value, "choices": ", ".join(code for code, _label in choices)}
        )

    return parse


def parse_bands(value: str, ctx: Context) -> Any:
    if not value:
        return KEEP
    try:
        return json.loads(value)
    except ValueError:
        raise ValidationError(_("Write the bands as JSON.")) from None


def apply_kpi(ctx: Context, data: dict[str, Any]) -> Outcome:
    code = (data.get("code") or "").strip()
    data = {k: v for k, v in data.items() if v is not KEEP}
    kpi = KPI.objects.filter(code=code).first()
    try:
        if kpi is None:
            for name in ("name_ko", "name_en", "formula"):
                if not data.get(name):
                    raise RowError(_("A new KPI needs this column filled."), name)
            services.kpi_create(actor=ctx.actor, data=data)
            return Outcome.CREATED
        data.pop("code", None)
        changes = {k: v for k, v in data.items() if getattr(kpi, k) != v}
        if "bands" in changes and services.scoring.clean_value_bands(changes["bands"]) == kpi.bands:
            changes.pop("bands")
        if not changes:
            return Outcome.UNCHANGED
        services.kpi_update(actor=ctx.actor, kpi=kpi, data=changes)
        return Outcome.UPDATED
    except BusinessError as exc:
        raise RowError(exc.message, exc.field) from exc


def export_kpi(kpi: KPI) -> dict[str, Any]:
    return {
        "code": kpi.code,
        "name_ko": kpi.name_ko,
        "name_en": kpi.name_en,
        "formula": kpi.formula,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "scoring": kpi.scoring,
        "target": kpi.target if kpi.target is not None else "",
        "floor": kpi.floor if kpi.floor is not None else "",
        "bands": json.dumps(kpi.bands) if kpi.bands else "",
        "description": kpi.description,
        "active": str(_("Yes") if kpi.active else _("No")),
    }


def kpis_for_export(user: User | None, params, request) -> tuple[Any, QuerySet]:
    if user is None:
        return None, KPI.objects.order_by("code")
    return selectors.kpi_list(user=user, params=params, request=request)


KPIS = register(
    Entity(
        name="kpis",
        label=gettext_lazy("KPIs"),
        model=KPI,
        natural_keys=("code",),
        columns=(
            Column("code", "code", "코드", required=True),
            Column("name_ko", "name_ko", "이름(한국어)", aliases=("KPI명",)),
            Column("name_en", "name_en", "이름(영어)", aliases=("name",)),
            Column("formula", "formula", "수식"),
            Column("unit", "unit", "단위"),
            Column("direction", "direction", "방향", parse=_choice(Direction.choices)),
            Column("scoring", "scoring", "평가 방식", parse=_choice(ScoringRule.choices)),
            Column("target", "target", "기본 목표", aliases=("목표",), parse=parse_decimal),
            Column("floor", "floor", "기본 하한", aliases=("하한",), parse=parse_decimal),
            Column("bands", "bands", "구간", parse=parse_bands),
            Column("description", "description", "설명"),
            Column("active", "active", "사용", parse=parse_bool),
        ),
        apply=apply_kpi,
        export_queryset=kpis_for_export,
        export_row=export_kpi,
        import_roles=frozenset({Role.ADMIN}),
        export_roles=frozenset({Role.ADMIN, Role.PARTNER_MANAGER, Role.ANALYST}),
    )
)


def _refuse(ctx: Context, data: dict[str, Any]) -> Outcome:
    raise RowError(_("Scorecards are computed, not imported; run a recompute instead."))


def _line_cells(result: ScorecardResult) -> dict[str, str]:
    cells = {}
    parts = []
    for item in result.snapshot.get("kpis", []):
        value = item.get("value")
        score = item.get("score")
        parts.append(
            f"{item.get('code')}: {value if value is not None else '-'}"
            f" → {score if score is not None else '-'} (x{item.get('weight')})"
        )
    cells["kpis"] = "; ".join(parts)
    return cells


def export_result(result: ScorecardResult) -> dict[str, Any]:
    return {
        "id": result.pk,
        "partner": partner_key(result.partner),
        "partner_name": result.partner.name,
        "template": result.template.name,
        "period": result.period.label,
        "score": result.score if result.score is not None else "",
        "standing": str(result.get_standing_display()) if result.standing else "",
        "computed_at": timezone.localtime(result.computed_at).strftime("%Y-%m-%d %H:%M"),
        **_line_cells(result),
    }


def results_for_export(user: User | None, params, request) -> tuple[Any, QuerySet]:
    if user is None:
        rows = access.unrestricted(ScorecardResult).select_related("partner", "template")
        return None, rows.order_by("-period_start", "partner__name", "id")
    return selectors.result_list(user=user, params=params, request=request)


SCORECARDS = register(
    Entity(
        name="scorecards",
        label=gettext_lazy("Scorecards"),
        model=ScorecardResult,
        natural_keys=("id",),
        columns=(
            Column("id", "id", "ID", export_only=True),
            Column("partner", "partner", "파트너", export_only=True),
            Column("partner_name", "partner_name", "파트너명", export_only=True),
            Column("template", "template", "스코어카드 템플릿", export_only=True),
            Column("period", "period", "기간", export_only=True),
            Column("score", "score", "점수", export_only=True),
            Column("standing", "standing", "평가 등급", export_only=True),
            Column("computed_at", "computed_at", "계산 일시", export_only=True),
            Column("kpis", "kpis", "KPI 내역", export_only=True),
        ),
        apply=_refuse,
        export_queryset=results_for_export,
        export_row=export_result,
        import_roles=frozenset(),
    )
)
