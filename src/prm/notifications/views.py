from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from prm.core import access
from prm.core.pagination import paginate
from prm.notifications import services
from prm.notifications.models import Notification


@login_required
def notification_list(request):
    rows = access.scope(request.user, Notification)
    page = paginate(request, rows, per_page=30)
    template = "notifications/list.html"
    base = "portal/base.html" if request.user.is_portal_role else "core/base.html"
    return render(request, template, {"page": page, "base_template": base})


@require_POST
@login_required
def notification_open(request, pk: int):
    """Mark a notification read and follow its link (only links inside PRM)."""
    note = services.notification_mark_read(
        actor=request.user, notification=access.get_object(request.user, Notification, pk=pk)
    )
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
        return redirect(note.url)
    return redirect("notifications:list")


@require_POST
@login_required
def notification_read_all(request):
    services.notifications_mark_all_read(actor=request.user)
    return redirect("notifications:list")
