from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "prm.risks"
    verbose_name = _("Risks")

    def ready(self) -> None:
        from prm.core.navigation import NavItem, register
        from prm.risks import engine

        register(NavItem("risks", _("Risks"), "risks:overview", "shield-exclamation", order=72))
        engine.connect()
