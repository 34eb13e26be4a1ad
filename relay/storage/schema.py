"""The relay's tables (one schema for SQLite and PostgreSQL) and its version."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

SCHEMA_VERSION = 3
"""1: seq heads in ``users.seq``; 2: in the narrow ``user_seqs`` table; 3: groups keep their
own update log (``chats.pts``, ``chat_updates``). Older databases are migrated on open."""

Id = BigInteger().with_variant(Integer(), "sqlite")
"""64-bit ids on PostgreSQL; INTEGER on SQLite so the column aliases the rowid."""

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", Text, nullable=False),
    Column("bio", Text, nullable=False, default=""),
    Column("password_hash", Text, nullable=False),
    Column("created", Float, nullable=False),
    Column("seq", BigInteger, nullable=False, default=0),
)
"""``seq`` is unused since schema 2 (kept so older data directories need no table rebuild)."""

user_seqs = Table(
    "user_seqs",
    metadata,
    Column("user_id", Id, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False, default=0),
)
"""The head of each user's update sequence, bumped in the writing transaction. A narrow
table of its own: a group message bumps one row per member, and on the wide ``users`` rows
(password hash, bio) that rewrote ~200 KB of pages per 1,000-member message."""

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", Id, nullable=False, index=True),
    Column("token_hash", LargeBinary(32), nullable=False, unique=True),
    Column("device", Text, nullable=False, default=""),
    Column("created", Float, nullable=False),
    Column("last_seen", Float, nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)

chats = Table(
    "chats",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("created", Float, nullable=False),
    Column("direct_key", String(64), nullable=True, unique=True),
    Column("pts", BigInteger, nullable=False, default=0, server_default="0"),
)
"""``pts``: the head of a group's update log (always 0 for direct chats)."""

members = Table(
    "members",
    metadata,
    Column("chat_id", Id, primary_key=True),
    Column("user_id", Id, primary_key=True),
    Column("role", String(16), nullable=False),
    Column("joined", Float, nullable=False),
    Column("read_max_id", BigInteger, nullable=False, default=0),
    Index("members_by_user", "user_id"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("chat_id", Id, nullable=False),
    Column("sender_id", Id, nullable=False),
    Column("date", Float, nullable=False),
    Column("random_id", BigInteger, nullable=True),
    Column("text", Text, nullable=False, default=""),
    Column("reply_to", BigInteger, nullable=True),
    Column("forward", Text, nullable=True),
    Column("attachment", Text, nullable=True),
    Column("call", Text, nullable=True),
    Column("edit_date", Float, nullable=True),
    Column("deleted", Boolean, nullable=False, default=False),
    UniqueConstraint("sender_id", "random_id", name="messages_idempotency"),
    Index("messages_by_chat", "chat_id", "id"),
)

updates = Table(
    "updates",
    metadata,
    Column("user_id", Id, primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("payload", LargeBinary, nullable=False),
)
"""One row per entry of a user's update sequence; ``payload`` is the update's JSON."""

chat_updates = Table(
    "chat_updates",
    metadata,
    Column("chat_id", Id, primary_key=True),
    Column("pts", BigInteger, primary_key=True),
    Column("payload", LargeBinary, nullable=False),
)
"""A group's update log: messages, edits, deletes and read marks of the group, stored once
for all members (a member's ``updates`` hold only what concerns them personally)."""

blobs = Table(
    "blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("created", Float, nullable=False),
    Column("uploader_id", Id, nullable=False),
)
