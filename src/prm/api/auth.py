"""Bearer-token authentication for the API; also accepts a signed-in browser session.

A request that shows a bearer token is judged by that token alone: a wrong, expired or
revoked one answers 401 at once, and a read-only token refuses writes with 403.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import HttpBearer, SessionAuth

from prm.accounts.models import ApiToken, hash_token
from prm.audit import context
from prm.audit.context import Channel
from prm.core import access

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# How stale "last used" may get: saves a write on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


def _bind(request, user, channel: str):
    request.user = user
    # Changes made by this request are the token user's, through the API.
    context.bind(user, channel)
    return user


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        token = token.strip()
        found = (
            access.unrestricted(ApiToken)
            .select_related("user")
            .filter(token_hash=hash_token(token))
            .first()
            if token
            else None
        )
        if found is None or not found.is_valid or not found.user.is_active:
            raise AuthenticationError
        if request.method not in SAFE_METHODS and found.scope != ApiToken.Scope.WRITE:
            raise AuthorizationError(403, _("This API token may only read."))
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_PRECISION:
            # A single-row save: "last used" is bookkeeping the audit log leaves out.
            found.last_used_at = now
            found.save(update_fields=["last_used_at"])
        request.api_token = found
        return _bind(request, found.user, Channel.API)


class BrowserSessionAuth(SessionAuth):
    """The interactive docs and the UI's own scripts call the API with the session cookie.

    Writes need the CSRF token; 'view as partner' sessions are not let in (they are
    read-only and the API would attribute changes to the partner user).
    """

    def __call__(self, request):
        # Without a signed-in session there is nothing to protect: answer 401, not a CSRF 403.
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None or getattr(request, "impersonator", None) is not None:
            return None
        return _bind(request, user, Channel.API)
