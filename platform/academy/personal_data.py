"""How a domain describes what its tables hold about people.

Each domain that has tables declares them in `<domain>/personal_data.py`, next to its
models: every column, what kind of personal data it is (or that it is none), and how a
row belongs to a person. The privacy domain builds the privacy notice, the data export
and erasure from these declarations, and a test fails when a model has a column that
no declaration describes. The kinds' purposes, legal bases and retention live in
`privacy/registry.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """Kinds of personal data: the notice has one entry per kind, retention one rule."""

    ACCOUNT = "account"
    ORGANISATION = "organisation"  # department, location, manager, employee number
    ROLES = "roles"
    SIGN_INS = "sign_ins"
    PROGRESS = "progress"
    ASSIGNMENTS = "assignments"  # courses assigned with a due date, and reminders
    EXAM_RESULTS = "exam_results"
    EXAM_ANSWERS = "exam_answers"
    CERTIFICATES = "certificates"
    LINKS = "links"
    AUDIT = "audit"
    EVIDENCE = "evidence"


class Part(StrEnum):
    """What a column is, besides its kind."""

    ITEM = "item"  # personal data, listed in the notice and exported
    SECRET = "secret"  # personal, listed in the notice, never exported (password hashes)
    REFERENCE = "reference"  # the id of a person or of another row: a link, not content
    NONE = "none"  # not about a person (ids, settings, technical counters)


@dataclass(frozen=True)
class Column:
    part: Part
    kind: Kind | None = None
    label: object = ""  # what it is, in words (a lazy gettext string)


def item(kind: Kind, label) -> Column:
    return Column(Part.ITEM, kind, label)


def secret(kind: Kind, label) -> Column:
    return Column(Part.SECRET, kind, label)


REFERENCE = Column(Part.REFERENCE)
NONE = Column(Part.NONE)

# What erasure does with a table's rows that belong to the person.
DELETE = "delete"
KEEP = "keep"  # kept under their own retention rule (the audit log: ids only)


@dataclass(frozen=True)
class Table:
    name: str
    title: object  # what the rows are, in words
    columns: Mapping[str, Column]
    # The column through which a row belongs to a person: a foreign key to users.id, or
    # to a table that itself belongs to a person (exam results -> exam attempts). For
    # `users` itself: "id". A column without a foreign key refers to users.id.
    owner: str | None = None
    # Columns naming a person who did something to a row that is about someone else
    # (who revoked a certificate, who sent an invitation): their export lists the row's
    # id only, and erasure empties the column.
    actors: tuple[str, ...] = ()
    # A column holding an e-mail address, for rows about a person who may have no
    # account yet (invitations): exported and erased by address.
    email: str | None = None
    on_erasure: str = DELETE

    def items(self, *parts: Part) -> dict[str, Column]:
        wanted = parts or (Part.ITEM, Part.SECRET)
        return {name: c for name, c in self.columns.items() if c.part in wanted}
