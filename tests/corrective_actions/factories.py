"""Corrective action requests for the tests."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from prm.corrective_actions import services

ANSWER = {
    "root_cause": "Torque wrench out of calibration",
    "containment": "Quarantined 1,200 units; 100% re-inspection",
    "corrective_action": "Calibrated every wrench; weekly check added",
    "preventive_action": "Calibration schedule in the MES",
}


def make_request(actor, partner, **data):
    data.setdefault("title", "Loose fasteners on lot 2611")
    data.setdefault("description", "12 of 50 sampled units had loose M6 fasteners.")
    data.setdefault("severity", "major")
    data.setdefault("due_on", timezone.localdate() + timedelta(days=14))
    return services.request_create(actor=actor, partner=partner, data=data)


def sent_request(actor, partner, **data):
    return services.request_send(actor=actor, request=make_request(actor, partner, **data))


def pdf(name: str = "8d-report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%evidence\n", content_type="application/pdf")
