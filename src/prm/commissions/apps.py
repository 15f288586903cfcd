from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommissionsConfig(AppConfig):
    name = "prm.commissions"
    verbose_name = _("Commissions")

    def ready(self) -> None:
        from prm.core.navigation import NavItem, register, register_portal

        register(
            NavItem(
                "commissions",
                _("Commissions"),
                "commissions:statement_list",
                "cash-coin",
                order=60,
            )
        )
        register_portal(
            NavItem(
                "commissions", _("Commissions"), "commissions:portal_list", "cash-coin", order=80
            )
        )
