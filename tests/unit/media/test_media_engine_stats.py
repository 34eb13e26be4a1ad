"""The call-quality figures come from aiortc's stats report as aiortc actually fills it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from app.services.calls import EngineSpec
from media.capture import MediaOptions
from media.engine import AiortcEngine


class _Delegate:
    def engine_link_changed(self, link: Any) -> None:
        pass


class _FakePeerConnection:
    """Only ``getStats``: the engine reads nothing else in ``stats()``."""

    def __init__(self, *stats: SimpleNamespace) -> None:
        self._stats = stats

    async def getStats(self) -> dict[str, SimpleNamespace]:  # noqa: N802 - aiortc's name
        return {str(i): s for i, s in enumerate(self._stats)}


def _engine(*stats: SimpleNamespace) -> AiortcEngine:
    spec = EngineSpec(call_id="c1", video=False, outgoing=True)
    engine = AiortcEngine(spec, _Delegate(), options=MediaOptions(synthetic=True))
    engine._pc = _FakePeerConnection(*stats)  # type: ignore[assignment]
    return engine


def _remote_inbound(rtt: float | None, fraction_lost: int | None) -> SimpleNamespace:
    return SimpleNamespace(type="remote-inbound-rtp", roundTripTime=rtt, fractionLost=fraction_lost)


async def test_no_round_trip_yet_gives_no_rtt_instead_of_an_error() -> None:
    engine = _engine(_remote_inbound(None, 0), _remote_inbound(0.020, 0))
    stats = await engine.stats()
    assert stats.rtt_ms is not None and abs(stats.rtt_ms - 20.0) < 1e-6
    none_yet = await _engine(_remote_inbound(None, None)).stats()
    assert none_yet.rtt_ms is None and none_yet.packet_loss is None


async def test_fraction_lost_is_the_rtcp_byte_out_of_256() -> None:
    # One lost packet in 256 is 0.4 %, not 100 %.
    stats = await _engine(_remote_inbound(0.01, 1), _remote_inbound(0.01, 64)).stats()
    assert stats.packet_loss == 64 / 256
    one = await _engine(_remote_inbound(0.01, 1)).stats()
    assert one.packet_loss == 1 / 256
