"""Writes a planned demo program in a few bulk statements. Every row passes its model's own
field checks first (registration number check digit, phone number for its country, …);
the audit log records the inserts (the caller sets the actor and channel)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from datetime import time as clock

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from prm.accounts.models import User
from prm.core import access
from prm.demo import files, vocabulary
from prm.demo.planning import Company, ascii_fold
from prm.partners.lifecycle import Stage
from prm.partners.models import (
    Contact,
    Document,
    Interaction,
    Partner,
    Tag,
    Tier,
    document_path,
)
from prm.partners.names import name_key


class Writer:
    """Writes the planned program; every row passes its model's own field checks first."""

    def __init__(self, rng: random.Random, today: date):
        self.rng = rng
        self.today = today
        self.tiers = {t.code: t for t in Tier.objects.all()}
        self.stored_files: list[str] = []

    def partners(self, companies: list[Company]) -> None:
        for generation in (
            [c for c in companies if c.parent is None],
            [c for c in companies if c.parent is not None],
        ):
            objs = []
            for company in generation:
                partner = Partner(
                    name=company.name,
                    legal_name=company.legal_name,
                    registration_number=company.registration_number,
                    external_id=company.key,
                    tier=self.tiers.get(company.tier) if company.tier else None,
                    stage=company.stage,
                    country=company.country,
                    region=company.region,
                    industry=company.industry,
                    website=company.website,
                    domain=company.domain,
                    owner=company.owner,
                    parent=company.parent.partner if company.parent else None,
                    notes=company.notes,
                )
                partner.full_clean(
                    exclude=["tier", "owner", "parent"],
                    validate_unique=False,
                    validate_constraints=False,
                )
                # bulk_create skips Partner.save(), which keeps the search key.
                partner.name_key = name_key(partner.legal_name or partner.name) or name_key(
                    partner.name
                )
                objs.append(partner)
                company.partner = partner
            access.unrestricted(Partner).bulk_create(objs)
        self._backdate(Partner, [(c.partner, c.age_days) for c in companies])
        names = sorted({name for company in companies for name in company.tags})
        tags = {name: Tag.objects.get_or_create(name=name)[0] for name in names}
        for company in companies:
            company.partner.types.set(sorted(set(company.types)))
            if company.tags:
                company.partner.tags.set([tags[name] for name in company.tags])

    def _backdate(self, model, rows) -> None:
        """Give rows the dates of a program with a past: ``(object, age in days)``.

        Timestamps are not audited (prm.audit.recording.SKIPPED_FIELDS), so they are set
        through the base manager, which records nothing; the creation itself is audited."""
        now = timezone.now()
        objs = []
        for obj, age in rows:
            obj.created_at = now - timedelta(days=age, minutes=self.rng.randint(0, 600))
            obj.updated_at = obj.created_at + (now - obj.created_at) * self.rng.random()
            objs.append(obj)
        model._base_manager.bulk_update(objs, ["created_at", "updated_at"], batch_size=500)

    def contacts(self, companies: list[Company]) -> dict[int, list[Contact]]:
        objs = []
        for company in companies:
            for person in company.people:
                contact = Contact(
                    partner=company.partner,
                    name=person.name,
                    title=person.title,
                    email=person.email,
                    phone=person.phone,
                    roles=person.roles,
                )
                contact.full_clean(exclude=["partner"], validate_constraints=False)
                objs.append(contact)
        access.unrestricted(Contact).bulk_create(objs)
        by_partner: dict[int, list[Contact]] = {}
        for contact in objs:
            by_partner.setdefault(contact.partner_id, []).append(contact)
        return by_partner

    def documents(self, companies: list[Company]) -> int:
        objs, ages = [], []
        for company in companies:
            for kind, title, expires_on, content, extension in self._papers(company):
                document = Document(
                    partner=company.partner,
                    title=title,
                    kind=kind,
                    filename=f"{title}{extension}",
                    content_type="image/png" if extension == ".png" else "application/pdf",
                    size=len(content),
                    expires_on=expires_on,
                    uploaded_by=company.owner,
                )
                name = default_storage.save(
                    document_path(document, document.filename), ContentFile(content)
                )
                self.stored_files.append(name)
                document.file = name
                document.full_clean(exclude=["partner", "uploaded_by"], validate_constraints=False)
                objs.append(document)
                ages.append((document, self.rng.randint(0, company.age_days)))
        access.unrestricted(Document).bulk_create(objs)
        self._backdate(Document, ages)
        return len(objs)

    def _papers(self, company: Company):
        """(kind, title, expiry, content, extension) of a company's documents."""
        year = self.today.year - 1
        if company.korean:
            papers = [
                ("registration", "사업자등록증", False),
                ("certificate", "ISO 9001 인증서", True),
                ("insurance", "영업배상책임보험 증권", True),
                ("financial", f"{year}년 재무제표", False),
                ("agreement", "파트너 계약서", True),
                ("agreement", "비밀유지계약서(NDA)", True),
                ("presentation", "회사 소개서", False),
                ("other", "회사 로고", False),
            ]
        else:
            papers = [
                ("certificate", "ISO 9001 certificate", True),
                ("insurance", "Liability insurance certificate", True),
                ("financial", f"Financial statements {year}", False),
                ("agreement", "Partner agreement", True),
                ("agreement", "Non-disclosure agreement", True),
                ("presentation", "Company profile", False),
                ("other", "Company logo", False),
            ]
        low, high = {
            Stage.ACTIVE: (2, 4),
            Stage.SUSPENDED: (1, 3),
            Stage.ONBOARDING: (1, 3),
            Stage.APPLIED: (0, 2),
            Stage.CANDIDATE: (0, 2),
        }.get(company.stage, (0, 1))
        if company.portal:
            low, high = 5, 6
        count = self.rng.randint(low, high)
        chosen = papers[:1] if company.korean and count else []
        chosen += self.rng.sample(papers[len(chosen) :], count - len(chosen))
        # The portal's "expiring soon" list has something to show for the demo log-ins.
        due = [self._expiry(soon=True), self._expiry(expired=True)] if company.portal else []
        for kind, title, expires in chosen:
            expires_on = (due.pop(0) if due else self._expiry()) if expires else None
            if kind == "other":
                color = (self.rng.randint(20, 200), self.rng.randint(20, 200), 160)
                yield kind, title, expires_on, files.png(color), ".png"
            else:
                lines = [
                    "PRM demo document",
                    ascii_fold(title) or kind.title(),
                    company.name_en,
                    "Fictional sample data - not a real document.",
                ]
                yield kind, title, expires_on, files.pdf(lines), ".pdf"

    def _expiry(self, *, soon: bool = False, expired: bool = False) -> date:
        draw = self.rng.random()
        if expired or (draw < 0.15 and not soon):
            return self.today - timedelta(days=self.rng.randint(1, 180))
        if soon or draw < 0.30:
            return self.today + timedelta(days=self.rng.randint(3, 30))
        return self.today + timedelta(days=self.rng.randint(60, 900))

    def interactions(
        self, companies: list[Company], contacts: dict[int, list[Contact]], managers: list[User]
    ) -> int:
        kinds = [("call", 30), ("email", 30), ("meeting", 20), ("chat", 10), ("visit", 10)]
        objs = []
        for company in companies:
            low, high = {
                Stage.ACTIVE: (3, 8),
                Stage.SUSPENDED: (2, 4),
                Stage.ONBOARDING: (2, 5),
                Stage.APPLIED: (1, 3),
                Stage.CANDIDATE: (1, 3),
                Stage.OFFBOARDED: (1, 2),
            }.get(company.stage, (0, 2))
            people = contacts.get(company.partner.pk, [])
            for _n in range(self.rng.randint(low, high)):
                values, weights = zip(*kinds, strict=True)
                kind = self.rng.choices(values, weights=weights)[0]
                interaction = Interaction(
                    partner=company.partner,
                    kind=kind,
                    occurred_at=self._office_hours(company.age_days),
                    user=company.owner or self.rng.choice(managers),
                    contact=self.rng.choice(people) if people else None,
                    summary=self.rng.choice(vocabulary.INTERACTION_SUMMARIES[kind]),
                )
                interaction.full_clean(
                    exclude=["partner", "user", "contact"], validate_constraints=False
                )
                objs.append(interaction)
        access.unrestricted(Interaction).bulk_create(objs)
        return len(objs)

    def _office_hours(self, age_days: int) -> datetime:
        """A moment in office hours during the partner's life, before today."""
        day = self.today - timedelta(days=self.rng.randint(1, max(1, min(365, age_days))))
        moment = clock(self.rng.randint(9, 17), self.rng.choice((0, 15, 30, 45)))
        return timezone.make_aware(datetime.combine(day, moment))

    def discard_files(self) -> None:
        for name in self.stored_files:
            default_storage.delete(name)
