"""Keeps the stored compliance status (:class:`PartnerCompliance`) fresh when what it is
derived from changes outside the compliance services: a partner's types, a requirement, a
submission deleted with its document."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from prm.contracts import compliance
from prm.contracts.models import ComplianceRequirement, ComplianceSubmission
from prm.partners.models import Partner

PartnerTypes = Partner.types.through


@receiver(m2m_changed, sender=PartnerTypes, dispatch_uid="contracts.compliance.types")
def _types_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        compliance.refresh([instance.pk])
    elif pk_set:
        compliance.refresh(pk_set)
    else:
        compliance.refresh(None)


def _partners_of_type(type_code: str) -> list[int]:
    return list(
        PartnerTypes.objects.filter(partnertype_id=type_code).values_list("partner_id", flat=True)
    )


@receiver(post_save, sender=ComplianceRequirement, dispatch_uid="contracts.compliance.req_save")
@receiver(post_delete, sender=ComplianceRequirement, dispatch_uid="contracts.compliance.req_delete")
def _requirement_changed(sender, instance, **kwargs) -> None:
    compliance.refresh(_partners_of_type(instance.partner_type_id))


@receiver(post_delete, sender=ComplianceSubmission, dispatch_uid="contracts.compliance.sub_del")
def _submission_deleted(sender, instance, **kwargs) -> None:
    # After the commit: the partner itself may be going (its deletion cascades here), and
    # refresh() skips partners that no longer exist.
    partner_id = instance.partner_id
    transaction.on_commit(lambda: compliance.refresh([partner_id]))
