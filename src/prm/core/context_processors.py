"""The navigation of the back office: one entry per capability that is built."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from prm.accounts.roles import Role


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff_role:
        return {}
    items = [
        {"name": _("Home"), "url": reverse("home"), "icon": "speedometer2", "key": "home"},
        {
            "name": _("Partners"),
            "url": reverse("partners:list"),
            "icon": "buildings",
            "key": "partners",
        },
        {"name": _("Imports"), "url": reverse("imports:index"), "icon": "upload", "key": "imports"},
        {
            "name": _("Audit log"),
            "url": reverse("audit:list"),
            "icon": "clock-history",
            "key": "audit",
        },
    ]
    if user.role == Role.ADMIN:
        items.append(
            {"name": _("Admin"), "url": reverse("admin:index"), "icon": "gear", "key": "admin"}
        )
    section = request.resolver_match.namespace if request.resolver_match else ""
    return {"nav_items": items, "nav_section": section or "home"}
