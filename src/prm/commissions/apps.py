from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommissionsConfig(AppConfig):
    name = "prm.commissions"
    verbose_name = _("Commissions")

    def ready(self) -> None:
        from prm.core.navigation import NavItem, register

        register(
            NavItem(
                "commissions",
                _("Commissions"),
                "commissions:statement_list",
                "cash-coin",
                order=60,
            )
        )
