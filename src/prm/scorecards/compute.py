"""Computing scorecards: every applicable partner's result for one template and period.

The number of queries does not depend on the number of partners: the metric values of all
partners come from one call of ``prm.metrics.selectors.values_for`` (the template's
partners as a subquery); existing results are read once, as plain values; new results are
inserted and changed ones updated in batches (audited through the bulk signals). A result
is compared by its score, standing and a digest of what it is computed from (metric
values, targets, the template), so a result whose inputs did not change is left alone and
no snapshot is built for it. On PostgreSQL a full run first asks one statement which
partners' results may have changed (``prm.scorecards.sql``) and computes only those. Each
stored result carries its snapshot (template, weights, targets, formulas, inputs, and the
KPI lines read by ``ScorecardResult.lines``), so changing a template later never changes an
old period.
"""

from __future__ import annotations

import decimal
import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from prm.core import access
from prm.core.events import emit
from prm.metrics.models import Metric
from prm.metrics.periods import GRANULARITY, Period, PeriodKind
from prm.metrics.selectors import values_for
from prm.partners.models import Partner
from prm.scorecards import scoring, sql
from prm.scorecards.evaluator import FormulaError, parse
from prm.scorecards.models import (
    KPI,
    ScorecardResult,
    ScorecardTemplate,
    ScoringRule,
    StandingAction,
    Target,
)

logger = logging.getLogger(__name__)

BATCH = 1000
VALUE_LIMIT = Decimal(10) ** 19
FOUR_PLACES = Decimal("0.0001")
RESULT_FIELDS = [
    "score",
    "standing",
    "previous_standing",
    "snapshot",
    "fingerprint",
    "computed_at",
]


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _q4(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.0001"))


@dataclass
class Report:
    template: int
    period: str
    partners: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    standing_changes: int = 0
    no_score: int = 0
    result_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _Line:
    kpi: KPI
    weight: Decimal
    order: int
    formula: object  # evaluator.Formula, or None when refused
    names: tuple[str, ...] = ()
    static: dict = field(default_factory=dict)


def _template_parts(template: ScorecardTemplate):
    lines = []
    for index, line in enumerate(template.lines.select_related("kpi").order_by("order", "id")):
        try:
            formula = parse(line.kpi.formula)
        except FormulaError:
            # Refused formulas cannot be saved; one stored before a rule tightened gives
            # "no data" rather than stopping everyone's scorecard.
            logger.warning("KPI %s has a refused formula", line.kpi.code)
            formula = None
        names = tuple(sorted(formula.names)) if formula is not None else ()
        static = _static(line.kpi, line.weight)
        lines.append(_Line(line.kpi, line.weight, index, formula, names, static))
    bands = [
        scoring.Band(b.standing, b.min_score, b.max_score, tuple(b.actions or ()))
        for b in template.bands.order_by("-min_score")
    ]
    return lines, bands


def applicable(template: ScorecardTemplate, partner_ids: Iterable[int] | None = None):
    """The partners the template applies to (by partner type), each once: a semi-join,
    which the database estimates well when it is a subquery of the observations' query."""
    typed = Partner.types.through.objects.filter(
        partnertype_id__in=list(template.partner_types.values_list("code", flat=True))
    )
    queryset = access.unrestricted(Partner).filter(pk__in=typed.values("partner_id"))
    if partner_ids is not None:
        queryset = queryset.filter(pk__in=list(partner_ids))
    return queryset


def applicable_partners(template: ScorecardTemplate, partner_ids: Iterable[int] | None = None):
    """(id, tier_id) of the partners the template applies to (by partner type)."""
    queryset = applicable(template, partner_ids)
    return list(queryset.order_by("pk").values_list("pk", "tier_id"))


def _targets(kpi_ids: list[int], partner_ids: list[int] | None):
    """{(kpi, "p", partner) or (kpi, "t", tier): (target, floor)}."""
    rows = access.unrestricted(Target).filter(kpi_id__in=kpi_ids)
    found = {}
    for kpi, tier, partner, target, floor in rows.values_list(
        "kpi_id", "tier_id", "partner_id", "target", "floor"
    ):
        if partner is not None:
            found[(kpi, "p", partner)] = (target, floor)
        else:
            found[(kpi, "t", tier)] = (target, floor)
    return found


def _target_for(kpi: KPI, partner: int, tier: int | None, targets) -> tuple:
    own = targets.get((kpi.pk, "p", partner))
    if own is not None:
        return own[0], own[1], "partner"
    by_tier = targets.get((kpi.pk, "t", tier)) if tier is not None else None
    if by_tier is not None:
        return by_tier[0], by_tier[1], "tier"
    if kpi.target is not None:
        return kpi.target, kpi.floor, "default"
    return None, None, "none"


def _static(kpi: KPI, weight: Decimal) -> dict:
    """What a KPI line's snapshot holds whatever the partner."""
    return {
        "kpi": kpi.pk,
        "code": kpi.code,
        "name_ko": kpi.name_ko,
        "name_en": kpi.name_en,
        "formula": kpi.formula,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "scoring": kpi.scoring,
        "bands": kpi.bands or [],
        "weight": _s(weight),
    }


@dataclass(frozen=True)
class _Scored:
    """One partner's figures: per KPI line (value, target, floor, target source, score,
    inputs), then the weighted total and the standing band reached; ``values`` are the
    inputs of every line, by metric code in alphabetical order."""

    lines: tuple[tuple, ...]
    effective: tuple[Decimal, ...]
    total: Decimal | None
    band: scoring.Band | None
    values: tuple[Decimal | None, ...] = ()

    def digest(self, template_digest: str) -> str:
        """md5 of what the figures are computed from — the template's digest, the metric
        values and each line's target, floor and target source — as text that
        ``prm.scorecards.sql`` makes the same way. (Scores follow from these; the score
        and standing are compared by themselves too.)"""
        texts = [template_digest, *(fixed(value) for value in self.values)]
        for _value, target, floor, source, _score, _inputs in self.lines:
            texts += [fixed(target), fixed(floor), source]
        return hashlib.md5("|".join(texts).encode(), usedforsecurity=False).hexdigest()


def codes_of(lines: list[_Line]) -> list[str]:
    """The metric codes a template's formulas read, in alphabetical order."""
    return sorted({name for line in lines for name in line.names})


_WIDE = decimal.Context(prec=80)


def fixed(number: Decimal | None) -> str:
    """A number in a digest: 4 decimals rounded half up (PostgreSQL's ``round``), no
    negative zero; empty for no data."""
    if number is None:
        return ""
    rounded = number.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP, context=_WIDE)
    return format(rounded.copy_abs() if rounded == 0 else rounded, "f")


def score_one(lines: list[_Line], bands, partner: int, tier, values, targets) -> _Scored:
    """The figures of one partner (no database access)."""
    rows, pairs = [], []
    for line in lines:
        kpi = line.kpi
        # values_for gives every value to 4 places already.
        inputs = tuple(values.get((partner, name)) for name in line.names)
        value = (
            line.formula.evaluate(dict(zip(line.names, inputs, strict=True)))
            if (line.formula is not None)
            else None
        )
        if value is not None:
            value = (
                None if abs(value) >= VALUE_LIMIT else value.quantize(FOUR_PLACES, ROUND_HALF_UP)
            )
        target, floor, source = _target_for(kpi, partner, tier, targets)
        if kpi.scoring == ScoringRule.BANDS:
            score = scoring.band_score(value, kpi.bands or [])
        else:
            score = scoring.linear_score(value, target=target, floor=floor, direction=kpi.direction)
        pairs.append((score, line.weight))
        rows.append((value, target, floor, source, score, inputs))
    total, effective = scoring.weigh(pairs)
    band = scoring.standing_for(total, bands)
    inputs = tuple(values.get((partner, code)) for code in codes_of(lines))
    return _Scored(tuple(rows), tuple(effective), total, band, inputs)


def snapshot_of(lines: list[_Line], scored: _Scored, template) -> dict:
    kpis = []
    for line, row, weight in zip(lines, scored.lines, scored.effective, strict=True):
        value, target, floor, source, score, inputs = row
        kpis.append(
            {
                **line.static,
                "target": _s(target),
                "floor": _s(floor),
                "target_source": source,
                "value": _s(value),
                "score": _s(score),
                "inputs": {n: _s(v) for n, v in zip(line.names, inputs, strict=True)},
                "effective_weight": _s(_q4(weight)),
            }
        )
    band = scored.band
    return {
        "template": template.snapshot_head,
        "kpis": kpis,
        "bands": template.snapshot_bands,
        "actions": list(band.actions) if band else [],
    }


def _batches(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def recompute(
    *,
    template: ScorecardTemplate,
    period: Period,
    partner_ids: Iterable[int] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Compute (or refresh) the template's results for ``period``: every applicable
    partner, or only ``partner_ids``. Standing changes trigger the band's actions."""
    if period.kind != template.period_kind:
        period = Period.containing(template.period_kind, period.start)
    report = Report(template=template.pk, period=period.label)
    lines, bands = _template_parts(template)
    template_digest = _describe(template, lines, bands)
    partners = applicable_partners(template, partner_ids)
    report.partners = len(partners)
    if not partners:
        return report
    ids = [pk for pk, _tier in partners] if partner_ids is not None else None
    if ids is None and sql.available():
        flagged = sql.changed_partners(template, period, lines, bands, template_digest)
        if flagged is not None and len(flagged) < len(partners):
            report.unchanged = len(partners) - len(flagged)
            if progress:
                progress(report.unchanged)
            if not flagged:
                return report
            wanted = set(flagged)
            partners = [each for each in partners if each[0] in wanted]
            ids = flagged
    codes = set()
    for line in lines:
        if line.formula is not None:
            codes |= set(line.formula.names)
    # Only the template's partners are aggregated: a subquery for a full run.
    readers = ids if ids is not None else applicable(template).values("pk")
    values = values_for(metric_codes=codes, partner_ids=readers, period=period) if codes else {}
    targets = _targets([line.kpi.pk for line in lines], ids)
    stored = access.unrestricted(ScorecardResult).filter(
        template=template, period_kind=period.kind, period_start=period.start
    )
    if ids is not None:
        stored = stored.filter(partner_id__in=ids)
    # Plain values: model instances are made only for the results that change.
    existing = {
        row[0]: row[1:]
        for row in stored.values_list(
            "partner_id", "pk", "score", "standing", "previous_standing", "fingerprint"
        )
    }
    previous = _previous_standings(template, period, [pk for pk, _t in partners], existing)
    now = timezone.now()
    new_results: list[ScorecardResult] = []
    changed: list[ScorecardResult] = []
    actions: list[tuple[ScorecardResult, str, str, tuple[str, ...]]] = []
    for index, (partner, tier) in enumerate(partners):
        if progress and index % 500 == 499:
            progress(500)
        scored = score_one(lines, bands, partner, tier, values, targets)
        total, band = scored.total, scored.band
        standing = band.standing if band else ""
        digest = scored.digest(template_digest)
        if total is None:
            report.no_score += 1
        row = existing.get(partner)
        if row is not None and row[1] == total and row[2] == standing and row[4] == digest:
            report.unchanged += 1
            continue
        result = ScorecardResult(
            partner_id=partner,
            template=template,
            period_kind=period.kind,
            period_start=period.start,
            score=total,
            standing=standing,
            snapshot=snapshot_of(lines, scored, template),
            fingerprint=digest,
            computed_at=now,
        )
        if row is None:
            before = previous.get(partner, "")
            result.previous_standing = before
            new_results.append(result)
        else:
            result.pk, before = row[0], row[2]
            result.previous_standing = before if before != standing else row[3]
            changed.append(result)
        if standing and standing != before:
            actions.append((result, standing, before, band.actions if band else ()))
    with transaction.atomic():
        # One statement each where the database allows it (Django splits for SQLite's
        # limit on parameters), so new results cost the same queries for 1k or 10k partners.
        access.unrestricted(ScorecardResult).bulk_create(new_results)
        for chunk in _batches(changed):
            access.unrestricted(ScorecardResult).bulk_update(chunk, RESULT_FIELDS)
        report.created, report.updated = len(new_results), len(changed)
        report.standing_changes = len(actions)
        _take_actions(actions, template, period)
        for result in (*new_results, *changed):
            report.result_ids.append(result.pk)
            emit(
                "scorecard.computed",
                result_id=result.pk,
                partner_id=result.partner_id,
                standing=result.standing,
                previous_standing=result.previous_standing,
            )
    if progress:
        progress(len(partners) % 500)
    return report


def _describe(template: ScorecardTemplate, lines: list[_Line], bands) -> str:
    """Set the parts every partner's snapshot shares on ``template``; return their digest
    (a change of template, weights or bands changes every result's fingerprint)."""
    template.snapshot_head = {
        "id": template.pk,
        "name_ko": template.name_ko,
        "name_en": template.name_en,
        "period_kind": template.period_kind,
    }
    template.snapshot_bands = [
        {
            "standing": b.standing,
            "min": _s(b.min_score),
            "max": _s(b.max_score),
            "actions": list(b.actions),
        }
        for b in bands
    ]
    shared = [template.snapshot_head, template.snapshot_bands, [x.static for x in lines]]
    text = json.dumps(shared, sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _previous_standings(template, period: Period, partner_ids, existing) -> dict[int, str]:
    """The standing of the period before, for partners that have no result yet."""
    missing = [pk for pk in partner_ids if pk not in existing]
    if not missing:
        return {}
    before = period.previous()
    rows = access.unrestricted(ScorecardResult).filter(
        template=template, period_kind=before.kind, period_start=before.start
    )
    if len(missing) < len(partner_ids):
        rows = rows.filter(partner_id__in=missing)
    return dict(rows.values_list("partner_id", "standing"))


def _take_actions(actions, template: ScorecardTemplate, period: Period) -> None:
    """What a reached standing triggers. A risk is opened by the risk capability, which
    subscribes to ``scorecard.standings_changed`` (one event for every partner whose
    standing changed); a tier review by the tier capability
    (``scorecard.tier_review_proposed``)."""
    if not actions:
        return
    from prm.scorecards import notices

    notify_ids, hold, review = [], [], []
    for result, standing, before, todo in actions:
        emit(
            "scorecard.standing_changed",
            result_id=result.pk,
            partner_id=result.partner_id,
            standing=standing,
            previous_standing=before,
        )
        if StandingAction.NOTIFY in todo:
            notify_ids.append(result)
        if StandingAction.HOLD in todo:
            hold.append(result)
        if StandingAction.TIER_REVIEW in todo:
            review.append(result.partner_id)
    if review:
        emit(
            "scorecard.tier_review_proposed",
            template_id=template.pk,
            period=period.label,
            partner_ids=sorted(review),
        )
    emit(
        "scorecard.standings_changed",
        template_id=template.pk,
        period=period.label,
        partner_ids=sorted({result.partner_id for result, *_rest in actions}),
    )
    if hold:
        _hold(hold, template, period)
    if notify_ids:
        notices.standing_reached(notify_ids)


def _hold(results: list[ScorecardResult], template: ScorecardTemplate, period: Period) -> None:
    from django.utils.translation import gettext

    from prm.scorecards.models import Standing

    by_standing = defaultdict(list)
    for result in results:
        by_standing[result.standing].append(result.partner_id)
    for standing, partner_ids in by_standing.items():
        # Stored text, read by staff of either language: both.
        reason = "; ".join(
            _in(
                lang,
                lambda s=standing: (
                    gettext("Scorecard %(template)s %(period)s: %(standing)s")
                    % {
                        "template": template.name,
                        "period": period.label,
                        "standing": Standing(s).label,
                    }
                ),
            )
            for lang in ("ko", "en")
        )
        access.unrestricted(Partner).filter(pk__in=partner_ids, on_hold=False).update(
            on_hold=True, hold_reason=reason[:1000]
        )


def _in(language: str, text: Callable[[], str]) -> str:
    from django.utils import translation

    with translation.override(language):
        return str(text())


def recompute_all(
    *,
    period: Period | None = None,
    templates: Iterable[ScorecardTemplate] | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Report]:
    """Every active template over ``period`` (default: the current period of each)."""
    today = timezone.localdate()
    if templates is None:
        templates = ScorecardTemplate.objects.filter(active=True).order_by("pk")
    reports = []
    for template in templates:
        wanted = period or Period.containing(template.period_kind, today)
        if GRANULARITY[PeriodKind(wanted.kind)] > GRANULARITY[PeriodKind(template.period_kind)]:
            # A year asked for a quarterly template: each of its quarters.
            periods = wanted.sub_periods(template.period_kind)
        else:
            periods = [Period.containing(template.period_kind, wanted.start)]
        for each in periods:
            reports.append(recompute(template=template, period=each, progress=progress))
    return reports


def affected(period_kind: str, period_start) -> list[tuple[ScorecardTemplate, Period]]:
    """The (template, period) pairs that observations of one period feed."""
    found = []
    kind = PeriodKind(period_kind)
    for template in ScorecardTemplate.objects.filter(active=True).order_by("pk"):
        if GRANULARITY[kind] > GRANULARITY[PeriodKind(template.period_kind)]:
            continue  # a yearly value does not feed a quarterly scorecard
        found.append((template, Period.containing(template.period_kind, period_start)))
    return found


def metric_codes() -> set[str]:
    return set(access.unrestricted(Metric).values_list("code", flat=True))
