"""Bearer-token authentication for the API; also accepts a signed-in browser session."""

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from prm.accounts.models import ApiToken, hash_token
from prm.audit import context
from prm.audit.context import Channel
from prm.core import access


def _bind(request, user, channel: str):
    request.user = user
    # Changes made by this request are the token user's, through the API.
    context.bind(user, channel)
    return user


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        if not token:
            return None
        found = (
            access.unrestricted(ApiToken)
            .select_related("user")
            .filter(token_hash=hash_token(token))
            .first()
        )
        if found is None or not found.is_valid or not found.user.is_active:
            return None
        if request.method not in {"GET", "HEAD", "OPTIONS"} and found.scope != ApiToken.Scope.WRITE:
            return None
        access.unrestricted(ApiToken).filter(pk=found.pk).update(last_used_at=timezone.now())
        request.api_token = found
        return _bind(request, found.user, Channel.API)


class BrowserSessionAuth(SessionAuth):
    """The interactive docs and the UI's own scripts call the API with the session cookie."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None or getattr(request, "impersonator", None) is not None:
            return None
        return _bind(request, user, Channel.API)
