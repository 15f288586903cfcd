from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "prm.onboarding"
    verbose_name = _("Onboarding")

    def ready(self) -> None:
        from prm.accounts.roles import Role
        from prm.core.navigation import NavItem, register, register_portal
        from prm.onboarding import receivers  # noqa: F401  (subscribes to events)

        register(
            NavItem(
                "onboarding",
                _("Onboarding"),
                "onboarding:applications",
                "person-plus",
                order=25,
                roles=frozenset({Role.ADMIN, Role.PARTNER_MANAGER, Role.ANALYST}),
            )
        )
        register_portal(
            NavItem("onboarding", _("Onboarding"), "onboarding:checklist", "list-check", order=90)
        )
