"""Menu entries that domains register for themselves in their init_app().

Two places show them: the main menu in the header, and the tabs of an area (such as
"admin"). An entry is shown to signed-in people holding one of its roles (no roles:
everyone signed in), so no template names another domain's endpoints.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, url_for

MAIN = "main"


@dataclass(frozen=True)
class MenuEntry:
    endpoint: str
    label: object  # a lazy gettext string, translated when shown
    roles: tuple[str, ...] = ()
    area: str = MAIN  # "main", or the name of an area whose pages show tabs
    order: int = 50

    @property
    def url(self) -> str:
        return url_for(self.endpoint)

    def visible_to(self, user) -> bool:
        return user.is_authenticated and (not self.roles or user.has_any_role(*self.roles))


def add(app: Flask, *entries: MenuEntry) -> None:
    """Register entries; each must name an endpoint the app has (checked at start-up)."""
    registered = app.extensions.setdefault("menu", [])
    for entry in entries:
        registered.append(entry)
    registered.sort(key=lambda e: e.order)


def entries(area: str, user) -> list[MenuEntry]:
    """The entries of one area that this person may use, in order."""
    return [
        e for e in current_app.extensions.get("menu", ()) if e.area == area and e.visible_to(user)
    ]


def check(app: Flask) -> None:
    """Every entry leads to an existing page: a typo fails the start, not a click."""
    missing = [
        e.endpoint for e in app.extensions.get("menu", ()) if e.endpoint not in app.view_functions
    ]
    if missing:
        raise RuntimeError(f"menu entries for unknown endpoints: {', '.join(missing)}")
