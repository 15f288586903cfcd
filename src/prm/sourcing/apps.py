from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcingConfig(AppConfig):
    name = "prm.sourcing"
    verbose_name = _("Discovery and selection")

    def ready(self) -> None:
        from prm.core.navigation import NavItem, register

        register(
            NavItem("sourcing", _("Sourcing"), "sourcing:project_list", "binoculars", order=15)
        )
