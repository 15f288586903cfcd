"""The signed-in user's own API tokens: list, create (the token is shown once), revoke.

Tokens are the user's credentials for the API and act with the user's permissions; the
access layer decides who may create and revoke them (``ApiToken.access_policy``).
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from prm.accounts import services
from prm.accounts.models import ApiToken, User
from prm.core import access
from prm.core.access import Action
from prm.core.errors import BusinessError

MAX_DAYS = 3650


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("What the token is for, e.g. “ERP sync”."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Scope"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
    )
    days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"),
        min_value=1,
        max_value=MAX_DAYS,
        initial=settings.API_TOKEN_DAYS,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["class"] = "form-control"
        self.fields["days"].widget.attrs["class"] = "form-control"
        self.fields["scope"].widget.attrs["class"] = "form-check-input"


def may_manage_tokens(request: HttpRequest) -> bool:
    """Whether the user may create and revoke their tokens here (not while viewing as a
    partner, and only for roles the access layer lets change anything of their own)."""
    user = request.user
    role = access.role_of(user)
    if role is None or getattr(request, "impersonator", None) is not None:
        return False
    return access.policy_of(ApiToken).filter(user, role, Action.ADD) is not None


def _own_tokens(user: User):
    return access.scope(user, ApiToken).filter(user=user).order_by("-created_at", "-id")


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    can_manage = may_manage_tokens(request)
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                _token, new_token = services.token_create(
                    actor=request.user,
                    user=request.user,
                    name=form.cleaned_data["name"],
                    scope=form.cleaned_data["scope"],
                    days=form.cleaned_data["days"],
                )
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                # Rendered, not redirected: the raw token is never stored, not even in the
                # session, so this page is the only place it is ever shown.
                form = TokenForm()
    context = {
        "tokens": _own_tokens(request.user),
        "form": form,
        "new_token": new_token,
        "can_manage": can_manage,
    }
    return render(request, "accounts/tokens.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    own = ApiToken.objects.filter(user=request.user)
    token = access.get_object(request.user, own, Action.CHANGE, pk=token_id)
    if not may_manage_tokens(request):
        raise PermissionDenied
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token %(prefix)s… is revoked.") % {"prefix": token.prefix})
    return redirect("accounts:tokens")
