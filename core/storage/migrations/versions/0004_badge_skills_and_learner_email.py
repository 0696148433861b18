"""badge skills and learner email

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 16:45:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.storage.db_types


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('learner_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=320), nullable=True))
    with op.batch_alter_table('badges', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('skills', core.storage.db_types.JSONDocument, nullable=False, server_default='[]')
        )


def downgrade() -> None:
    with op.batch_alter_table('badges', schema=None) as batch_op:
        batch_op.drop_column('skills')
    with op.batch_alter_table('learner_profiles', schema=None) as batch_op:
        batch_op.drop_column('email')
