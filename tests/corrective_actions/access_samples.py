"""Samples of the corrective action models for the generated access tests (tests/access)."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone

from tests.access.samples import Side, document, generic


def corrective_request(model: type[models.Model], side: Side) -> models.Model:
    # Sent, so that the partner's own users see it (drafts stay with staff).
    return model.objects.create(
        partner=side.partner,
        title=side.text(model, 200),
        description=side.text(model),
        due_on=timezone.localdate() + datetime.timedelta(days=14),
        status="sent",
        sent_at=timezone.now(),
        requested_by=side.staff,
    )


def evidence(model: type[models.Model], side: Side) -> models.Model:
    from prm.corrective_actions.models import CorrectiveActionRequest
    from prm.partners.models import Document

    # A document of its own: the side's sample document belongs to a compliance submission.
    return model.objects.create(
        request=side.sample(CorrectiveActionRequest),
        document=document(Document, side),
        uploaded_by=side.portal_user,
    )


FACTORIES = {
    "corrective_actions.CorrectiveActionRequest": corrective_request,
    "corrective_actions.RequestStep": generic,
    "corrective_actions.Evidence": evidence,
}

_MODEL = "corrective_actions.CorrectiveActionRequest"
PARAM_MODELS = {
    **{
        (f"corrective_actions:{name}", "request_id"): _MODEL
        for name in (
            "detail",
            "edit",
            "delete",
            "send",
            "accept",
            "return",
            "cancel",
            "portal_detail",
            "portal_answer",
            "portal_evidence",
        )
    },
    **{
        (f"{method} /api/v1/corrective-actions/{{request_id}}{suffix}", "request_id"): _MODEL
        for method, suffix in (
            ("GET", ""),
            ("PATCH", ""),
            ("DELETE", ""),
            ("POST", "/send"),
            ("POST", "/answer"),
            ("POST", "/evidence"),
            ("POST", "/accept"),
            ("POST", "/return"),
            ("POST", "/cancel"),
        )
    },
}
