"""Alembic migrations of the SQL schema declared in `storage.sql.tables`.

`storage.migrations` runs them; this package holds Alembic's `env.py`, the revision template
and `versions/`. `HEAD` names the newest revision so that a start-up can compare it with the
database's `alembic_version` without importing Alembic; a test keeps it equal to the scripts' head.
"""

HEAD = "0003"
