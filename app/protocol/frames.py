"""The frames of protocol version 1 and their JSON codec.

Every WebSocket text frame is one JSON object whose ``type`` field names the frame.
Client requests carry an integer ``id`` chosen by the client; the relay answers each with
``result {id, data}`` or ``error {id, code, message}``. The relay also pushes ``update``
frames (persistent, numbered by ``seq``) and ``event`` frames (ephemeral: typing, calls).

This module does no I/O: it turns bytes into typed frames and back (sans-I/O, like the
``websockets`` core), so the relay and the client wrap it in a few lines each.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from app.protocol.limits import MAX_FRAME_BYTES, ErrorCode
from app.protocol.types import (
    Attachment,
    AuthResult,
    CallEndReason,
    CallInfo,
    CallState,
    Chat,
    ChatHead,
    ChatUpdatesPage,
    ForwardRef,
    IceServer,
    Message,
    Role,
    Session,
    Update,
    UpdatesPage,
    User,
)


class Frame(
    msgspec.Struct, kw_only=True, tag_field="type", forbid_unknown_fields=False, omit_defaults=True
):
    """Base of every frame. Unknown extra fields are ignored (forward compatibility)."""


class Request(Frame):
    """Base of client requests. ``id`` is echoed in the reply."""

    id: int


# --- client → relay -------------------------------------------------------------------


class Hello(Frame, tag="hello"):
    """First frame on a connection. ``token`` resumes a session; null stays anonymous."""

    protocol: int
    token: str | None = None
    device: str = ""


class Ping(Request, tag="ping"):
    pass


class SignUp(Request, tag="sign_up"):
    username: str
    display_name: str
    password: str
    device: str = ""


class SignIn(Request, tag="sign_in"):
    username: str
    password: str
    device: str = ""


class SignOut(Request, tag="sign_out"):
    """Revokes the current session; the connection becomes anonymous."""


class ListSessions(Request, tag="list_sessions"):
    pass


class RevokeSession(Request, tag="revoke_session"):
    session_id: str


class GetMe(Request, tag="get_me"):
    pass


class LookupUser(Request, tag="lookup_user"):
    username: str


class GetUsers(Request, tag="get_users"):
    user_ids: list[int]


class UpdateProfile(Request, tag="update_profile"):
    display_name: str | None = None
    bio: str | None = None


class OpenDirectChat(Request, tag="open_direct_chat"):
    """Returns the 1:1 chat with ``user_id``, creating it on first use."""

    user_id: int


class CreateGroup(Request, tag="create_group"):
    title: str
    member_ids: list[int] = []


class RenameGroup(Request, tag="rename_group"):
    chat_id: int
    title: str


class AddMembers(Request, tag="add_members"):
    chat_id: int
    user_ids: list[int]


class RemoveMember(Request, tag="remove_member"):
    chat_id: int
    user_id: int


class SetRole(Request, tag="set_role"):
    chat_id: int
    user_id: int
    role: Role


class LeaveChat(Request, tag="leave_chat"):
    chat_id: int


class GetChats(Request, tag="get_chats"):
    pass


class SendMessage(Request, tag="send_message"):
    """Idempotent on (sender, ``random_id``): a resend returns the original message."""

    chat_id: int
    random_id: int
    text: str = ""
    reply_to: int | None = None
    attachment: Attachment | None = None
    forward: ForwardRef | None = None


class EditMessage(Request, tag="edit_message"):
    chat_id: int
    message_id: int
    text: str


class DeleteMessage(Request, tag="delete_message"):
    """Delete for everyone."""

    chat_id: int
    message_id: int


class MarkRead(Request, tag="mark_read"):
    chat_id: int
    max_id: int


class SetTyping(Request, tag="set_typing"):
    chat_id: int


class GetHistory(Request, tag="get_history"):
    """Messages of ``chat_id`` older than ``before_id`` (or the newest), newest first."""

    chat_id: int
    before_id: int | None = None
    limit: int = 50


class GetUpdates(Request, tag="get_updates"):
    after_seq: int
    limit: int = 100


class GetChatUpdates(Request, tag="get_chat_updates"):
    """Entries of a group's update log after ``after_pts``, oldest first (members only)."""

    chat_id: int
    after_pts: int
    limit: int = 100


class GetChatHeads(Request, tag="get_chat_heads"):
    """The head ``pts`` of every group the user is in (which logs to catch up)."""


class GetIceServers(Request, tag="get_ice_servers"):
    pass


class CallStart(Request, tag="call_start"):
    callee_id: int
    video: bool = True


class CallAccept(Request, tag="call_accept"):
    call_id: str
    video: bool = True


class CallDecline(Request, tag="call_decline"):
    call_id: str


class CallHangup(Request, tag="call_hangup"):
    """Ends the call (or cancels it while ringing)."""

    call_id: str


class CallSignal(Request, tag="call_signal"):
    """An SDP offer or answer for the other party of ``call_id``."""

    call_id: str
    sdp_type: Literal["offer", "answer"]
    sdp: str


ClientFrame = (
    Hello
    | Ping
    | SignUp
    | SignIn
    | SignOut
    | ListSessions
    | RevokeSession
    | GetMe
    | LookupUser
    | GetUsers
    | UpdateProfile
    | OpenDirectChat
    | CreateGroup
    | RenameGroup
    | AddMembers
    | RemoveMember
    | SetRole
    | LeaveChat
    | GetChats
    | SendMessage
    | EditMessage
    | DeleteMessage
    | MarkRead
    | SetTyping
    | GetHistory
    | GetUpdates
    | GetChatUpdates
    | GetChatHeads
    | GetIceServers
    | CallStart
    | CallAccept
    | CallDecline
    | CallHangup
    | CallSignal
)

RESULT_TYPES: dict[type[Request], Any] = {
    Ping: None,
    SignUp: AuthResult,
    SignIn: AuthResult,
    SignOut: None,
    ListSessions: list[Session],
    RevokeSession: None,
    GetMe: User,
    LookupUser: User,
    GetUsers: list[User],
    UpdateProfile: User,
    OpenDirectChat: Chat,
    CreateGroup: Chat,
    RenameGroup: Chat,
    AddMembers: Chat,
    RemoveMember: Chat,
    SetRole: Chat,
    LeaveChat: None,
    GetChats: list[Chat],
    SendMessage: Message,
    EditMessage: Message,
    DeleteMessage: None,
    MarkRead: None,
    SetTyping: None,
    GetHistory: list[Message],
    GetUpdates: UpdatesPage,
    GetChatUpdates: ChatUpdatesPage,
    GetChatHeads: list[ChatHead],
    GetIceServers: list[IceServer],
    CallStart: CallInfo,
    CallAccept: CallInfo,
    CallDecline: None,
    CallHangup: None,
    CallSignal: None,
}
"""What ``result.data`` holds for each request (``None``: null)."""

ANONYMOUS_REQUESTS: tuple[type[Request], ...] = (Ping, SignUp, SignIn)
"""Requests allowed before the connection is authenticated."""


# --- relay → client -------------------------------------------------------------------


class Welcome(Frame, tag="welcome"):
    """Reply to ``hello``. ``user`` is null on an anonymous connection; ``seq`` is the head
    of the user's update sequence (0 when anonymous)."""

    protocol: int
    server_time: float
    user: User | None = None
    session_id: str | None = None
    seq: int = 0


class Result(Frame, tag="result"):
    id: int
    data: Any = None


class Error(Frame, tag="error", kw_only=True):
    """``id`` is null when the failing frame had no readable id (or was not a request)."""

    id: int | None = None
    code: ErrorCode
    message: str
    retry_after: float | None = None


class UpdateFrame(Frame, tag="update"):
    """A persistent change for this user, ``seq`` numbered (see ``get_updates``)."""

    seq: int
    update: Update


class ChatUpdateFrame(Frame, tag="chat_update"):
    """A persistent change in group ``chat_id``, numbered by that group's ``pts`` (see
    ``get_chat_updates``). Sent once, with the same bytes, to every member's connections:
    group messages, edits, deletes and read marks are not copied into each member's
    ``seq`` (a 1,000-member group would otherwise store and encode 1,000 of each)."""

    chat_id: int
    pts: int
    update: Update


class Typing(Frame, tag="typing"):
    chat_id: int
    user_id: int


class CallIncoming(Frame, tag="call_incoming"):
    call: CallInfo


class CallStateChanged(Frame, tag="call_state"):
    call_id: str
    state: CallState
    reason: CallEndReason | None = None
    by_user_id: int | None = None


class CallSignalEvent(Frame, tag="call_signal_event"):
    call_id: str
    from_user_id: int
    sdp_type: Literal["offer", "answer"]
    sdp: str


ServerFrame = (
    Welcome
    | Result
    | Error
    | UpdateFrame
    | ChatUpdateFrame
    | Typing
    | CallIncoming
    | CallStateChanged
    | CallSignalEvent
)


# --- codec ----------------------------------------------------------------------------


class ProtocolError(Exception):
    """A frame that cannot be accepted. ``request_id`` is the frame's id when readable."""

    def __init__(self, code: ErrorCode, message: str, request_id: int | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.request_id = request_id


class _IdProbe(msgspec.Struct, forbid_unknown_fields=False):
    id: int | None = None
    type: str | None = None


_encoder = msgspec.json.Encoder()
_client_decoder = msgspec.json.Decoder(ClientFrame)
_server_decoder = msgspec.json.Decoder(ServerFrame)
_probe_decoder = msgspec.json.Decoder(_IdProbe)
_CLIENT_TAGS = frozenset(t.__struct_config__.tag for t in ClientFrame.__args__)
_SERVER_TAGS = frozenset(t.__struct_config__.tag for t in ServerFrame.__args__)


def encode(frame: Frame) -> bytes:
    """Serialise a frame to UTF-8 JSON bytes."""
    return _encoder.encode(frame)


def _decode(data: bytes | str, decoder: msgspec.json.Decoder[Any], tags: frozenset[str]) -> Any:
    if len(data) > MAX_FRAME_BYTES:
        raise ProtocolError(ErrorCode.FRAME_TOO_LARGE, f"frame exceeds {MAX_FRAME_BYTES} bytes")
    try:
        return decoder.decode(data)
    except msgspec.DecodeError as exc:
        try:
            probe = _probe_decoder.decode(data)
        except (msgspec.DecodeError, msgspec.ValidationError):
            raise ProtocolError(ErrorCode.BAD_FRAME, f"not a JSON object: {exc}") from None
        request_id = probe.id if probe.id is None or probe.id >= 0 else None
        if probe.type is None:
            raise ProtocolError(ErrorCode.BAD_FRAME, "missing 'type'", request_id) from None
        if probe.type not in tags:
            raise ProtocolError(
                ErrorCode.UNKNOWN_TYPE, f"unknown frame type {probe.type!r}", request_id
            ) from None
        raise ProtocolError(ErrorCode.INVALID_FIELD, str(exc), request_id) from None


def decode_client_frame(data: bytes | str) -> ClientFrame:
    """Parse a frame sent by a client. Raises ``ProtocolError`` with a specific code."""
    return _decode(data, _client_decoder, _CLIENT_TAGS)  # type: ignore[no-any-return]


def decode_server_frame(data: bytes | str) -> ServerFrame:
    """Parse a frame sent by the relay. Raises ``ProtocolError`` with a specific code."""
    return _decode(data, _server_decoder, _SERVER_TAGS)  # type: ignore[no-any-return]


def result_data(request: type[Request], data: Any) -> Any:
    """Convert ``result.data`` (plain JSON values) to the typed result of ``request``."""
    expected = RESULT_TYPES[request]
    if expected is None:
        return None
    try:
        return msgspec.convert(data, expected)
    except msgspec.ValidationError as exc:
        raise ProtocolError(
            ErrorCode.INVALID_FIELD, f"bad result for {request.__name__}: {exc}"
        ) from None
