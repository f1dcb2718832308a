"""trainer: course versions, working copies, retraining, item statistics

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 04:29:22.835251

Also fills the item-statistics tables from the exams graded so far. That step is written
out here rather than imported from the application, so that this revision keeps doing
what it did when the application changes.
"""

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
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
        "question_sums",
        sa.Column("course_slug", sa.String(length=100), nullable=False),
        sa.Column("course_version", sa.String(length=12), nullable=False),
        sa.Column("question_id", sa.String(length=200), nullable=False),
        sa.Column("drawn", sa.Integer(), nullable=False),
        sa.Column("right", sa.Integer(), nullable=False),
        sa.Column("rest", sa.Integer(), nullable=False),
        sa.Column("rest_squares", sa.Integer(), nullable=False),
        sa.Column("rest_when_right", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "course_slug", "course_version", "question_id", name=op.f("pk_question_sums")
        ),
    )
    op.create_table(
        "wrong_choice_counts",
        sa.Column("course_slug", sa.String(length=100), nullable=False),
        sa.Column("course_version", sa.String(length=12), nullable=False),
        sa.Column("question_id", sa.String(length=200), nullable=False),
        sa.Column("option_id", sa.String(length=40), nullable=False),
        sa.Column("chosen", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "course_slug",
            "course_version",
            "question_id",
            "option_id",
            name=op.f("pk_wrong_choice_counts"),
        ),
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
COUNTERS = ("drawn", "right", "rest", "rest_squares", "rest_when_right")


def _fill_statistics(connection) -> None:
    """The sums of every final exam graded in time, as trainer.services.record_graded_exam
    adds them from now on: per question, and per wrong option ticked."""
    graded = (
        sa.select(
            attempts.c.course_slug,
            attempts.c.course_version,
            attempts.c.questions,
            results.c.answers,
        )
        .join(results, results.c.attempt_id == attempts.c.id)
        .where(results.c.late.is_(False), attempts.c.kind == "exam")
    )
    sums: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(COUNTERS))
    wrong: dict[tuple, int] = defaultdict(int)
    for slug, version, questions, answers in connection.execute(
        graded.execution_options(yield_per=1000)
    ):
        chosen = {q["id"]: set(answers.get(q["id"], [])) for q in questions}
        correct = {q["id"]: {o["id"] for o in q["options"] if o["correct"]} for q in questions}
        right = {qid: int(chosen[qid] == correct[qid]) for qid in chosen}
        # Option ids may be random per attempt; counts go by the id in the course file.
        source = {o["id"]: o.get("source", o["id"]) for q in questions for o in q["options"]}
        score = sum(right.values())
        for qid, ok in right.items():
            rest = score - ok
            for index, value in enumerate((1, ok, rest, rest * rest, rest * ok)):
                sums[(slug, version, qid)][index] += value
            for option in chosen[qid] - correct[qid]:
                wrong[(slug, version, qid, source.get(option, option))] += 1
    _insert(connection, sums, wrong)


def _insert(connection, sums, wrong) -> None:
    keys = ("course_slug", "course_version", "question_id")
    _rows(connection, "question_sums", keys + COUNTERS, [(*k, *v) for k, v in sums.items()])
    choices = [(*k, n) for k, n in wrong.items()]
    _rows(connection, "wrong_choice_counts", (*keys, "option_id", "chosen"), choices)


def _rows(connection, name: str, columns: tuple, values: list[tuple]) -> None:
    if values:
        table = sa.table(name, *(sa.column(c) for c in columns))
        rows = [dict(zip(columns, value, strict=True)) for value in values]
        connection.execute(table.insert(), rows)


def downgrade():
    with op.batch_alter_table("exam_attempts", schema=None) as batch_op:
        batch_op.drop_column("kind")

    with op.batch_alter_table("retrainings", schema=None) as batch_op:
        batch_op.drop_index("ix_retrainings_person")
        batch_op.drop_index(batch_op.f("ix_retrainings_course_slug"))

    op.drop_table("retrainings")
    op.drop_table("wrong_choice_counts")
    op.drop_table("question_sums")
    op.drop_table("course_working_copies")
    op.drop_table("course_versions")
