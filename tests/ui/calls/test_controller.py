"""The calls controller with the real ``CallManager`` and a fake relay and engine: windows
open, follow the call's states, show frames, and the PiP takes over when the call window
is minimised or hidden."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QWidget

from app.client.events import CallEvent, EventBus
from app.protocol.frames import (
    CallAccept,
    CallDecline,
    CallHangup,
    CallIncoming,
    CallStart,
    CallStateChanged,
)
from app.protocol.types import CallInfo
from app.services.calls import CallManager, EngineStats
from ui.calls.controller import CallController
from ui.calls.state import CallPhase
from ui.windows.pip import PipWindow

ME, PEER = 1, 2


class FakeHub:
    """``media.render.VideoSinkHub``'s surface, with QImages as frames."""

    def __init__(self) -> None:
        self.frame: QImage | None = None
        self._listeners: list[Callable[[object], None]] = []

    def add_listener(self, listener: Callable[[object], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def push(self, image: QImage) -> None:
        self.frame = image
        for listener in list(self._listeners):
            listener(image)

    @property
    def size(self) -> tuple[int, int] | None:
        return (self.frame.width(), self.frame.height()) if self.frame is not None else None

    async def image(self, width: int | None = None, height: int | None = None) -> QImage | None:
        if self.frame is None:
            return None
        if width and height:
            return self.frame.scaled(width, height)
        return self.frame


class FakeEngine:
    def __init__(self, spec: Any, delegate: Any) -> None:
        self.spec = spec
        self.delegate = delegate
        self.local_video = FakeHub()
        self.remote_video = FakeHub()
        self.muted = False
        self.camera_enabled = spec.video
        self.closed = False

    async def create_offer(self, *, ice_restart: bool = False) -> str:
        return "offer"

    async def create_answer(self, offer: str) -> str:
        return "answer"

    async def apply_answer(self, answer: str) -> None:
        pass

    async def stats(self) -> EngineStats:
        return EngineStats(rtt_ms=30.0, send_kbps=500.0, recv_kbps=480.0, packet_loss=0.0)

    def fingerprints(self) -> tuple[str, str] | None:
        return ("sha-256 AA:BB", "sha-256 CC:DD")

    def set_muted(self, muted: bool) -> None:
        self.muted = muted

    def set_camera_enabled(self, enabled: bool) -> bool:
        self.camera_enabled = enabled
        return self.spec.video

    async def close(self) -> None:
        self.closed = True


class FakeRelay:
    """Answers the call requests like the relay; records them."""

    def __init__(self) -> None:
        self.sent: list[Any] = []

    async def request(self, frame: Any) -> Any:
        self.sent.append(frame)
        if isinstance(frame, CallStart):
            return CallInfo(
                call_id="c1", caller_id=ME, callee_id=frame.callee_id, chat_id=7, video=frame.video
            )
        if isinstance(frame, CallAccept):
            return CallInfo(
                call_id=frame.call_id,
                caller_id=PEER,
                callee_id=ME,
                chat_id=7,
                video=frame.video,
                state="accepted",
            )
        return None


class FakeSession:
    me_name = "Sam Jones"

    def name_of(self, user_id: int) -> str:
        return {PEER: "Layla Haddad"}.get(user_id, "Unknown user")

    async def chat(self, chat_id: int) -> Any:
        return type("Chat", (), {"peer_id": PEER if chat_id == 7 else None})()


class FakeMainWindow(QWidget):
    call_requested = Signal(int, bool)


@pytest.fixture
def setup(qtbot):  # noqa: ANN001, ANN201
    bus = EventBus()
    relay = FakeRelay()
    engines: list[FakeEngine] = []

    def factory(spec: Any, delegate: Any) -> FakeEngine:
        engine = FakeEngine(spec, delegate)
        engines.append(engine)
        return engine

    manager = CallManager(requester=relay, bus=bus, engine_factory=factory)
    controller = CallController(manager, FakeSession())
    main = FakeMainWindow()
    qtbot.addWidget(main)
    controller.attach_main_window(main)
    yield controller, manager, relay, engines, main
    for view in list(controller.views.values()):
        view.close()
    for window in list(controller.incoming.values()):
        window.close()
    QApplication.processEvents()


def colour_frame(colour: str, width: int = 320, height: int = 180) -> QImage:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    return image


async def until(predicate: Callable[[], Any], within: float = 3.0) -> None:
    """Let the loop run (Qt events included: qasync) until ``predicate`` holds."""
    deadline = asyncio.get_running_loop().time() + within
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


def phase(view: Any) -> CallPhase:
    return view.window.phase


def run(loop: Any, coro: Any) -> Any:
    return loop.run_until_complete(coro)


def test_outgoing_call_flow_and_pip(qtbot, calls_loop, setup) -> None:  # noqa: ANN001
    controller, manager, relay, engines, main = setup

    async def scenario() -> None:
        created: list[Any] = []
        controller.call_view_created.connect(created.append)
        main.call_requested.emit(7, True)
        await until(lambda: created)
        view = created[0]
        window = view.window
        assert window.isVisible()
        await until(lambda: phase(view) is CallPhase.RINGING)
        assert window.status_text() == "Ringing…"
        assert window.hangup_item.caption.text() == "Cancel"
        assert isinstance(relay.sent[0], CallStart) and relay.sent[0].callee_id == PEER
        engine = engines[0]
        # Our camera shows in the self-view while it rings.
        engine.local_video.push(colour_frame("orange"))
        await until(lambda: window.self_view.frames_received > 0)
        # The peer accepts; the media connects.
        manager.handle_frame(CallStateChanged(call_id="c1", state="accepted"))
        await until(lambda: phase(view) is CallPhase.CONNECTING)
        engine.delegate.engine_link_changed("connected")
        await until(lambda: phase(view) is CallPhase.CONNECTED)
        assert window.status_text() == "00:00"
        # Emoji from the fingerprints (the service publishes CallKeyReady).
        manager.call("c1")._update_emoji()
        await until(lambda: len(window.emoji()) == 4)
        engine.remote_video.push(colour_frame("teal", 640, 360))
        await until(lambda: window.remote_video.frames_received > 0)
        # Mute from the call window reaches the engine.
        qtbot.mouseClick(window.mute_button, Qt.MouseButton.LeftButton)
        assert engine.muted
        # Minimising the call window brings up the PiP, mirroring the mute state.
        window.showMinimized()
        await until(lambda: view.pip is not None and view.pip.isVisible())
        pip: PipWindow = view.pip
        assert pip.mute_button.isChecked()
        engine.remote_video.push(colour_frame("purple", 640, 360))
        await until(lambda: pip.remote.frames_received > 0)
        # Double-click on the PiP returns to the call window.
        qtbot.mouseDClick(pip, Qt.MouseButton.LeftButton, pos=pip.rect().center())
        await until(lambda: window.isVisible() and not window.isMinimized())
        assert not pip.isVisible()
        # The PiP button hides the call window (back to the chats), the PiP appears.
        qtbot.mouseClick(window.pip_button, Qt.MouseButton.LeftButton)
        await until(lambda: pip.isVisible() and not window.isVisible())
        # Closing the window instead has the same effect.
        pip.return_to_call_requested.emit()
        await until(lambda: window.isVisible() and not pip.isVisible())
        window.close()
        await until(lambda: pip.isVisible())
        # Hang up from the PiP: the relay is told, both windows go after the message.
        window.close_delay_ms = 50
        closed: list[bool] = []
        view.closed.connect(lambda: closed.append(True))
        pip.hangup_requested.emit()
        await until(lambda: any(isinstance(f, CallHangup) for f in relay.sent))
        await until(lambda: phase(view) is CallPhase.ENDED)
        assert pip.status_text() == "Call ended"
        await until(lambda: closed, within=5.0)
        assert engine.closed

    run(calls_loop, scenario())


def test_busy_callee(qtbot, calls_loop, setup) -> None:  # noqa: ANN001
    controller, manager, relay, engines, main = setup

    async def scenario() -> None:
        created: list[Any] = []
        controller.call_view_created.connect(created.append)
        controller.call_user(PEER, True)
        await until(lambda: created)
        view = created[0]
        manager.handle_frame(CallStateChanged(call_id="c1", state="ended", reason="busy"))
        await until(lambda: phase(view) is CallPhase.ENDED)
        assert view.window.status_text() == "Layla Haddad is on another call"

    run(calls_loop, scenario())


def test_incoming_accept_and_decline(qtbot, calls_loop, setup) -> None:  # noqa: ANN001
    controller, manager, relay, engines, main = setup

    def ring(call_id: str, video: bool = True) -> None:
        info = CallInfo(call_id=call_id, caller_id=PEER, callee_id=ME, chat_id=7, video=video)
        manager.bus.publish(CallEvent(frame=CallIncoming(call=info)))

    async def scenario() -> None:
        shown: list[Any] = []
        created: list[Any] = []
        controller.incoming_shown.connect(shown.append)
        controller.call_view_created.connect(created.append)
        # Declined.
        ring("in1")
        await until(lambda: shown)
        incoming = shown[0]
        assert incoming.name_label.text() == "Layla Haddad"
        qtbot.mouseClick(incoming.decline_button, Qt.MouseButton.LeftButton)
        await until(lambda: any(isinstance(f, CallDecline) for f in relay.sent))
        assert not created
        # Cancelled by the caller while ringing.
        ring("in2")
        await until(lambda: len(shown) == 2)
        shown[1].close_delay_ms = 50
        finished: list[bool] = []
        shown[1].finished.connect(lambda: finished.append(True))
        manager.handle_frame(CallStateChanged(call_id="in2", state="ended", reason="cancelled"))
        await until(lambda: shown[1].status_text() == "Layla Haddad cancelled the call")
        await until(lambda: finished)
        # Accepted with audio only: the call window opens connecting.
        ring("in3")
        await until(lambda: len(shown) == 3)
        qtbot.mouseClick(shown[2].accept_audio_button, Qt.MouseButton.LeftButton)
        await until(lambda: created)
        view = created[0]
        await until(lambda: any(isinstance(f, CallAccept) for f in relay.sent))
        accept = next(f for f in relay.sent if isinstance(f, CallAccept))
        assert accept.call_id == "in3" and accept.video is False
        assert phase(view) is CallPhase.CONNECTING
        assert not view.window.camera_button.isEnabled()
        engines[-1].delegate.engine_link_changed("connected")
        await until(lambda: phase(view) is CallPhase.CONNECTED)

    run(calls_loop, scenario())
