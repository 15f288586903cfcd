from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "prm.sales"
    verbose_name = _("Co-selling")

    def ready(self) -> None:
        from prm.core.navigation import NavItem, register

        register(NavItem("sales", _("Deals"), "sales:list", "briefcase", order=40))
