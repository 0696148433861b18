"""lasting swaps

A swap is a preference that lasts: the profile keeps the courses the learner swapped away (never
planned again) and the courses they chose instead (kept in every re-plan).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 18:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.storage.db_types


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('learner_profiles', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('excluded_courses', core.storage.db_types.JSONDocument, nullable=False, server_default='[]')
        )
        batch_op.add_column(
            sa.Column('chosen_courses', core.storage.db_types.JSONDocument, nullable=False, server_default='[]')
        )


def downgrade() -> None:
    with op.batch_alter_table('learner_profiles', schema=None) as batch_op:
        batch_op.drop_column('chosen_courses')
        batch_op.drop_column('excluded_courses')
