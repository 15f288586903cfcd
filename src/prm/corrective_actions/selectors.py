"""Reads: corrective action requests and their response times, scoped to the acting user."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import QuerySet

from prm.accounts.models import User
from prm.core import access
from prm.corrective_actions.filters import RequestFilter
from prm.corrective_actions.models import CorrectiveActionRequest, Evidence, RequestStep
from prm.partners.models import Partner
from prm.partners.selectors import filled

RELATED = ("partner", "requested_by", "risk")


def request_list(
    *, user: User, params=None, request=None
) -> tuple[RequestFilter, QuerySet[CorrectiveActionRequest]]:
    base = access.scope(user, CorrectiveActionRequest).select_related(*RELATED)
    filterset = RequestFilter(filled(params), queryset=base, request=request)
    if not filterset.is_valid():
        return filterset, base.none()
    queryset = filterset.qs
    ordering = (
        list(queryset.query.order_by)
        if filterset.form.cleaned_data.get("sort")
        else ["-created_at"]
    )
    return filterset, queryset.order_by(*ordering, "-id")


def request_get(*, user: User, pk) -> CorrectiveActionRequest:
    return access.get_object(
        user,
        access.scope(user, CorrectiveActionRequest).select_related(*RELATED),
        pk=pk,
    )


def request_steps(*, user: User, request: CorrectiveActionRequest) -> QuerySet[RequestStep]:
    return (
        access.scope(user, RequestStep)
        .filter(request=request)
        .select_related("actor")
        .order_by("at", "id")
    )


def request_evidence(*, user: User, request: CorrectiveActionRequest) -> QuerySet[Evidence]:
    return (
        access.scope(user, Evidence)
        .filter(request=request)
        .select_related("document", "uploaded_by")
        .order_by("created_at", "id")
    )


def requests_for_risk(*, user: User, risk_id: int) -> QuerySet[CorrectiveActionRequest]:
    return (
        access.scope(user, CorrectiveActionRequest)
        .filter(risk_id=risk_id)
        .select_related("partner")
        .order_by("-created_at", "-id")
    )


def requests_for_partner(*, user: User, partner: Partner) -> QuerySet[CorrectiveActionRequest]:
    return (
        access.scope(user, CorrectiveActionRequest)
        .filter(partner=partner)
        .order_by("-created_at", "-id")
    )


@dataclass
class ResponseTimes:
    """Response times of one partner's requests (or of all of them)."""

    partner: Partner | None
    requests: int = 0
    open: int = 0
    overdue: int = 0
    returns: int = 0
    to_answer: list[timedelta] = field(default_factory=list)
    to_close: list[timedelta] = field(default_factory=list)

    @staticmethod
    def _mean_days(values: list[timedelta]) -> float | None:
        if not values:
            return None
        return sum(v.total_seconds() for v in values) / len(values) / 86400

    @property
    def avg_days_to_answer(self) -> float | None:
        return self._mean_days(self.to_answer)

    @property
    def avg_days_to_close(self) -> float | None:
        return self._mean_days(self.to_close)

    def add(self, request: CorrectiveActionRequest, today) -> None:
        self.requests += 1
        self.returns += request.return_count
        if request.status not in ("accepted", "cancelled"):
            self.open += 1
        if request.is_overdue(today):
            self.overdue += 1
        if request.time_to_answer is not None:
            self.to_answer.append(request.time_to_answer)
        if request.time_to_close is not None:
            self.to_close.append(request.time_to_close)


def response_times(
    *, user: User, partner_ids: Iterable[int] | None = None, today=None
) -> tuple[ResponseTimes, list[ResponseTimes]]:
    """Per partner, and over all of them: how many requests were sent, how many are open or
    overdue, and the mean days from sending to the first answer and to acceptance. Drafts
    (never sent) do not count. Two queries whatever the number of partners."""
    from django.utils import timezone

    today = today or timezone.localdate()
    rows = (
        access.scope(user, CorrectiveActionRequest)
        .filter(sent_at__isnull=False)
        .select_related("partner")
        .order_by("partner__name", "partner_id")
    )
    if partner_ids is not None:
        rows = rows.filter(partner_id__in=list(partner_ids))
    total = ResponseTimes(partner=None)
    by_partner: dict[int, ResponseTimes] = {}
    for request in rows:
        by_partner.setdefault(request.partner_id, ResponseTimes(partner=request.partner)).add(
            request, today
        )
        total.add(request, today)
    return total, list(by_partner.values())
