"""accounts hardening: e-mail confirmation, normalised addresses, clean names

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 08:00:00

Self-registered accounts now confirm their address before they can sign in: existing
accounts count as confirmed (at their creation), so everyone keeps signing in.

Addresses are stored NFKC-normalised and case-folded (academy.emails): existing ones are
rewritten. When two accounts turn out to be look-alikes of one address, both are kept
unchanged and named in the migration's output; an admin decides which to erase (sign-in
reaches the one whose stored address is already the normalised form).

Names lose line breaks, control, bidi and zero-width characters (academy.names); a name
that would keep fewer than two visible characters is left as it is and named in the
output, for an admin to correct.
"""

import logging

import sqlalchemy as sa
from alembic import op

from academy.emails import normalize_email
from academy.names import BLANK_LETTERS, REFUSED_CATEGORIES, clean_name, name_problem

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

users = sa.table(
    "users",
    sa.column("id", sa.Integer),
    sa.column("email", sa.String),
    sa.column("name", sa.String),
    sa.column("created_at", sa.DateTime),
    sa.column("email_verified_at", sa.DateTime),
)
invitations = sa.table("invitations", sa.column("id", sa.Integer), sa.column("email", sa.String))


def upgrade():
    op.add_column("users", sa.Column("email_verified_at", sa.DateTime(), nullable=True))
    op.execute(users.update().values(email_verified_at=users.c.created_at))
    op.create_table(
        "email_confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_email_confirmations_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_confirmations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_email_confirmations_token_hash")),
    )
    op.create_index(
        op.f("ix_email_confirmations_user_id"), "email_confirmations", ["user_id"], unique=False
    )
    connection = op.get_bind()
    _normalise_addresses(connection)
    _clean_names(connection)


def _normalise_addresses(connection) -> None:
    rows = connection.execute(sa.select(users.c.id, users.c.email)).all()
    by_address: dict[str, list[tuple[int, str]]] = {}
    for user_id, email in rows:
        by_address.setdefault(normalize_email(email), []).append((user_id, email))
    for address, holders in by_address.items():
        if len(holders) > 1:
            log.warning(
                "accounts %s have look-alike addresses of %s; left unchanged, erase the wrong one",
                ", ".join(str(user_id) for user_id, _ in holders),
                address,
            )
        elif holders[0][1] != address:
            connection.execute(
                users.update().where(users.c.id == holders[0][0]).values(email=address)
            )
    for invitation_id, email in connection.execute(
        sa.select(invitations.c.id, invitations.c.email)
    ):
        if normalize_email(email) != email:
            connection.execute(
                invitations.update()
                .where(invitations.c.id == invitation_id)
                .values(email=normalize_email(email))
            )


def _clean_names(connection) -> None:
    import unicodedata

    for user_id, name in connection.execute(sa.select(users.c.id, users.c.name)).all():
        if name_problem(name) is None and clean_name(name) == name:
            continue
        spaced = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in name)
        kept = "".join(
            c
            for c in spaced
            if unicodedata.category(c) not in REFUSED_CATEGORIES and c not in BLANK_LETTERS
        )
        cleaned = clean_name(kept)
        if name_problem(cleaned) is None:
            connection.execute(users.update().where(users.c.id == user_id).values(name=cleaned))
        else:
            log.warning("account %s: the name has too few visible characters; correct it", user_id)


def downgrade():
    op.drop_index(op.f("ix_email_confirmations_user_id"), table_name="email_confirmations")
    op.drop_table("email_confirmations")
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table(
        "users",
        schema=None,
        recreate="always" if sqlite else "auto",
        table_kwargs={"sqlite_autoincrement": True} if sqlite else {},
    ) as batch_op:
        batch_op.drop_column("email_verified_at")
