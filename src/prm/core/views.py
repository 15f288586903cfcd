from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from prm.core.errors import BusinessError


@require_GET
def healthz(request):
    """200 with the database status when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        return JsonResponse(
            {"status": "error", "database": {"status": "down", "error": exc.__class__.__name__}},
            status=503,
        )
    return JsonResponse({"status": "ok", "database": {"status": "up", "vendor": connection.vendor}})


def perform(
    request: HttpRequest,
    call: Callable[[], Any],
    *,
    success: str | Callable[[Any], str],
    then: Any,
    failed: Any = None,
    refuse: bool = False,
) -> HttpResponseRedirect:
    """Run the service call of a POST view, tell the user how it went, and redirect.

    ``success`` is the message shown when ``call`` returns, or a function of what it returned
    that gives the message. A ``BusinessError`` shows its own message instead. The user goes to
    ``then`` on success and to ``failed`` (``then`` when not given) on an error; both take
    anything ``redirect`` does: a model instance, a URL or a URL name without arguments.
    With ``refuse``, an error with status 403 is a refusal: the 403 page, not a message.
    """
    try:
        result = call()
    except BusinessError as exc:
        if refuse and exc.status == 403:
            raise PermissionDenied(str(exc.message)) from exc
        messages.error(request, exc.message)
        return redirect(then if failed is None else failed)
    messages.success(request, success(result) if callable(success) else success)
    return redirect(then)
