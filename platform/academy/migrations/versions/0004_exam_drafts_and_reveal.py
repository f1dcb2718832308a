"""exam draft answers; what an attempt's result may reveal

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 04:20:31.217785

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("exam_attempts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "reveal_answers", sa.String(length=12), nullable=False, server_default="after_pass"
            )
        )
    op.create_table(
        "exam_draft_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=100), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["exam_attempts.id"],
            name=op.f("fk_exam_draft_answers_attempt_id_exam_attempts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_draft_answers")),
        sa.UniqueConstraint(
            "attempt_id", "question_id", name=op.f("uq_exam_draft_answers_attempt_id_question_id")
        ),
    )


def downgrade():
    op.drop_table("exam_draft_answers")
    with op.batch_alter_table("exam_attempts", schema=None) as batch_op:
        batch_op.drop_column("reveal_answers")
