from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "prm.imports"
    verbose_name = _("Imports")

    def ready(self) -> None:
        from prm.accounts.roles import Role
        from prm.core.navigation import NavItem, register

        # Each capability registers its entities in its own imports.py.
        autodiscover_modules("imports")
        register(
            NavItem(
                "imports",
                _("Import"),
                "imports:index",
                "upload",
                order=900,
                roles=frozenset({Role.ADMIN, Role.PARTNER_MANAGER}),
            )
        )
