"""trainer: course versions, working copies, retraining, item statistics

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-30 04:29:22.835251

Also fills the item-statistics tables from the exams graded so far. That step is written
out here rather than imported from the application, so that this revision keeps doing
what it did when the application changes.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "course_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_slug", sa.String(length=100), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=12), nullable=False),
        sa.Column("archive", sa.LargeBinary(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("change", sa.String(length=20), nullable=False),
        sa.Column("modules", sa.JSON(), nullable=False),
        sa.Column("restored_from_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["users.id"],
            name=op.f("fk_course_versions_published_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["restored_from_id"],
            ["course_versions.id"],
            name=op.f("fk_course_versions_restored_from_id_course_versions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_versions")),
        sa.UniqueConstraint(
            "course_slug", "number", name=op.f("uq_course_versions_course_slug_number")
        ),
    )
    op.create_table(
        "course_working_copies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_slug", sa.String(length=100), nullable=False),
        sa.Column("archive", sa.LargeBinary(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("based_on", sa.String(length=12), nullable=True),
        sa.Column("restored_from_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["restored_from_id"],
            ["course_versions.id"],
            name=op.f("fk_course_working_copies_restored_from_id_course_versions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_course_working_copies_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_working_copies")),
        sa.UniqueConstraint("course_slug", name=op.f("uq_course_working_copies_course_slug")),
    )
    op.create_table(
        "question_responses",
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=200), nullable=False),
        sa.Column("course_slug", sa.String(length=100), nullable=False),
        sa.Column("course_version", sa.String(length=12), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("rest_score", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["exam_attempts.id"],
            name=op.f("fk_question_responses_attempt_id_exam_attempts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("attempt_id", "question_id", name=op.f("pk_question_responses")),
    )
    with op.batch_alter_table("question_responses", schema=None) as batch_op:
        batch_op.create_index(
            "ix_question_responses_item",
            ["course_slug", "course_version", "question_id", "correct", "rest_score"],
            unique=False,
        )

    op.create_table(
        "wrong_choices",
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=200), nullable=False),
        sa.Column("option_id", sa.String(length=40), nullable=False),
        sa.Column("course_slug", sa.String(length=100), nullable=False),
        sa.Column("course_version", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["exam_attempts.id"],
            name=op.f("fk_wrong_choices_attempt_id_exam_attempts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "attempt_id", "question_id", "option_id", name=op.f("pk_wrong_choices")
        ),
    )
    with op.batch_alter_table("wrong_choices", schema=None) as batch_op:
        batch_op.create_index(
            "ix_wrong_choices_item",
            ["course_slug", "course_version", "question_id", "option_id"],
            unique=False,
        )

    op.create_table(
        "retrainings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_slug", sa.String(length=100), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=True),
        sa.Column("earned_on", sa.String(length=12), nullable=False),
        sa.Column("modules", sa.JSON(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("recheck_attempt_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificates.id"],
            name=op.f("fk_retrainings_certificate_id_certificates"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recheck_attempt_id"],
            ["exam_attempts.id"],
            name=op.f("fk_retrainings_recheck_attempt_id_exam_attempts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_retrainings_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["course_versions.id"],
            name=op.f("fk_retrainings_version_id_course_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retrainings")),
    )
    with op.batch_alter_table("retrainings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_retrainings_course_slug"), ["course_slug"], unique=False
        )
        batch_op.create_index(
            "ix_retrainings_person", ["user_id", "course_slug", "completed_at"], unique=False
        )

    with op.batch_alter_table("exam_attempts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=10), server_default="exam", nullable=False)
        )

    _fill_statistics(op.get_bind())


BATCH = 5000
attempts = sa.table(
    "exam_attempts",
    sa.column("id", sa.Integer),
    sa.column("course_slug", sa.String),
    sa.column("course_version", sa.String),
    sa.column("questions", sa.JSON),
    sa.column("kind", sa.String),
)
results = sa.table(
    "exam_results",
    sa.column("attempt_id", sa.Integer),
    sa.column("answers", sa.JSON),
    sa.column("late", sa.Boolean),
)
responses = sa.table(
    "question_responses",
    sa.column("attempt_id", sa.Integer),
    sa.column("question_id", sa.String),
    sa.column("course_slug", sa.String),
    sa.column("course_version", sa.String),
    sa.column("correct", sa.Boolean),
    sa.column("rest_score", sa.Integer),
)
wrong_choices = sa.table(
    "wrong_choices",
    sa.column("attempt_id", sa.Integer),
    sa.column("question_id", sa.String),
    sa.column("option_id", sa.String),
    sa.column("course_slug", sa.String),
    sa.column("course_version", sa.String),
)


def _fill_statistics(connection) -> None:
    """One response row per question of every final exam graded in time, one row per
    wrong option ticked: as trainer.services.record_responses writes them from now on."""
    graded = (
        sa.select(
            attempts.c.id,
            attempts.c.course_slug,
            attempts.c.course_version,
            attempts.c.questions,
            results.c.answers,
        )
        .join(results, results.c.attempt_id == attempts.c.id)
        .where(results.c.late.is_(False), attempts.c.kind == "exam")
        .order_by(attempts.c.id)
    )
    rows, wrong = [], []
    for attempt in connection.execute(graded.execution_options(yield_per=1000)):
        found, chosen_wrong = _rows(*attempt)
        rows += found
        wrong += chosen_wrong
        if len(rows) >= BATCH:
            _insert(connection, rows, wrong)
            rows, wrong = [], []
    _insert(connection, rows, wrong)


def _rows(attempt_id, slug, version, questions, answers):
    where = {"attempt_id": attempt_id, "course_slug": slug, "course_version": version}
    chosen = {q["id"]: set(answers.get(q["id"], [])) for q in questions}
    correct = {q["id"]: {o["id"] for o in q["options"] if o["correct"]} for q in questions}
    right = {qid: chosen[qid] == correct[qid] for qid in chosen}
    score = sum(right.values())
    found = [
        {**where, "question_id": qid, "correct": ok, "rest_score": score - ok}
        for qid, ok in right.items()
    ]
    wrong = [
        {**where, "question_id": qid, "option_id": option}
        for qid in chosen
        for option in sorted(chosen[qid] - correct[qid])
    ]
    return found, wrong


def _insert(connection, rows, wrong) -> None:
    if rows:
        connection.execute(responses.insert(), rows)
    if wrong:
        connection.execute(wrong_choices.insert(), wrong)


def downgrade():
    with op.batch_alter_table("exam_attempts", schema=None) as batch_op:
        batch_op.drop_column("kind")

    with op.batch_alter_table("retrainings", schema=None) as batch_op:
        batch_op.drop_index("ix_retrainings_person")
        batch_op.drop_index(batch_op.f("ix_retrainings_course_slug"))

    op.drop_table("retrainings")
    with op.batch_alter_table("wrong_choices", schema=None) as batch_op:
        batch_op.drop_index("ix_wrong_choices_item")

    op.drop_table("wrong_choices")
    with op.batch_alter_table("question_responses", schema=None) as batch_op:
        batch_op.drop_index("ix_question_responses_item")

    op.drop_table("question_responses")
    op.drop_table("course_working_copies")
    op.drop_table("course_versions")
