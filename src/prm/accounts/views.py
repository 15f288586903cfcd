from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prm.accounts import impersonation
from prm.core.errors import BusinessError


@login_required
def after_login(request):
    """Staff land in the back office, partner users in the portal."""
    return redirect("home" if request.user.is_staff_role else "portal:home")


@require_POST
@login_required
def impersonate_start(request, user_id: int):
    try:
        target = impersonation.impersonation_start(
            actor=request.user, request=request, target_id=user_id
        )
    except BusinessError as exc:
        messages.error(request, exc.message)
        return redirect("home")
    messages.info(request, _("You are viewing the portal as %(user)s.") % {"user": target.email})
    return redirect("portal:home")


@require_POST
def impersonate_stop(request):
    partner_id = request.user.partner_id if request.user.is_authenticated else None
    impersonation.impersonation_stop(request=request)
    if partner_id:
        return redirect("partners:detail", pk=partner_id)
    return redirect("home")
