"""The back-office and portal navigation: each capability registers its entries when its
app loads, so the menus list exactly the capabilities that are built."""

from dataclasses import dataclass, field

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    key: str  # the URL namespace that marks the entry active
    name: object  # a lazy translated string
    url_name: str
    icon: str  # a bootstrap-icons name
    order: int = 100
    roles: frozenset[str] | None = field(default=None)  # None: every staff role
    # Portal entries are marked active by the view's ``section``; these sections count too.
    sections: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_items: dict[str, NavItem] = {}
_portal_items: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _items[item.key] = item


def register_portal(item: NavItem) -> None:
    """An entry of the portal's menu (``roles`` there are portal roles)."""
    _portal_items[item.key] = item


def items_for(role: str) -> list[NavItem]:
    return sorted(
        (i for i in _items.values() if i.roles is None or role in i.roles),
        key=lambda i: (i.order, i.key),
    )


def portal_items_for(role: str) -> list[NavItem]:
    return sorted(
        (i for i in _portal_items.values() if i.roles is None or role in i.roles),
        key=lambda i: (i.order, i.key),
    )
