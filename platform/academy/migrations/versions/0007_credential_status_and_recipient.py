"""Credentials: status list bit, hashed recipient

Certificates issued before this revision get a random free bit of the revocation status
list and a salted hash of their holder's current e-mail address (none when the account
is gone), so they too can be downloaded as Open Badges 3.0 credentials.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 05:06:31.125088

"""

import hashlib
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

LIST_SIZE = 131_072  # certificates/status.py


def upgrade():
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_index", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("recipient_salt", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("recipient_hash", sa.String(length=80), nullable=True))
    _fill_existing()
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.alter_column("status_index", nullable=False)
        batch_op.alter_column("recipient_salt", nullable=False)
        batch_op.alter_column("recipient_hash", nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_certificates_status_index"), ["status_index"]
        )


def _fill_existing():
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT certificates.id, users.email FROM certificates "
            "LEFT JOIN users ON users.id = certificates.user_id ORDER BY certificates.id"
        )
    ).all()
    lists = 1 + 2 * len(rows) // LIST_SIZE  # at most half of each list in use
    indexes = secrets.SystemRandom().sample(range(lists * LIST_SIZE), len(rows))
    for (certificate_id, email), index in zip(rows, indexes, strict=True):
        salt = secrets.token_hex(16)
        digest = hashlib.sha256(((email or "").strip().lower() + salt).encode()).hexdigest()
        connection.execute(
            sa.text(
                "UPDATE certificates SET status_index = :index, recipient_salt = :salt, "
                "recipient_hash = :hash WHERE id = :id"
            ),
            {
                "index": index,
                "salt": salt,
                "hash": f"sha256${digest}" if email else "",
                "id": certificate_id,
            },
        )


def downgrade():
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_certificates_status_index"), type_="unique")
        batch_op.drop_column("recipient_hash")
        batch_op.drop_column("recipient_salt")
        batch_op.drop_column("status_index")
