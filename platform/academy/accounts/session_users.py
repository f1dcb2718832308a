"""The signed-in person for pages that only read who they are, without the ORM.

Loading the user through the ORM (the row, its roles joined, the identity map) cost
about a third of a lesson page. A view that only needs the reader's id, name, language
and roles declares a light loader with `access.light_user(parts)`: Flask-Login then gets
a `SessionUser` built from ONE Core query, a UNION ALL of the user's row, their roles and
whatever the view's domain adds in the same shape (learning adds the reading progress of
the requested course, so a lesson view is a single query). Nothing is kept between
requests: the session version, the active flag and the roles come from the database
every time, so signing out everywhere, deactivation and role changes act on the next
request on every worker and host, as with the ORM loader.

A `SessionUser` is read-only: views that write (services take `User` rows) keep the
ORM loader.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, request
from sqlalchemy import (
    CompoundSelect,
    DateTime,
    Select,
    bindparam,
    cast,
    literal_column,
    null,
    select,
    union_all,
)

from .. import web
from ..extensions import db
from . import queries
from .models import Role, User

# Every part of the union has these columns, in this order:
# kind (which part), number, text, extra, flag, at.
USER, ROLE = "user", "role"


COLUMNS = ("number", "text", "extra", "flag", "at")


def part(kind: str, names: tuple[str, ...] = COLUMNS, **columns) -> Select:
    """A select in a union's shape: kind, then `names` (this module's union by default);
    the columns a part does not name are NULL. `kind` is written into the SQL (a
    constant of ours, never input)."""
    return select(
        literal_column(f"'{kind}'").label("kind"),
        *(columns.get(name, null()).label(name) for name in names),
    )


def _user_part() -> Select:
    # The first part fixes the union's column types (PostgreSQL needs them typed).
    return part(
        USER,
        number=User.session_version,
        text=User.name,
        extra=User.locale,
        flag=User.active,
        at=cast(null(), DateTime()),
    ).where(User.id == bindparam("user_id"))


def _roles_part() -> Select:
    return part(ROLE, text=Role.name).where(Role.user_id == bindparam("user_id"))


def statement(*more: Select) -> CompoundSelect:
    """The user, their roles and the given parts (which may use :user_id) in one query.
    Build it once (at import) and keep it: building costs as much as running it."""
    return union_all(_user_part(), _roles_part(), *more)


@dataclass(frozen=True, eq=False)
class SessionUser:
    """What a read-only page needs of the signed-in person."""

    id: int
    session_version: int
    name: str
    locale: str | None
    active: bool
    roles: frozenset[str]
    # Rows of the other parts of the query, by kind (learning: the reading progress).
    facts: dict[str, list[Any]] = field(default_factory=dict)

    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def has_any_role(self, *names: str) -> bool:
        return bool(self.roles.intersection(names))

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


def load(user_id: int, version: int, query: CompoundSelect, **params: Any) -> SessionUser | None:
    """Run the union; None when the user is gone or the session version is stale."""
    rows = db.session.connection().execute(query, {"user_id": user_id, **params}).all()
    return from_rows(user_id, version, rows)


def from_rows(user_id: int, version: int, rows: Iterable[Any]) -> SessionUser | None:
    """The person from the union's rows (however they were fetched; each row has the
    union's columns as attributes)."""
    facts: dict[str, list[Any]] = {}
    for row in rows:
        facts.setdefault(row.kind, []).append(row)
    (user,) = facts.pop(USER, None) or (None,)
    if user is None or user.number != version:
        return None
    roles = frozenset(r.text for r in facts.pop(ROLE, ()))
    return SessionUser(user_id, version, user.text, user.extra, bool(user.flag), roles, facts)


LightLoader = Callable[[int, int], SessionUser | None]


def for_session(session_id: str):
    """Flask-Login's loader: the view's light loader when it declares one and the request
    goes to that view, else the ORM row (queries.user_for_session)."""
    view = current_app.view_functions.get(request.endpoint or "")
    light: LightLoader | None = getattr(view, "light_user", None)
    if light is not None and not web.request_accepted():
        light = None  # an error page for a refused request: its URL values are not valid
    if light is None:
        return queries.user_for_session(session_id)
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    return light(int(user_id), int(version))
