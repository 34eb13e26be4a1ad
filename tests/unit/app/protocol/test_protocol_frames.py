"""Every protocol frame and data type round-trips through the JSON codec (hypothesis)."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.protocol import frames, types
from app.protocol.frames import (
    RESULT_TYPES,
    ClientFrame,
    ProtocolError,
    Result,
    ServerFrame,
    decode_client_frame,
    decode_server_frame,
    encode,
    result_data,
)
from app.protocol.limits import MAX_FRAME_BYTES, ErrorCode

_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
_ints = st.integers(min_value=-(2**63), max_value=2**63 - 1)
_floats = st.floats(allow_nan=False, allow_infinity=False)


st.register_type_strategy(str, _text)
st.register_type_strategy(int, _ints)
st.register_type_strategy(float, _floats)


def _struct_strategy(kind: type) -> st.SearchStrategy[Any]:
    """Draw every field explicitly (hypothesis cannot use msgspec's default factories)."""
    return st.builds(
        kind,
        **{
            f.name: st.deferred(lambda t=f.type: st.from_type(t))
            for f in msgspec.structs.fields(kind)
        },
    )


for _module in (types, frames):
    for _value in vars(_module).values():
        if (
            isinstance(_value, type)
            and issubclass(_value, msgspec.Struct)
            and _value.__module__ == _module.__name__
            and _value not in (Result, frames.Frame, frames.Request)
            and not _value.__name__.startswith("_")
        ):
            st.register_type_strategy(_value, _struct_strategy(_value))

CLIENT = list(ClientFrame.__args__)  # type: ignore[attr-defined]
SERVER = [t for t in ServerFrame.__args__ if t is not Result]  # type: ignore[attr-defined]
DATA = [
    types.User,
    types.Session,
    types.Chat,
    types.Message,
    types.UpdatesPage,
    types.AuthResult,
    types.CallInfo,
    types.IceServer,
    types.SeqUpdate,
]


@pytest.mark.parametrize("kind", CLIENT, ids=lambda k: k.__name__)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_client_frames_round_trip(kind: type, data: st.DataObject) -> None:
    frame = data.draw(st.from_type(kind))
    assert decode_client_frame(encode(frame)) == frame


@pytest.mark.parametrize("kind", SERVER, ids=lambda k: k.__name__)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_server_frames_round_trip(kind: type, data: st.DataObject) -> None:
    frame = data.draw(st.from_type(kind))
    assert decode_server_frame(encode(frame)) == frame


@pytest.mark.parametrize("kind", DATA, ids=lambda k: k.__name__)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_data_types_round_trip(kind: type, data: st.DataObject) -> None:
    value = data.draw(st.from_type(kind))
    assert msgspec.json.decode(msgspec.json.encode(value), type=kind) == value


@pytest.mark.parametrize(
    "request_type", [k for k, v in RESULT_TYPES.items() if v is not None], ids=lambda k: k.__name__
)
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_results_round_trip(request_type: type, data: st.DataObject) -> None:
    value = data.draw(st.from_type(RESULT_TYPES[request_type]))
    frame = decode_server_frame(encode(Result(id=1, data=value)))
    assert isinstance(frame, Result)
    assert result_data(request_type, frame.data) == value


@pytest.mark.parametrize(
    "payload,code,request_id",
    [
        (b"{", ErrorCode.BAD_FRAME, None),
        (b"[]", ErrorCode.BAD_FRAME, None),
        (b'{"id":1}', ErrorCode.BAD_FRAME, 1),
        (b'{"type":"nope","id":2}', ErrorCode.UNKNOWN_TYPE, 2),
        (b'{"type":"send_message","id":3,"chat_id":"1","random_id":1}', ErrorCode.INVALID_FIELD, 3),
        (b'{"type":"hello"}', ErrorCode.INVALID_FIELD, None),
        (b" " * (MAX_FRAME_BYTES + 1), ErrorCode.FRAME_TOO_LARGE, None),
    ],
)
def test_codec_error_codes(payload: bytes, code: ErrorCode, request_id: int | None) -> None:
    with pytest.raises(ProtocolError) as err:
        decode_client_frame(payload)
    assert err.value.code == code
    assert err.value.request_id == request_id


def test_unknown_fields_are_ignored() -> None:
    frame = decode_client_frame(b'{"type":"ping","id":9,"future_field":[1,2]}')
    assert frame == frames.Ping(id=9)


def test_bad_result_data() -> None:
    with pytest.raises(ProtocolError) as err:
        result_data(frames.GetMe, {"id": "x"})
    assert err.value.code == ErrorCode.INVALID_FIELD
    assert result_data(frames.Ping, None) is None
