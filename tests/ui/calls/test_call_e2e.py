"""End to end: two clients with the calls UI through a real relay and real aiortc peers with
synthetic media. One calls, the other accepts in the incoming-call window, both call windows
show the other side's decoded video and the same emoji, hanging up ends both."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.helpers.relay import start_relay
from tests.ui.calls.two_clients import close_side, introduce, open_side, until
from ui.calls.state import CallPhase


@pytest.mark.slow
def test_two_clients_call_through_relay(qtbot, calls_loop, tmp_path: Path) -> None:  # noqa: ANN001
    relay = start_relay(tmp_path, fast_password_hashing=True, call_grace=0.5)

    async def scenario() -> None:
        alice = await open_side(relay.url, tmp_path, "alice", "Alice Adams")
        bob = await open_side(relay.url, tmp_path, "bob", "Bob Brown")
        try:
            introduce(alice, bob)
            alice.controller.call_user(bob.user_id, True)
            await until(lambda: bob.incoming, what="the incoming-call window")
            ringing = bob.incoming[0]
            assert ringing.name_label.text() == "Alice Adams"
            a_view = alice.views[0]
            await until(lambda: a_view.window.phase is CallPhase.RINGING, what="ringing")
            qtbot.mouseClick(ringing.accept_video_button, Qt.MouseButton.LeftButton)
            await until(lambda: bob.views, what="bob's call window")
            b_view = bob.views[0]
            for view, who in ((a_view, "alice"), (b_view, "bob")):
                await until(
                    lambda v=view: v.window.phase is CallPhase.CONNECTED, 20, f"{who} connected"
                )
            for view, who in ((a_view, "alice"), (b_view, "bob")):
                await until(
                    lambda v=view: v.window.remote_video.frames_received >= 5,
                    15,
                    f"{who} shows remote frames",
                )
                await until(
                    lambda v=view: v.window.self_view.frames_received >= 1,
                    5,
                    f"{who} shows the self-view",
                )
                await until(lambda v=view: len(v.window.emoji()) == 4, 5, f"{who} emoji")
            assert a_view.window.emoji() == b_view.window.emoji()
            image: Any = a_view.window.remote_video.current_frame()
            assert image is not None and not image.isNull()
            # Hang up on Alice's side: both windows end and close.
            for view in (a_view, b_view):
                view.window.close_delay_ms = 100
            closed: list[str] = []
            a_view.closed.connect(lambda: closed.append("alice"))
            b_view.closed.connect(lambda: closed.append("bob"))
            qtbot.mouseClick(a_view.window.hangup_button, Qt.MouseButton.LeftButton)
            for view, who in ((a_view, "alice"), (b_view, "bob")):
                await until(lambda v=view: v.window.phase is CallPhase.ENDED, 10, f"{who} ended")
            assert a_view.window.status_text().startswith("Call ended")
            assert b_view.window.status_text().startswith("Call ended")
            await until(lambda: sorted(closed) == ["alice", "bob"], 5, "both windows closed")
        finally:
            await close_side(alice)
            await close_side(bob)

    try:
        calls_loop.run_until_complete(asyncio.wait_for(scenario(), 60))
    finally:
        relay.stop()
