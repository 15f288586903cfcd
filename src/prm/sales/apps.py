from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "prm.sales"
    verbose_name = _("Co-selling")

    def ready(self) -> None:
        from prm.core.navigation import NavItem, register, register_portal

        register(NavItem("sales", _("Deals"), "sales:list", "briefcase", order=40))
        register_portal(NavItem("deals", _("Deals"), "sales:portal_list", "briefcase", order=60))
