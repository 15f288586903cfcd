from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        # E-mail addresses are matched regardless of case, unlike Django's default wording.
        "invalid_login": _(
            "The e-mail address or the password is not right. After several failed "
            "attempts, log-ins are paused for a while."
        ),
    }
