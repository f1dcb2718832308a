"""hr: assignments remember when the person started (read a module or started an exam)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 14:00:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# The earliest reading or exam attempt of the person in the course: any time for a
# course assignment, since it was assigned for a retraining (its person read and sat the
# exam for the earlier round). One correlated look-up per assignment, through the
# indexes on (user_id, course_slug, …) of both tables.
BACKFILL = """
UPDATE assignments SET started_at = (
    SELECT min(activity.at) FROM (
        SELECT m.completed_at AS at FROM module_completions m
        WHERE m.user_id = assignments.user_id AND m.course_slug = assignments.course_slug
          AND (assignments.kind = 'course' OR m.completed_at >= assignments.assigned_at)
        UNION ALL
        SELECT e.started_at AS at FROM exam_attempts e
        WHERE e.user_id = assignments.user_id AND e.course_slug = assignments.course_slug
          AND (assignments.kind = 'course' OR e.started_at >= assignments.assigned_at)
    ) AS activity
)
"""


def upgrade():
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("started_at", sa.DateTime(), nullable=True))
    op.execute(sa.text(BACKFILL))


def downgrade():
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_column("started_at")
