from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TiersConfig(AppConfig):
    name = "prm.tiers"
    verbose_name = _("Tier program")

    def ready(self) -> None:
        from prm.core.events import subscribe
        from prm.core.navigation import NavItem, register, register_portal
        from prm.tiers import services

        register(NavItem("tiers", _("Tier program"), "tiers:program", "award", order=75))
        register_portal(
            NavItem(
                "performance",
                _("Performance"),
                "tiers:portal_dashboard",
                "graph-up",
                order=105,
                sections=("performance",),
            )
        )
        register_portal(
            NavItem("tier", _("My tier"), "tiers:portal", "award", order=110, sections=("tier",))
        )
        subscribe("scorecard.tier_review_proposed")(services.on_tier_review_proposed)
