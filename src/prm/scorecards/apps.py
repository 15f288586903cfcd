from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardsConfig(AppConfig):
    name = "prm.scorecards"
    verbose_name = _("Scorecards")

    def ready(self) -> None:
        from prm.core.navigation import NavItem, register, register_portal
        from prm.scorecards import receivers  # noqa: F401  (subscribes to events)

        register(
            NavItem("scorecards", _("Scorecards"), "scorecards:list", "clipboard-data", order=62)
        )
        register_portal(
            NavItem(
                "scorecards",
                _("Scorecard"),
                "scorecards:portal_home",
                "clipboard-data",
                order=110,
            )
        )
