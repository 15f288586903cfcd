from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReviewsConfig(AppConfig):
    name = "prm.reviews"
    verbose_name = _("Periodic reviews")

    def ready(self) -> None:
        from prm.core.navigation import NavItem, register, register_portal

        register(
            NavItem(
                "reviews",
                pgettext_lazy("periodic review", "Reviews"),
                "reviews:list",
                "journal-check",
                order=64,
            )
        )
        register_portal(
            NavItem(
                "reviews",
                pgettext_lazy("periodic review", "Reviews"),
                "reviews:portal_list",
                "journal-check",
                order=120,
                sections=("reviews",),
            )
        )
