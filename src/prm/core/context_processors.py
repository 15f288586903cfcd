from prm.accounts.roles import Role
from prm.core import navigation


def navigation_items(request):
    """The menu: the back office's for staff, the portal's for partner users."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not user.is_staff_role:
        return {"portal_nav_items": navigation.portal_items_for(user.role)}
    match = request.resolver_match
    section = (match.namespace or match.url_name) if match else ""
    return {
        "nav_items": navigation.items_for(user.role),
        "nav_section": section,
        # Staff viewing the portal as a partner see the portal's whole menu.
        "portal_nav_items": navigation.portal_items_for(Role.PARTNER_ADMIN),
    }
