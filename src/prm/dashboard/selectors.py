"""The program figures of the home page, counted over the partners the user may see.

Every figure is an aggregate computed in SQL over the partners that pass the access layer
and the dashboard's filters (type, region, tier, owner), so the number of queries does not
grow with the number of partners. :func:`change_marker` is the cheap "has anything changed"
probe the live dashboard polls: the id of the newest audit entry (every change of a business
object writes one), so an unchanged dashboard costs one indexed query.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Floor, Least, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_countries import countries

from prm.accounts.models import User
from prm.audit.models import AuditEntry
from prm.contracts.models import Contract
from prm.core import access
from prm.metrics.currency import to_krw
from prm.metrics.models import Metric, Observation
from prm.metrics.periods import Period, PeriodKind
from prm.onboarding.models import Application, ApplicationStatus, Journey
from prm.partners.lifecycle import Stage
from prm.partners.models import Partner, Tier, TypeCode
from prm.sales.models import Deal
from prm.scorecards.models import STANDING_RANK, ScorecardResult, ScorecardTemplate, Standing

TOP_PLACES = 10
TOP_PARTNERS = 10
PERIOD_CHOICES = (3, 6, 12, 24)  # months of history the time charts show
DEFAULT_MONTHS = 12
REVENUE_METRIC = "revenue"


@dataclass(frozen=True)
class Filters:
    """What the dashboard is narrowed to; empty values mean "all"."""

    months: int = DEFAULT_MONTHS
    type: str = ""
    region: str = ""
    tier: str = ""
    owner: int | None = None

    @property
    def narrows_partners(self) -> bool:
        return bool(self.type or self.region or self.tier or self.owner)

    def key(self) -> str:
        return f"{self.months}|{self.type}|{self.region}|{self.tier}|{self.owner or ''}"


@dataclass
class Window:
    today: datetime.date
    months: list[Period] = field(default_factory=list)

    @classmethod
    def of(cls, months: int, today: datetime.date) -> Window:
        last = Period.containing(PeriodKind.MONTH, today)
        periods = [last]
        for _step in range(months - 1):
            periods.insert(0, periods[0].previous())
        return cls(today=today, months=periods)

    @property
    def start(self) -> datetime.date:
        return self.months[0].start

    @property
    def end(self) -> datetime.date:
        return self.months[-1].end

    @property
    def labels(self) -> list[str]:
        return [p.label for p in self.months]

    def aware_start(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))


def change_marker() -> str:
    """The newest audit entry's id and time: every change of a business object writes one.
    The time guards against an id used again (SQLite reuses the highest id once that row
    is deleted, as when an audit log is pruned)."""
    newest = access.unrestricted(AuditEntry).order_by("-pk").values_list("pk", "timestamp").first()
    return f"{newest[0]}@{newest[1].isoformat()}" if newest else "0"


def partners_for(*, user: User, filters: Filters) -> QuerySet:
    partners = access.scope(user, Partner)
    if filters.type:
        partners = partners.filter(types__code=filters.type)
    if filters.region:
        partners = partners.filter(region__iexact=filters.region)
    if filters.tier:
        partners = (
            partners.filter(tier__isnull=True)
            if filters.tier == "none"
            else partners.filter(tier__code=filters.tier)
        )
    if filters.owner:
        partners = partners.filter(owner_id=filters.owner)
    return partners.order_by()


def _of_partners(queryset: QuerySet, partners: QuerySet, filters: Filters, path: str = "partner"):
    """Rows of ``queryset`` whose partner is one of ``partners``. Without a filter the
    access layer's own scope of ``queryset`` already says which rows the user sees, so the
    partner subquery is left out (it costs a join at 10,000 partners)."""
    if not filters.narrows_partners:
        return queryset
    return queryset.filter(**{f"{path}__in": partners.values("pk")})


def _series(pairs: list[tuple[Any, Any, Any]]) -> dict[str, list]:
    """``[(key, label, value)]`` → the chart's keys, labels and values."""
    return {
        "keys": [str(key) for key, _label, _value in pairs],
        "labels": [str(label) for _key, label, _value in pairs],
        "values": [_plain(value) for _key, _label, value in pairs],
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


# -- the registry ----------------------------------------------------------------------


def _start_of_month():
    now = timezone.localtime()
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def kpis(*, partners: QuerySet) -> dict[str, int]:
    return partners.aggregate(
        total=Count("pk", distinct=True),
        active=Count("pk", filter=Q(stage=Stage.ACTIVE), distinct=True),
        onboarding=Count("pk", filter=Q(stage=Stage.ONBOARDING), distinct=True),
        new_this_month=Count("pk", filter=Q(created_at__gte=_start_of_month()), distinct=True),
    )


def by_stage(*, partners: QuerySet) -> dict[str, list]:
    """Every stage, in lifecycle order, zeros included."""
    counts = dict(
        partners.values_list("stage").annotate(count=Count("pk", distinct=True)).order_by()
    )
    return _series([(s.value, s.label, counts.get(s.value, 0)) for s in Stage])


def by_type(*, partners: QuerySet) -> dict[str, list]:
    counts = dict(
        partners.values_list("types__code").annotate(count=Count("pk", distinct=True)).order_by()
    )
    return _series([(t.value, t.label, counts[t.value]) for t in TypeCode if counts.get(t.value)])


def by_tier(*, partners: QuerySet) -> dict[str, list]:
    """Tiers in rank order, then partners without a tier."""
    counts = dict(
        partners.values_list("tier").annotate(count=Count("pk", distinct=True)).order_by()
    )
    pairs = [(t.code, str(t), counts.get(t.pk, 0)) for t in Tier.objects.order_by("rank")]
    if counts.get(None):
        pairs.append(("", _("No tier"), counts[None]))
    return _series(pairs)


def by_place(*, partners: QuerySet) -> dict[str, list]:
    """The ten largest places: the region for partners that have one, else the country."""
    rows = (
        partners.values_list("country", "region")
        .annotate(count=Count("pk", distinct=True))
        .order_by()
    )
    places: Counter[tuple[str, str]] = Counter()
    for country, region, count in rows:
        region = (region or "").strip()
        name = str(countries.name(country) or country)
        places[(country, f"{region} ({country})" if region else name)] += count
    top = places.most_common(TOP_PLACES)
    return _series([(country, label, count) for (country, label), count in top])


# -- money over time -------------------------------------------------------------------


def revenue_and_pipeline(
    *, user: User, partners: QuerySet, filters: Filters, window: Window
) -> dict[str, Any]:
    """Per month of the window: revenue (the ``revenue`` metric: won deals and reseller
    sales, KRW), deals won and new pipeline registered (from co-selling, in KRW)."""
    by_month: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    metric = access.unrestricted(Metric).filter(code=REVENUE_METRIC).values_list("pk", flat=True)
    observations = _of_partners(
        access.scope(user, Observation).filter(
            metric_id__in=list(metric),
            period_kind=PeriodKind.MONTH,
            period_start__gte=window.start,
            period_start__lte=window.end,
        ),
        partners,
        filters,
    )
    for start, total in (
        observations.values_list("period_start").annotate(total=Sum("value")).order_by()
    ):
        by_month[Period(PeriodKind.MONTH, start).label]["revenue"] += total or 0
    deals = _of_partners(access.scope(user, Deal), partners, filters)
    won = (
        deals.filter(stage__is_won=True, won_at__gte=window.aware_start())
        .annotate(month=TruncMonth("won_at"))
        .values_list("month", "currency")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for month, currency, total in won:
        by_month[_month_label(month)]["won"] += to_krw(total or 0, currency)
    registered = (
        deals.filter(registered_at__gte=window.aware_start())
        .annotate(month=TruncMonth("registered_at"))
        .values_list("month", "currency")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for month, currency, total in registered:
        by_month[_month_label(month)]["pipeline"] += to_krw(total or 0, currency)
    labels = window.labels
    open_pipeline = (
        deals.filter(stage__is_won=False, stage__is_lost=False, status="approved")
        .values_list("currency")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {
        "labels": labels,
        "datasets": [
            {
                "key": key,
                "label": label,
                "values": [float(by_month[m].get(key, 0)) for m in labels],
            }
            for key, label in (
                ("revenue", _("Revenue (KRW)")),
                ("won", _("Deals won (KRW)")),
                ("pipeline", _("New pipeline (KRW)")),
            )
        ],
        "open_pipeline": float(sum(to_krw(t or 0, c) for c, t in open_pipeline)),
    }


def _month_label(value: datetime.datetime | datetime.date) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return Period.containing(PeriodKind.MONTH, value).label


# -- scorecards ------------------------------------------------------------------------


def _latest_results(user: User, partners: QuerySet, filters: Filters) -> QuerySet:
    """Each template's results of its latest period (one index probe per template, not a
    scan of every result)."""
    results = _of_partners(access.scope(user, ScorecardResult), partners, filters)
    newest = (
        results.filter(template=OuterRef("pk"), period_kind=OuterRef("period_kind"))
        .order_by("-period_start")
        .values("period_start")[:1]
    )
    latest = (
        ScorecardTemplate.objects.annotate(start=Subquery(newest))
        .exclude(start=None)
        .values_list("pk", "period_kind", "start")
    )
    condition = Q()
    for template, kind, start in latest:
        condition |= Q(template_id=template, period_kind=kind, period_start=start)
    return results.filter(condition) if condition else results.none()


def scorecard_figures(
    *, user: User, partners: QuerySet, filters: Filters, window: Window
) -> dict[str, Any]:
    latest = _latest_results(user, partners, filters)
    scored = latest.exclude(score=None)
    top = list(
        scored.order_by("-score", "partner_id").values_list("partner__name", "score")[:TOP_PARTNERS]
    )
    bottom = list(
        scored.order_by("score", "partner_id").values_list("partner__name", "score")[:TOP_PARTNERS]
    )
    # Each partner's weighted attainment of its KPI targets (its latest scorecard score),
    # and the standing changes, from one grouped query.
    bins: Counter[int] = Counter()
    improved = worsened = 0
    for key, now, before, count in (
        scored.annotate(
            bin=Least(
                Floor(F("score") / Value(10, output_field=DecimalField())),
                Value(9, output_field=DecimalField()),
                output_field=DecimalField(),
            )
        )
        .values_list("bin", "standing", "previous_standing")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        bins[int(key)] += count
        if now and before and now != before:
            if STANDING_RANK[now] < STANDING_RANK[before]:
                improved += count
            else:
                worsened += count
    attainment = _series(
        [(i, f"{i * 10}-{i * 10 + 9 if i < 9 else 100}", bins[i]) for i in range(10)]
    )
    standing_rows = (
        _of_partners(access.scope(user, ScorecardResult), partners, filters)
        .filter(period_start__gte=window.start, period_start__lte=window.end)
        .exclude(standing="")
        .values_list("period_start", "standing")
        .annotate(count=Count("pk"))
        .order_by()
    )
    periods = sorted({start for start, _s, _c in standing_rows})
    counts = {(start, standing): count for start, standing, count in standing_rows}
    return {
        "top": _series([(i, name, score) for i, (name, score) in enumerate(top)]),
        "bottom": _series([(i, name, score) for i, (name, score) in enumerate(bottom)]),
        "attainment": attainment,
        "standings": {
            "labels": [start.isoformat()[:7] for start in periods],
            "datasets": [
                {
                    "key": s.value,
                    "label": str(s.label),
                    "values": [counts.get((start, s.value), 0) for start in periods],
                }
                for s in Standing
            ],
        },
        "standing_changes": _series(
            [
                ("improved", pgettext("standing change", "Improved"), improved),
                ("worsened", pgettext("standing change", "Worsened"), worsened),
            ]
        ),
    }


# -- onboarding and contracts ----------------------------------------------------------


def onboarding_funnel(
    *, user: User, partners: QuerySet, filters: Filters, window: Window
) -> dict[str, list]:
    """Within the window: applications received and approved, journeys started and
    completed."""
    since = window.aware_start()
    applications = _of_partners(access.scope(user, Application), partners, filters).aggregate(
        received=Count("pk", filter=Q(created_at__gte=since)),
        approved=Count("pk", filter=Q(status=ApplicationStatus.APPROVED, decided_at__gte=since)),
    )
    journeys = _of_partners(access.scope(user, Journey), partners, filters).aggregate(
        started=Count("pk", filter=Q(started_at__gte=since)),
        completed=Count("pk", filter=Q(completed_at__gte=since)),
    )
    return _series(
        [
            ("received", _("Applications received"), applications["received"]),
            ("approved", _("Applications approved"), applications["approved"]),
            ("started", _("Onboarding started"), journeys["started"]),
            ("completed", _("Onboarding completed"), journeys["completed"]),
        ]
    )


def expiring_contracts(
    *, user: User, partners: QuerySet, filters: Filters, today: datetime.date
) -> dict[str, list]:
    """Signed contracts in force that end in each of the next six months."""
    months = [Period.containing(PeriodKind.MONTH, today)]
    for _step in range(5):
        months.append(months[-1].next())
    rows = (
        _of_partners(access.scope(user, Contract), partners, filters)
        .filter(
            signed_on__isnull=False,
            terminated_on__isnull=True,
            end_date__gte=today,
            end_date__lte=months[-1].end,
        )
        .annotate(month=TruncMonth("end_date"))
        .values_list("month")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {_month_label(month): count for month, count in rows}
    return _series([(m.label, m.label, counts.get(m.label, 0)) for m in months])


# -- everything ------------------------------------------------------------------------


def program_figures(*, user: User, filters: Filters | None = None) -> dict[str, Any]:
    filters = filters or Filters()
    today = timezone.localdate()
    window = Window.of(filters.months, today)
    partners = partners_for(user=user, filters=filters)
    scorecards = scorecard_figures(user=user, partners=partners, filters=filters, window=window)
    money = revenue_and_pipeline(user=user, partners=partners, filters=filters, window=window)
    return {
        "kpis": {**kpis(partners=partners), "open_pipeline": money.pop("open_pipeline")},
        "charts": {
            "stage": by_stage(partners=partners),
            "type": by_type(partners=partners),
            "tier": by_tier(partners=partners),
            "place": by_place(partners=partners),
            "money": money,
            "attainment": scorecards["attainment"],
            "top": scorecards["top"],
            "bottom": scorecards["bottom"],
            "standings": scorecards["standings"],
            "standing_changes": scorecards["standing_changes"],
            "funnel": onboarding_funnel(
                user=user, partners=partners, filters=filters, window=window
            ),
            "expiring": expiring_contracts(
                user=user, partners=partners, filters=filters, today=today
            ),
        },
    }
