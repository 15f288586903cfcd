"""Rows the reviews tests build on: metrics with observations, reviews, items, plans."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from prm.core import access
from prm.metrics.models import Metric, Observation
from prm.metrics.periods import Period
from prm.reviews.models import ActionItem, BusinessPlan, Goal, Review

_n = itertools.count(1)


def metric(code: str | None = None, **fields) -> Metric:
    code = code or f"metric_{next(_n)}"
    fields.setdefault("name_ko", f"지표 {code}")
    fields.setdefault("name_en", f"Metric {code}")
    return access.unrestricted(Metric).create(code=code, **fields)


def observe(metric: Metric, partner, label: str, value) -> Observation:
    period = Period.parse(label)
    return access.unrestricted(Observation).create(
        metric=metric,
        partner=partner,
        period_kind=period.kind,
        period_start=period.start,
        value=Decimal(str(value)),
    )


def review(partner, label: str = "2026-Q3", **fields) -> Review:
    period = Period.parse(label)
    return access.unrestricted(Review).create(
        partner=partner, period_kind=period.kind, period_start=period.start, **fields
    )


def item(partner, **fields) -> ActionItem:
    fields.setdefault("title", f"Item {next(_n)}")
    return access.unrestricted(ActionItem).create(partner=partner, **fields)


def plan(partner, label: str = "2026", **fields) -> BusinessPlan:
    period = Period.parse(label)
    fields.setdefault("title", f"Plan {label}")
    return access.unrestricted(BusinessPlan).create(
        partner=partner, period_kind=period.kind, period_start=period.start, **fields
    )


def goal(plan: BusinessPlan, metric: Metric, target, **fields) -> Goal:
    fields.setdefault("title", f"Goal {metric.code}")
    return access.unrestricted(Goal).create(
        plan=plan, metric=metric, target=Decimal(str(target)), **fields
    )


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)
