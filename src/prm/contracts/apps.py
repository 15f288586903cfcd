from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "prm.contracts"
    verbose_name = _("Contracts")

    def ready(self) -> None:
        from prm.contracts import receivers  # noqa: F401  (keeps compliance status fresh)
        from prm.core.navigation import NavItem, register, register_portal

        register(
            NavItem("contracts", _("Contracts"), "contracts:list", "file-earmark-text", order=30)
        )
        register_portal(
            NavItem(
                "contracts",
                _("Contracts"),
                "contracts:portal_list",
                "file-earmark-check",
                order=50,
                sections=("compliance",),
            )
        )
