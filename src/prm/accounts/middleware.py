"""'View as partner': staff see the portal exactly as one partner user sees it.

The impersonated user replaces ``request.user`` while the real one stays in
``request.impersonator``. Viewing as someone is read-only: any write other than ending the
session is refused, so support never changes a partner's data in its name.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from prm.accounts import impersonation


class ImpersonationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.impersonator = None
        target = impersonation.target_for(request)
        if target is not None:
            request.impersonator, request.user = request.user, target
            stop_url = reverse("accounts:impersonate_stop")
            if request.method not in {"GET", "HEAD", "OPTIONS"} and request.path != stop_url:
                messages.error(request, _("Viewing as a partner is read-only."))
                return redirect(request.META.get("HTTP_REFERER") or reverse("portal:home"))
        return self.get_response(request)
