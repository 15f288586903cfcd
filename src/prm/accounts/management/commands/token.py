from django.core.management.base import BaseCommand, CommandError

from prm.accounts import services
from prm.accounts.models import ApiToken, User
from prm.audit.context import Channel, acting
from prm.core import access


class Command(BaseCommand):
    help = "API tokens: prm token create|list --email E, prm token revoke PREFIX"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="print a new token (shown once)")
        create.add_argument("--email", required=True)
        create.add_argument("--name", default="")
        create.add_argument("--scope", choices=ApiToken.Scope.values, default=ApiToken.Scope.WRITE)
        create.add_argument("--days", type=int, help="days until it expires")
        listing = sub.add_parser("list", help="a user's tokens")
        listing.add_argument("--email", required=True)
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")

    def _user(self, email: str) -> User:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(
                f"No user with the e-mail {email!r}; create one with prm create-user"
            )
        return user

    def handle(self, *args, **options):
        with acting(None, Channel.CLI):
            if options["action"] == "create":
                user = self._user(options["email"])
                _token, raw = services.token_create(
                    actor=None,
                    user=user,
                    name=options["name"],
                    scope=options["scope"],
                    days=options["days"],
                )
                self.stdout.write(raw)
            elif options["action"] == "list":
                user = self._user(options["email"])
                for token in access.unrestricted(ApiToken).filter(user=user):
                    state = (
                        "valid"
                        if token.is_valid
                        else ("revoked" if token.revoked_at else "expired")
                    )
                    self.stdout.write(
                        f"{token.prefix}…  {token.scope:5}  {state:7}  "
                        f"expires {token.expires_at:%Y-%m-%d}  {token.name}"
                    )
            else:
                tokens = list(access.unrestricted(ApiToken).filter(prefix=options["prefix"]))
                if len(tokens) != 1:
                    raise CommandError(f"No single token with the prefix {options['prefix']!r}")
                services.token_revoke(actor=None, token=tokens[0])
                self.stdout.write(f"Revoked {tokens[0].prefix}…")
