"""Loads and removes the demo program: a believable partner registry with its people,
papers, history and a log-in for every role.

``seed_demo`` plans the program in memory (:mod:`prm.demo.planning`), then writes it
(:mod:`prm.demo.writing`) inside one transaction, attributed to the system in the audit log.
Demo rows are marked so that they can be found again: partners by an ``external_id``
starting with ``demo:``, users by an e-mail address at ``demo.prm``.
"""

from __future__ import annotations

import datetime
import importlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.files.storage import default_storage
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.audit.context import Channel, acting
from prm.core import access
from prm.demo import datasets
from prm.demo.planning import DEMO_PREFIX, Planner, plan
from prm.demo.writing import Writer
from prm.partners.models import Contact, Document, Partner

REAL_PREFIXES = (f"{DEMO_PREFIX}northwind:", f"{DEMO_PREFIX}aw-")
DEMO_EMAIL_DOMAIN = "demo.prm"
DEMO_PASSWORD = "prm-demo-1234"  # noqa: S105 - published on purpose: it is the demo's log-in
DEFAULT_PARTNERS = 200
DEFAULT_SEED = 2024
MIN_PARTNERS, MAX_PARTNERS = 20, 1000

ROLE_ORDER = [Role.ADMIN, Role.PARTNER_MANAGER, Role.ANALYST, Role.PARTNER_ADMIN, Role.PARTNER_USER]

STAFF = (
    ("admin", Role.ADMIN, "이서연"),
    ("manager", Role.PARTNER_MANAGER, "김민준"),
    ("manager2", Role.PARTNER_MANAGER, "박지은"),
    ("analyst", Role.ANALYST, "최도윤"),
)


class DemoError(Exception):
    """Why the demo data cannot be loaded, and what to do about it."""


@dataclass(frozen=True)
class Login:
    email: str
    role: str
    partner: str = ""


@dataclass
class SeedReport:
    partners: int = 0
    contacts: int = 0
    documents: int = 0
    interactions: int = 0
    capabilities: dict[str, str] = field(default_factory=dict)  # app → what its demo made
    removed: int = 0
    seconds: float = 0.0
    logins: list[Login] = field(default_factory=list)
    datasets_dir: Path | None = None
    real_companies: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class DemoContext:
    """What a capability's demo step gets: the program written so far.

    ``companies`` are the planned companies (``company.partner`` is the saved partner,
    ``company.portal`` its portal log-in keys), ``contacts`` maps a partner id to its
    contacts, ``staff`` maps "admin", "manager", "manager2" and "analyst" to their users.
    """

    rng: random.Random
    today: datetime.date
    staff: dict[str, User]
    managers: list[User]
    companies: list
    contacts: dict[int, list[Contact]]
    log: Callable[[str], None]


# A capability adds demo data with a module ``prm.<app>.demo`` holding
# ``seed(ctx: DemoContext) -> str`` (it returns a one-line summary) and, when it makes rows
# that deleting the demo partners does not remove, ``wipe() -> None``. They run in this order,
# each after the ones it builds on.
CAPABILITY_DEMOS = (
    "sourcing",
    "onboarding",
    "contracts",
    "sales",
    "leads",
    "commissions",
    "metrics",
    "scorecards",
    "tiers",
    "reviews",
    "risks",
    "corrective_actions",
)


def capability_demos() -> list[tuple[str, object]]:
    """The demo modules of the capabilities that have one, in :data:`CAPABILITY_DEMOS` order."""
    modules = []
    for app in CAPABILITY_DEMOS:
        try:
            modules.append((app, importlib.import_module(f"prm.{app}.demo")))
        except ModuleNotFoundError as exc:
            if exc.name != f"prm.{app}.demo":
                raise
    return modules


def quiet_mail():
    """Send the e-mail written inside it nowhere."""
    return override_settings(
        MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
    )


# Reading and wiping what is there ------------------------------------------------------


def demo_partners():
    return access.unrestricted(Partner).filter(external_id__startswith=DEMO_PREFIX)


def demo_users():
    return User.objects.filter(email__iendswith=f"@{DEMO_EMAIL_DOMAIN}")


def demo_logins() -> list[Login]:
    """The demo log-ins present in the database, staff first."""
    users = demo_users().filter(is_active=True).select_related("partner")
    return sort_logins([Login(u.email, u.role, u.partner.name if u.partner else "") for u in users])


def sort_logins(logins: list[Login]) -> list[Login]:
    """Staff by role, then the portal log-ins partner by partner, admins first."""
    return sorted(
        logins,
        key=lambda login: (
            bool(login.partner),
            login.partner,
            ROLE_ORDER.index(login.role),
            login.email.split("@")[0],
        ),
    )


def wipe() -> int:
    """Remove the demo partners (with their contacts, documents, interactions and portal
    users) and the demo staff users; returns how many partners went. Other data stays."""
    for _app, module in reversed(capability_demos()):
        if hasattr(module, "wipe"):
            module.wipe()
    partners = demo_partners()
    stored = list(
        access.unrestricted(Document).filter(partner__in=partners).values_list("file", flat=True)
    )
    count = partners.count()
    partners.delete()
    demo_users().delete()

    def remove_files() -> None:
        for name in stored:
            default_storage.delete(name)

    transaction.on_commit(remove_files)
    return count


def _user(email: str, role: str, name: str, password_hash: str, partner=None) -> User:
    """A demo log-in. The password is hashed once for all of them (Argon2 is slow on
    purpose), so the user is saved, and audited, in one go rather than through
    ``user_create``, whose rules (portal roles need a partner, staff have none, one user
    per e-mail) the database enforces too."""
    user = User(email=email, role=role, partner=partner, first_name=name, password=password_hash)
    user.save()
    return user


# The entry point ------------------------------------------------------------------------


def _check_allowed(partners: int, reset: bool) -> None:
    if not MIN_PARTNERS <= partners <= MAX_PARTNERS:
        raise DemoError(
            f"--partners must be between {MIN_PARTNERS} and {MAX_PARTNERS} (got {partners})."
        )
    others = access.unrestricted(Partner).exclude(external_id__startswith=DEMO_PREFIX).count()
    if others:
        raise DemoError(
            f"The database holds {others} partner(s) that are not demo data; the demo is only "
            "loaded into a registry without real partners. Use a separate database, e.g. "
            "PRM_VAR_DIR=/tmp/prm-demo prm demo."
        )
    if not reset and (demo_partners().exists() or demo_users().exists()):
        raise DemoError(
            "Demo data is already loaded; nothing was changed. "
            "Run prm seed-demo --reset to remove it and load it again."
        )
    validate_password(DEMO_PASSWORD)


def _real_companies(report: SeedReport):
    root = report.datasets_dir
    suppliers = datasets.northwind_suppliers(root)
    vendors = datasets.adventureworks_vendors(root)
    resellers = datasets.adventureworks_resellers(root)
    if not (suppliers or vendors or resellers):
        report.notes.append(
            f"The sample data sets were not found in {root}; the demo uses invented "
            "companies only. Set PRM_DATASETS_DIR to the folder holding northwind/ and "
            "adventureworks-*/ to include the real suppliers and resellers."
        )
    return suppliers, vendors, resellers


def seed_demo(
    *,
    partners: int = DEFAULT_PARTNERS,
    seed: int = DEFAULT_SEED,
    reset: bool = False,
    log: Callable[[str], None] = lambda message: None,
) -> SeedReport:
    """Load the demo program. Refused when demo data is already there (unless ``reset``,
    which removes it first) and when the registry holds partners that are not demo data:
    the demo never mixes with real records."""
    _check_allowed(partners, reset)
    started = time.monotonic()
    report = SeedReport(datasets_dir=datasets.datasets_dir())
    suppliers, vendors, resellers = _real_companies(report)
    rng = random.Random(seed)
    today = timezone.localdate()
    writer = Writer(rng, today)
    try:
        # The demo's people get no e-mail for what the demo writes (invitations, reminders).
        with quiet_mail(), transaction.atomic(), acting(None, Channel.SYSTEM):
            if reset:
                report.removed = wipe()
                if report.removed:
                    log(f"Removed the previous demo data ({report.removed} partners).")
            password_hash = make_password(DEMO_PASSWORD)
            log("Staff users")
            staff = {
                key: _user(f"{key}@{DEMO_EMAIL_DOMAIN}", role, name, password_hash)
                for key, role, name in STAFF
            }
            managers = [staff["manager"], staff["manager2"]]
            planner = Planner(rng, managers)
            companies = plan(planner, partners, suppliers, vendors, resellers)
            report.real_companies = sum(1 for c in companies if c.key.startswith(REAL_PREFIXES))

            log(f"Partners ({len(companies)})")
            writer.partners(companies)
            report.partners = len(companies)
            contacts = writer.contacts(companies)
            report.contacts = sum(len(c) for c in contacts.values())
            log(f"Contacts ({report.contacts})")
            portal = _portal_users(companies, contacts, password_hash)
            report.documents = writer.documents(companies)
            log(f"Documents ({report.documents})")
            report.interactions = writer.interactions(companies, contacts, managers)
            log(f"Interactions ({report.interactions})")
            context = DemoContext(rng, today, staff, managers, companies, contacts, log)
            for app, module in capability_demos():
                report.capabilities[app] = module.seed(context)
                log(f"{app}: {report.capabilities[app]}")
    except BaseException:
        writer.discard_files()
        raise
    report.logins = sort_logins([Login(u.email, u.role) for u in staff.values()] + portal)
    report.seconds = time.monotonic() - started
    return report


def _portal_users(companies, contacts, password_hash) -> list[Login]:
    """Portal log-ins for a few active partners, named after their first contacts."""
    logins = []
    roles = {"admin": Role.PARTNER_ADMIN, "user": Role.PARTNER_USER}
    for company in companies:
        people = contacts.get(company.partner.pk, [])
        for index, key in enumerate(company.portal):
            contact = people[index] if index < len(people) else None
            email = f"{company.slug}.{key}@{DEMO_EMAIL_DOMAIN}"
            _user(
                email, roles[key], contact.name if contact else "", password_hash, company.partner
            )
            if contact:
                access.unrestricted(Contact).filter(pk=contact.pk).update(portal_access=True)
            logins.append(Login(email, roles[key], company.partner.name))
    return logins
