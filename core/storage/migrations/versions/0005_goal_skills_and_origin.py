"""goal skills and origin

A learner's goal may be skills (no catalog goal) or a role with emphasised skills, and a career
changer's earlier work counts some skills as held: the profile keeps the skills, the origin and
the transferable skills, and a plan's goal id may be empty (a skill goal's plan).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 12:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import core.storage.db_types


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('learner_profiles', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('goal_skills', core.storage.db_types.JSONDocument, nullable=False, server_default='[]')
        )
        batch_op.add_column(sa.Column('origin_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))
        batch_op.add_column(
            sa.Column('transferable_skills', core.storage.db_types.JSONDocument, nullable=False, server_default='[]')
        )
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.alter_column(
            'goal_id', existing_type=sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True
        )


def downgrade() -> None:
    op.execute("UPDATE plans SET goal_id = '' WHERE goal_id IS NULL")
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.alter_column(
            'goal_id', existing_type=sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False
        )
    with op.batch_alter_table('learner_profiles', schema=None) as batch_op:
        batch_op.drop_column('transferable_skills')
        batch_op.drop_column('origin_id')
        batch_op.drop_column('goal_skills')
