"""privacy: audit hash chain, erasures, deactivation time

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 05:36:19.175787

The audit log loses its foreign keys (deleting a person must not rewrite it), drops the
copies of personal data earlier versions wrote into `details`, and is chained: each
existing entry gets its digest and hashes, in id order. On SQLite, `users` is rebuilt
with AUTOINCREMENT so that a deleted person's id is never given to a new account.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from academy.audit import GENESIS, body_digest, chain_hash

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# What earlier versions copied into audit details: personal data, or text typed by people.
PERSONAL_DETAILS = {
    "invitation.created": ("email",),
    "account.profile_changed": ("before",),
    "account.language_changed": ("locale",),
    "certificate.issued": ("number",),
    "certificate.revoked": ("number", "reason"),
    "exam.submitted": ("percent", "passed"),
}

audit_events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer),
    sa.column("at", sa.DateTime),
    sa.column("actor_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("person_id", sa.Integer),
    sa.column("targets", sa.JSON),
    sa.column("details", sa.JSON),
    sa.column("body_digest", sa.String),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)
users = sa.table(
    "users",
    sa.column("id", sa.Integer),
    sa.column("active", sa.Boolean),
    sa.column("deactivated_at", sa.DateTime),
)


def upgrade():
    # An accepted invitation keeps its record (HR sees who accepted) but not its token.
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.alter_column("token_hash", existing_type=sa.String(length=64), nullable=True)
    op.create_table(
        "erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pseudonym", sa.String(length=32), nullable=False),
        sa.Column("erased_at", sa.DateTime(), nullable=False),
        sa.Column("keep_until", sa.Date(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasures")),
        sa.UniqueConstraint("pseudonym", name=op.f("uq_erasures_pseudonym")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        for name in ("body_digest", "prev_hash", "hash"):
            batch_op.add_column(sa.Column(name, sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("redacted_at", sa.DateTime(), nullable=True))
        batch_op.create_index("ix_audit_events_action", ["action", "at"], unique=False)
        batch_op.drop_constraint(batch_op.f("fk_audit_events_person_id_users"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_audit_events_actor_id_users"), type_="foreignkey")
    _chain_existing_events()
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        for name in ("body_digest", "prev_hash", "hash"):
            batch_op.alter_column(name, existing_type=sa.String(length=64), nullable=False)

    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table(
        "users",
        schema=None,
        recreate="always" if sqlite else "auto",
        table_kwargs={"sqlite_autoincrement": True} if sqlite else {},
    ) as batch_op:
        batch_op.add_column(sa.Column("deactivated_at", sa.DateTime(), nullable=True))
    # Accounts deactivated before this version: their deactivation counts from now.
    now = datetime.now(UTC).replace(tzinfo=None)  # stored as UTC without a zone
    op.execute(users.update().where(users.c.active.is_(False)).values(deactivated_at=now))


def _chain_existing_events() -> None:
    connection = op.get_bind()
    previous = GENESIS
    rows = connection.execute(sa.select(audit_events).order_by(audit_events.c.id)).all()
    for row in rows:
        details = {
            key: value
            for key, value in (row.details or {}).items()
            if key not in PERSONAL_DETAILS.get(row.action, ())
        }
        digest = body_digest(row.actor_id, row.person_id, row.targets, details)
        current = chain_hash(row.id, row.at, row.action, digest, previous)
        connection.execute(
            audit_events.update()
            .where(audit_events.c.id == row.id)
            .values(details=details, body_digest=digest, prev_hash=previous, hash=current)
        )
        previous = current


def downgrade():
    op.execute(sa.text("DELETE FROM invitations WHERE token_hash IS NULL"))
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.alter_column("token_hash", existing_type=sa.String(length=64), nullable=False)
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table(
        "users", schema=None, recreate="always" if sqlite else "auto"
    ) as batch_op:
        batch_op.drop_column("deactivated_at")

    # Entries of people deleted since cannot point at them again.
    for column in ("actor_id", "person_id"):
        op.execute(
            audit_events.update()
            .where(audit_events.c[column].not_in(sa.select(users.c.id)))
            .values({column: None})
        )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_events_actor_id_users"),
            "users",
            ["actor_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_events_person_id_users"),
            "users",
            ["person_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.drop_index("ix_audit_events_action")
        batch_op.drop_column("redacted_at")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("body_digest")

    op.drop_table("erasures")
