from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "prm.metrics"
    verbose_name = _("Metrics")

    def ready(self) -> None:
        from prm.core.navigation import NavItem, register, register_portal
        from prm.metrics import derivations, receivers  # noqa: F401  (registers them)

        register(NavItem("metrics", _("Metrics"), "metrics:list", "graph-up-arrow", order=61))
        register_portal(
            NavItem("metrics", _("My figures"), "metrics:portal", "graph-up", order=105)
        )
