"""The back office's home: the program dashboard, and the endpoint its charts poll.

The page draws its charts from the figures it carries; ``dashboard_data`` answers the same
figures as JSON. It is polled every few seconds with the ETag of the last answer: the ETag
is the newest audit entry id (every change writes one), the day, the user and the filters,
so an unchanged dashboard costs one indexed query and a 304. Figures are cached per ETag:
any change makes a new ETag, so the cache never serves figures older than the last change.
"""

import hashlib

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from prm.contracts import selectors as contract_selectors
from prm.core.decorators import staff_required
from prm.dashboard import selectors
from prm.dashboard.forms import DashboardFilterForm
from prm.onboarding import selectors as onboarding_selectors

POLL_SECONDS = 5
CACHE_SECONDS = 300  # safe: the key holds the change marker, so a change means a new key


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The back office's home: the program at a glance. Partner users have theirs in the
    portal."""
    if request.user.is_authenticated and request.user.is_portal_role:
        return redirect("portal:home")
    return _staff_home(request)


def _etag(request: HttpRequest, filters: selectors.Filters) -> str:
    raw = "|".join(
        [
            str(selectors.change_marker()),
            timezone.localdate().isoformat(),
            str(request.user.pk),
            translation.get_language() or "",
            filters.key(),
        ]
    )
    return hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()[:20]


def _figures(request: HttpRequest, filters: selectors.Filters, etag: str) -> dict:
    key = f"dashboard:{etag}"
    figures = cache.get(key)
    if figures is None:
        figures = selectors.program_figures(user=request.user, filters=filters)
        cache.set(key, figures, CACHE_SECONDS)
    return figures


@staff_required
def _staff_home(request: HttpRequest) -> HttpResponse:
    form = DashboardFilterForm(request.GET or None)
    filters = form.filters() if request.GET else selectors.Filters()
    etag = _etag(request, filters)
    figures = dict(_figures(request, filters, etag))
    # The lifecycle cards (contracts by deadline, onboarding under way), each scoped to the user.
    figures["deadlines"] = contract_selectors.upcoming_deadlines(user=request.user)
    figures["onboarding"] = onboarding_selectors.in_progress(user=request.user)
    figures.update(form=form, etag=etag, poll_seconds=POLL_SECONDS, query=request.GET.urlencode())
    return render(request, "dashboard/home.html", figures)


@staff_required
@require_GET
def data(request: HttpRequest) -> HttpResponse:
    """The dashboard's figures as JSON (``{"etag", "kpis", "charts"}``); 304 when nothing
    changed since the ETag sent in ``If-None-Match``."""
    filters = DashboardFilterForm(request.GET or None).filters()
    etag = _etag(request, filters)
    quoted = f'"{etag}"'
    if request.headers.get("If-None-Match") == quoted:
        response = HttpResponseNotModified()
        response["ETag"] = quoted
        return response
    figures = _figures(request, filters, etag)
    response = JsonResponse({"etag": etag, **figures})
    response["ETag"] = quoted
    response["Cache-Control"] = "private, no-cache"
    return response
