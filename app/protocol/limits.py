"""Protocol limits and error codes, shared by the client and the relay.

These are constants of protocol version 2: a client and a relay that speak the same
version agree on them. Exceeding a limit gets the error code named beside it.
"""

from __future__ import annotations

from enum import StrEnum

PROTOCOL_VERSION = 2

MAX_FRAME_BYTES = 64 * 1024
"""Largest WebSocket text frame either side accepts (``frame_too_large``)."""

MAX_MESSAGE_CHARS = 4096
"""Longest message text, in Unicode code points (``message_too_long``)."""

MAX_CAPTION_CHARS = 1024
"""Longest caption on a photo or file (``message_too_long``)."""

MAX_BLOB_BYTES = 50 * 1024 * 1024
"""Largest photo or file upload (``blob_too_large``)."""

MAX_USERNAME_CHARS = 32
MIN_USERNAME_CHARS = 3
MAX_DISPLAY_NAME_CHARS = 64
MAX_BIO_CHARS = 512
"""Longest profile bio (``invalid_field``)."""
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 256
MAX_GROUP_TITLE_CHARS = 128
MAX_GROUP_MEMBERS = 1000
MAX_PAGE = 200
"""Largest page of history or updates a client may ask for in one request."""

RATE_LIMIT_PER_SECOND = 50
"""Requests per second a single connection may make on average."""

RATE_LIMIT_BURST = 200
"""Requests a connection may make in a burst above the average rate."""

AUTH_RATE_LIMIT_PER_MINUTE = 20
"""Sign-in and sign-up attempts per minute per client address."""

TYPING_TTL_SECONDS = 6.0
"""How long a typing indicator lasts unless renewed."""

SESSION_TTL_SECONDS = 60 * 60 * 24 * 180
"""An unused session token expires after this long (``token_expired``)."""

CALL_RING_TIMEOUT_SECONDS = 45.0
"""An unanswered call becomes a missed call after this long."""

USERNAME_PATTERN = r"^[a-z0-9_]{3,32}$"
"""Usernames are lower-case ASCII letters, digits and underscores."""


class ErrorCode(StrEnum):
    """Named error codes carried in ``error`` frames."""

    BAD_FRAME = "bad_frame"
    """The frame is not valid JSON, or not a JSON object with a known ``type``."""
    UNKNOWN_TYPE = "unknown_type"
    INVALID_FIELD = "invalid_field"
    """A field is missing, has the wrong type, or is out of range."""
    FRAME_TOO_LARGE = "frame_too_large"
    PROTOCOL_VERSION = "protocol_version"
    NOT_AUTHENTICATED = "not_authenticated"
    """A request other than ``hello``/``sign_up``/``sign_in``/``ping`` before authentication."""
    ALREADY_AUTHENTICATED = "already_authenticated"
    HELLO_REQUIRED = "hello_required"
    """Any frame before ``hello``."""
    WRONG_CREDENTIALS = "wrong_credentials"
    TOKEN_INVALID = "token_invalid"
    TOKEN_REVOKED = "token_revoked"
    TOKEN_EXPIRED = "token_expired"
    USERNAME_TAKEN = "username_taken"
    INVALID_USERNAME = "invalid_username"
    WEAK_PASSWORD = "weak_password"
    UNKNOWN_USER = "unknown_user"
    UNKNOWN_CHAT = "unknown_chat"
    UNKNOWN_MESSAGE = "unknown_message"
    UNKNOWN_SESSION = "unknown_session"
    FORBIDDEN = "forbidden"
    """The user is not allowed to do this (not a member, not an admin, not the sender)."""
    MESSAGE_TOO_LONG = "message_too_long"
    EMPTY_MESSAGE = "empty_message"
    TOO_MANY_MEMBERS = "too_many_members"
    RATE_LIMITED = "rate_limited"
    """Too many requests: the error carries ``retry_after`` in seconds."""
    BLOB_TOO_LARGE = "blob_too_large"
    BLOB_HASH_MISMATCH = "blob_hash_mismatch"
    BLOB_NOT_FOUND = "blob_not_found"
    UNKNOWN_CALL = "unknown_call"
    CALL_BUSY = "call_busy"
    """The callee is already in a call."""
    CALL_STATE = "call_state"
    """The request does not fit the call's current state (e.g. accepting an ended call)."""
    PEER_OFFLINE = "peer_offline"
    INTERNAL = "internal"
    """A bug on the relay; the request may be retried."""
