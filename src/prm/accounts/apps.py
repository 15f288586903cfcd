from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "prm.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from prm.core.navigation import NavItem, register

        register(NavItem("accounts", _("API tokens"), "accounts:tokens", "key", order=950))
