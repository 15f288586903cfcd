"""Notifications of scorecards: a standing reached, a dispute opened or answered.

In-app and by e-mail through ``prm.notifications``; each text is rendered in the
recipient's language.
"""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.core import access
from prm.notifications.services import Message, notify, notify_all
from prm.partners.models import Partner
from prm.scorecards.models import Dispute, ScorecardResult, Standing


def _partner_users(partner_ids) -> dict[int, list[User]]:
    found = defaultdict(list)
    for user in access.unrestricted(User).filter(partner_id__in=list(partner_ids), is_active=True):
        found[user.partner_id].append(user)
    return found


def _owners(partner_ids) -> dict[int, User]:
    rows = access.unrestricted(Partner).filter(pk__in=list(partner_ids)).select_related("owner")
    return {p.pk: p.owner for p in rows.only("id", "name", "owner")}


def _names(partner_ids) -> dict[int, str]:
    return dict(
        access.unrestricted(Partner).filter(pk__in=list(partner_ids)).values_list("pk", "name")
    )


def standing_reached(results: list[ScorecardResult]) -> None:
    """Tell the partner's users and its owner the standing its scorecard reached."""
    ids = {r.partner_id for r in results}
    users, owners, names = _partner_users(ids), _owners(ids), _names(ids)
    messages = []
    for result in results:
        recipients = users.get(result.partner_id, [])
        owner = owners.get(result.partner_id)
        if not recipients and owner is None:
            continue
        standing = Standing(result.standing)
        period = result.period.label
        name = names.get(result.partner_id, "")

        def title(standing=standing, period=period):
            return gettext("Scorecard %(period)s: %(standing)s") % {
                "period": period,
                "standing": standing.label,
            }

        def body(result=result, name=name, period=period, standing=standing):
            score = "—" if result.score is None else f"{result.score}"
            return gettext("%(partner)s scored %(score)s in %(period)s, standing %(standing)s.") % {
                "partner": name,
                "score": score,
                "period": period,
                "standing": standing.label,
            }

        if recipients:
            url = reverse("scorecards:portal_detail", args=[result.pk])
            messages.append(Message(recipients, title, body, url))
        if owner is not None:
            url = reverse("scorecards:result_detail", args=[result.pk])
            messages.append(Message([owner], title, body, url))
    notify_all(messages)


def _staff_for(dispute: Dispute) -> list[User]:
    partner = dispute.result.partner
    if partner.owner_id:
        return [partner.owner]
    return list(User.objects.filter(role=Role.ADMIN, is_active=True))


def dispute_opened(dispute: Dispute) -> None:
    partner = dispute.result.partner.name
    period = dispute.result.period.label
    notify(
        _staff_for(dispute),
        title=lambda: (
            gettext("%(partner)s disputes its scorecard %(period)s")
            % {"partner": partner, "period": period}
        ),
        url=reverse("scorecards:dispute_detail", args=[dispute.pk]),
    )


def dispute_replied(dispute: Dispute, *, by_staff: bool) -> None:
    period = dispute.result.period.label
    partner = dispute.result.partner
    if by_staff:
        recipients = _partner_users([partner.pk]).get(partner.pk, [])
        url = reverse("scorecards:portal_dispute", args=[dispute.pk])
    else:
        recipients = _staff_for(dispute)
        url = reverse("scorecards:dispute_detail", args=[dispute.pk])
    status = dispute.get_status_display
    notify(
        recipients,
        title=lambda: (
            gettext("Dispute about the scorecard %(period)s: %(status)s")
            % {"period": period, "status": status()}
        ),
        url=url,
    )
