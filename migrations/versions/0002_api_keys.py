"""The API keys index's table.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

Same layout as every index table (id, seq_no, primary_term, the JSON source), plus the keyword
columns that invalidation searches on: the key's name, its creator's user name and realm, and
whether it was invalidated. The column helpers are those of revision 0001, which as a past
revision never changes, so this one keeps creating what it always created.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_initial = importlib.import_module("migrations.versions.0001_initial")

TABLE = "api_keys"


def upgrade() -> None:
    _initial._create_table(
        TABLE,
        _initial._text("name"),
        _initial._text("username"),
        _initial._text("realm"),
        sa.Column("invalidated", sa.Boolean(), nullable=False),
    )
    _initial._create_indexes(TABLE, ("name", "username"), ("invalidated",))


def downgrade() -> None:
    op.drop_table(TABLE)
