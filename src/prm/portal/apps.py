from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "prm.portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from prm.core.navigation import NavItem, register_portal

        for item in (
            NavItem("home", _("Home"), "portal:home", "house", order=0),
            NavItem("profile", _("Company"), "portal:profile", "building", order=10),
            NavItem("contacts", _("Contacts"), "portal:contacts", "person-lines-fill", order=20),
            NavItem("users", _("Users"), "portal:users", "people", order=30),
            NavItem("documents", _("Documents"), "portal:documents", "file-earmark-text", order=40),
        ):
            register_portal(item)
