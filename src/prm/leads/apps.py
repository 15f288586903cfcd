from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "prm.leads"
    verbose_name = _("Leads")

    def ready(self) -> None:
        from prm.core.navigation import NavItem, register, register_portal

        register(NavItem("leads", _("Leads"), "leads:list", "bullseye", order=35))
        register_portal(NavItem("leads", _("Leads"), "leads:portal_inbox", "bullseye", order=70))
