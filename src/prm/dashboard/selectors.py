"""The program figures of the home page, counted over the partners the user may see."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from prm.accounts.models import User
from prm.core import access
from prm.partners.lifecycle import Stage
from prm.partners.models import Partner, Tier, TypeCode

TOP_PLACES = 10


def _start_of_month():
    now = timezone.localtime()
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def kpis(*, user: User) -> dict[str, int]:
    return access.scope(user, Partner).aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(stage=Stage.ACTIVE)),
        onboarding=Count("pk", filter=Q(stage=Stage.ONBOARDING)),
        new_this_month=Count("pk", filter=Q(created_at__gte=_start_of_month())),
    )


def _series(pairs: list[tuple[Any, Any, int]]) -> dict[str, list]:
    """``[(key, label, count)]`` → the chart's keys, labels and values."""
    return {
        "keys": [str(key) for key, _label, _count in pairs],
        "labels": [str(label) for _key, label, _count in pairs],
        "values": [count for _key, _label, count in pairs],
    }


def by_stage(*, user: User) -> dict[str, list]:
    """Every stage, in lifecycle order, zeros included."""
    counts = dict(
        access.scope(user, Partner)
        .order_by()
        .values_list("stage")
        .annotate(count=Count("pk"))
        .values_list("stage", "count")
    )
    return _series([(s.value, s.label, counts.get(s.value, 0)) for s in Stage])


def by_type(*, user: User) -> dict[str, list]:
    counts = dict(
        access.scope(user, Partner)
        .order_by()
        .values_list("types__code")
        .annotate(count=Count("pk", distinct=True))
        .values_list("types__code", "count")
    )
    return _series([(t.value, t.label, counts[t.value]) for t in TypeCode if counts.get(t.value)])


def by_tier(*, user: User) -> dict[str, list]:
    """Tiers in rank order, then partners without a tier."""
    counts = dict(
        access.scope(user, Partner)
        .order_by()
        .values_list("tier")
        .annotate(count=Count("pk"))
        .values_list("tier", "count")
    )
    pairs = [(t.code, str(t), counts.get(t.pk, 0)) for t in Tier.objects.order_by("rank")]
    if counts.get(None):
        pairs.append(("", _("No tier"), counts[None]))
    return _series(pairs)


def by_place(*, user: User) -> dict[str, list]:
    """The ten largest places: the region for partners that have one, else the country."""
    rows = (
        access.scope(user, Partner)
        .order_by()
        .values_list("country", "region")
        .annotate(count=Count("pk"))
        .values_list("country", "region", "count")
    )
    places: Counter[tuple[str, str]] = Counter()
    for country, region, count in rows:
        region = (region or "").strip()
        name = str(countries.name(country) or country)
        places[(country, f"{region} ({country})" if region else name)] += count
    top = places.most_common(TOP_PLACES)
    return _series([(country, label, count) for (country, label), count in top])


def program_figures(*, user: User) -> dict[str, Any]:
    return {
        "kpis": kpis(user=user),
        "charts": {
            "stage": by_stage(user=user),
            "type": by_type(user=user),
            "tier": by_tier(user=user),
            "place": by_place(user=user),
        },
    }
