from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CorrectiveActionsConfig(AppConfig):
    name = "prm.corrective_actions"
    verbose_name = _("Corrective actions")

    def ready(self) -> None:
        from prm.core.navigation import NavItem, register, register_portal

        register(
            NavItem(
                "corrective_actions",
                _("Corrective actions"),
                "corrective_actions:list",
                "clipboard-check",
                order=75,
            )
        )
        register_portal(
            NavItem(
                "corrective_actions",
                _("Corrective actions"),
                "corrective_actions:portal_list",
                "clipboard-check",
                order=150,
            )
        )
