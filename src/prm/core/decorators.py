"""View decorators shared by the back-office apps."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404


def staff_required(view):
    """Back-office pages: anonymous users go to the log-in page; portal users get 404,
    because their data lives in the portal and the back office is not theirs to find."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff_role:
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapper)
