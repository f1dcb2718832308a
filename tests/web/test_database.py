"""How the app uses its database, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from academy.accounts.models import Department
from academy.extensions import db


def _departments_named(name: str) -> int:
    return db.session.scalar(select(func.count()).where(Department.name == name))


def test_a_savepoint_opened_first_is_rolled_back_with_its_transaction(app):
    """A savepoint before the transaction's first write (exam start, an assignment, a
    module marked done) must not commit on release: on SQLite it did, so a failure
    afterwards left the row without the rest (an attempt without its audit event)."""
    with app.app_context():
        with db.session.begin_nested():
            db.session.add(Department(name="Savepoint first", key="savepoint-first"))
        db.session.rollback()
        assert _departments_named("Savepoint first") == 0
        with db.session.begin_nested():
            db.session.add(Department(name="Savepoint first", key="savepoint-first"))
        db.session.commit()
        assert _departments_named("Savepoint first") == 1
        db.session.execute(delete(Department).where(Department.key == "savepoint-first"))
        db.session.commit()
