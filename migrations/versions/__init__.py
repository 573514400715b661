"""Revision scripts. A package so that wheels ship them; Alembic skips this file."""
