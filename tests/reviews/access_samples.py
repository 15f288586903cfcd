"""Samples of the reviews app's models for the generated access tests (tests/access)."""

from __future__ import annotations

import datetime

from django.db import models

from tests.access.samples import Side, generic


def review(model: type[models.Model], side: Side) -> models.Model:
    return model.objects.create(
        partner=side.partner,
        title=side.text(model, 200),
        period_kind="quarter",
        period_start=datetime.date(2026, 7, 1),
        shared_notes=side.text(model),
        staff_notes=side.text(model),
    )


def action_item(model: type[models.Model], side: Side) -> models.Model:
    from prm.reviews.models import Review

    return model.objects.create(
        partner=side.partner,
        review=side.sample(Review),
        title=side.text(model, 200),
        owner_side="partner",
        due_on=datetime.date(2026, 12, 31),
    )


def business_plan(model: type[models.Model], side: Side) -> models.Model:
    return model.objects.create(
        partner=side.partner,
        title=side.text(model, 200),
        period_kind="year",
        period_start=datetime.date(2026, 1, 1),
    )


FACTORIES = {
    "reviews.Review": review,
    "reviews.ActionItem": action_item,
    "reviews.ActionComment": generic,
    "reviews.BusinessPlan": business_plan,
    "reviews.Goal": generic,
    "reviews.PlanComment": generic,
}
