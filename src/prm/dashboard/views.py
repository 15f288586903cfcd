from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from prm.core.decorators import staff_required
from prm.dashboard import selectors


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The back office's home: the program at a glance. Partner users have theirs in the
    portal."""
    if request.user.is_authenticated and request.user.is_portal_role:
        return redirect("portal:home")
    return _staff_home(request)


@staff_required
def _staff_home(request: HttpRequest) -> HttpResponse:
    figures = selectors.program_figures(user=request.user)
    return render(request, "dashboard/home.html", figures)
