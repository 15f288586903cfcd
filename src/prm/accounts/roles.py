from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    PARTNER_MANAGER = "partner_manager", _("Partner manager")
    ANALYST = "analyst", _("Analyst")
    PARTNER_ADMIN = "partner_admin", _("Partner admin")
    PARTNER_USER = "partner_user", _("Partner user")


STAFF_ROLES = frozenset({Role.ADMIN, Role.PARTNER_MANAGER, Role.ANALYST})
PORTAL_ROLES = frozenset({Role.PARTNER_ADMIN, Role.PARTNER_USER})
