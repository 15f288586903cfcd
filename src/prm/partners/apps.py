from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "prm.partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from prm.core.navigation import NavItem, register

        register(NavItem("partners", _("Partners"), "partners:list", "buildings", order=10))
