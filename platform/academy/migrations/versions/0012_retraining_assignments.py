"""hr: assignments have a kind ("course" or "retraining"); one open assignment per
person, course and kind; open retrainings become retraining assignments

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 11:00:00
"""

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

OPEN = "completed_at IS NULL AND cancelled_at IS NULL"
# Retrainings that were open before this revision get the default period from today:
# nobody is overdue the moment the platform is upgraded.
DUE_DAYS = 30


def upgrade():
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), nullable=False, server_default="course")
        )
        batch_op.drop_index(
            "uq_assignments_open", sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN)
        )
        batch_op.create_index(
            "uq_assignments_open",
            ["user_id", "course_slug", "kind"],
            unique=True,
            sqlite_where=sa.text(OPEN),
            postgresql_where=sa.text(OPEN),
        )
    now = datetime.now(UTC).replace(tzinfo=None)
    due = date.today() + timedelta(days=DUE_DAYS)
    op.execute(
        sa.text(
            "INSERT INTO assignments (user_id, course_slug, due_on, assigned_at, kind) "
            "SELECT r.user_id, r.course_slug, :due, :now, 'retraining' FROM retrainings r "
            "JOIN users u ON u.id = r.user_id "
            "WHERE r.completed_at IS NULL AND u.active"
        ).bindparams(due=due, now=now)
    )


def downgrade():
    # The retrainings table keeps what they were about; the assignments cannot stay
    # beside a normal one under the old index.
    op.execute(sa.text("DELETE FROM assignments WHERE kind = 'retraining'"))
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_assignments_open", sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN)
        )
        batch_op.create_index(
            "uq_assignments_open",
            ["user_id", "course_slug"],
            unique=True,
            sqlite_where=sa.text(OPEN),
            postgresql_where=sa.text(OPEN),
        )
        batch_op.drop_column("kind")
