"""Relay storage: SQLAlchemy Core over SQLite (aiosqlite, default) or PostgreSQL (asyncpg)."""

from relay.storage.database import Database, Tx

__all__ = ["Database", "Tx"]
