"""The Risala wire protocol (version 1): typed frames and data, limits, error codes.

No I/O here: see ``frames.encode``, ``frames.decode_client_frame`` and
``frames.decode_server_frame``.
The full reference for third-party clients is docs/protocol.md.
"""

from app.protocol.frames import *  # noqa: F403
from app.protocol.limits import *  # noqa: F403
from app.protocol.types import *  # noqa: F403
