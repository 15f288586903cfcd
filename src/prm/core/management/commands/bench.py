"""``prm bench partners``: server time of the partner list page and of the partner API.

``prm bench conflicts`` and ``prm bench leads``: see ``prm.sales.bench`` and
``prm.leads.bench``; ``prm bench lifecycle``: see ``prm.contracts.bench``.

Run it against a throwaway database (``make bench`` does): it adds benchmark data.
"""

import statistics
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from prm.accounts import services as account_services
from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.audit.context import Channel, acting
from prm.core import access
from prm.partners import bench as partner_bench
from prm.partners.models import Contact, Partner


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


class Command(BaseCommand):
    help = (
        "Benchmark the partner list page and GET /api/v1/partners (p50/p95, query counts); "
        "conflict checks (p50/p95, candidates scored); lead routing (assignments/second)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "scenario",
            choices=[
                "partners",
                "conflicts",
                "leads",
                "lifecycle",
                "dashboard",
                "risks",
                "scorecards",
            ],
        )
        parser.add_argument("--registrations", type=int, default=100_000)
        parser.add_argument("--leads", type=int, default=10_000)
        parser.add_argument("--partners", type=int, default=10_000)
        parser.add_argument("--contacts", type=int, default=50_000)
        parser.add_argument("--runs", type=int, default=50)
        parser.add_argument("--contracts", type=int, default=10_000)
        parser.add_argument("--search", default="소프트")
        parser.add_argument("--risks-per-partner", type=float, default=2.0)

    def handle(self, *args, **options):
        call_command("migrate", verbosity=0)
        if options["scenario"] == "scorecards":
            from prm.scorecards.bench import command as scorecards_command

            return scorecards_command(self, options)
        if options["scenario"] == "risks":
            from prm.risks.bench import command as risks_command

            return risks_command(self, options)
        if options["scenario"] == "dashboard":
            from prm.dashboard.bench import command as dashboard

            return dashboard(self, options)
        if options["scenario"] == "lifecycle":
            from prm.contracts.bench import command as lifecycle

            return lifecycle(self, options)
        if options["scenario"] != "partners":
            from prm.sales.bench import command

            return command(self, options)
        have = access.unrestricted(Partner).count()
        if have < options["partners"]:
            self.stdout.write(f"Building {options['partners'] - have} partners and contacts…")
            started = time.perf_counter()
            with acting(None, Channel.SYSTEM):
                partner_bench.build(
                    options["partners"] - have,
                    max(0, options["contacts"] - access.unrestricted(Contact).count()),
                )
            self.stdout.write(f"  built in {time.perf_counter() - started:.1f} s")
        admin = User.objects.filter(role=Role.ADMIN, is_active=True).first()
        if admin is None:
            admin = User.objects.create_user(email="bench-admin@example.com", role=Role.ADMIN)
        _token, raw = account_services.token_create(actor=None, user=admin, name="bench")
        browser = Client()
        browser.force_login(admin)
        api = Client(headers={"authorization": f"Bearer {raw}"})
        term = options["search"]
        cases = [
            ("partner list page", browser, f"/partners/?q={term}&stage=active"),
            ("GET /api/v1/partners", api, f"/api/v1/partners?q={term}&stage=active&page_size=50"),
        ]
        self.stdout.write(
            f"\n{connection.vendor}: {access.unrestricted(Partner).count()} partners, "
            f"{access.unrestricted(Contact).count()} contacts, {options['runs']} runs\n"
        )
        self.stdout.write("| case | p50 ms | p95 ms | queries (page 10 / 50 / 100) |")
        self.stdout.write("|---|---|---|---|")
        for label, client, url in cases:
            for _ in range(3):
                self._get(client, url)
            timings = []
            for _ in range(options["runs"]):
                started = time.perf_counter()
                self._get(client, url)
                timings.append((time.perf_counter() - started) * 1000)
            counts = [self._queries(client, url, size) for size in (10, 50, 100)]
            self.stdout.write(
                f"| {label} | {statistics.median(timings):.1f} | "
                f"{_percentile(timings, 0.95):.1f} | {' / '.join(map(str, counts))} |"
            )

    def _get(self, client: Client, url: str):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return response

    def _queries(self, client: Client, url: str, size: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            self._get(client, f"{url}&page_size={size}")
        return len(queries)
