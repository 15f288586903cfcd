from django.core.management.base import BaseCommand, CommandError

from prm.accounts import services
from prm.accounts.roles import Role
from prm.audit.context import Channel, acting
from prm.core import access
from prm.core.errors import BusinessError
from prm.partners.models import Partner


class Command(BaseCommand):
    help = "Create a user: prm create-user --email E --role R [--partner NAME] [--password P]"

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--partner", help="partner name (portal roles)")
        parser.add_argument("--password", help="without it the user sets one by password reset")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args, **options):
        partner = None
        if options["partner"]:
            matches = list(access.unrestricted(Partner).filter(name=options["partner"])[:2])
            if not matches:
                matches = list(
                    access.unrestricted(Partner).filter(name__iexact=options["partner"])[:2]
                )
            if len(matches) != 1:
                raise CommandError(
                    f"{len(matches) or 'No'} partner(s) named {options['partner']!r}; "
                    "give the exact name"
                )
            partner = matches[0]
        with acting(None, Channel.CLI):
            try:
                user = services.user_create(
                    actor=None,
                    email=options["email"],
                    role=options["role"],
                    partner=partner,
                    password=options["password"],
                    first_name=options["first_name"],
                    last_name=options["last_name"],
                )
            except BusinessError as exc:
                raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"Created {user.email} ({user.role})")
