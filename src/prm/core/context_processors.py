from prm.core import navigation


def navigation_items(request):
    """The back-office menu for staff; the portal draws its own."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff_role:
        return {}
    match = request.resolver_match
    section = (match.namespace or match.url_name) if match else ""
    return {"nav_items": navigation.items_for(user.role), "nav_section": section}
