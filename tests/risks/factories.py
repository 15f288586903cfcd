"""Small builders for the risk tests."""

from __future__ import annotations

from prm.core import access
from prm.risks import services
from prm.risks.models import MitigationAction, Risk


def raise_risk(actor, partner, **fields) -> Risk:
    fields.setdefault("category_code", "operational")
    fields.setdefault("title", "Single source for castings")
    return services.risk_raise(actor=actor, partner=partner, **fields)


def reload(obj):
    return access.unrestricted(type(obj)).get(pk=obj.pk)


def add_action(actor, risk, **data) -> MitigationAction:
    data.setdefault("title", "Qualify a second supplier")
    return services.action_create(actor=actor, risk=risk, data=data)
