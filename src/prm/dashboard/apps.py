from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "prm.dashboard"
    verbose_name = _("Dashboard")

    def ready(self) -> None:
        from prm.accounts.roles import Role
        from prm.core.navigation import NavItem, register

        register(NavItem("home", _("Home"), "home", "speedometer2", order=0))
        register(
            NavItem(
                "admin",
                _("Admin"),
                "admin:index",
                "gear",
                order=1000,
                roles=frozenset({Role.ADMIN}),
            )
        )
