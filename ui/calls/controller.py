"""Wires calls to windows: the main window's call buttons and the ``CallManager``'s events on
one side, the incoming-call window, the call window and the PiP on the other.

``CallController`` is the one object the app creates. For each call it makes a ``CallView``
that owns that call's windows and feeds them: phase and timer from ``CallStateUpdated``,
emoji from ``CallKeyReady``, video from the engine's ``VideoSinkHub``s (converted to
``QImage`` at the size shown, one conversion in flight per widget, never on a fast path),
call quality from ``Call.stats()`` every two seconds. User actions go back to the ``Call``
and its engine as owned tasks (``ui.tasks.TaskOwner``); a failed action is shown, never
swallowed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QWidget

from app.client.events import Event
from app.services.calls import (
    Call,
    CallKeyReady,
    CallManager,
    CallState,
    CallStateUpdated,
    IncomingCall,
)
from ui.calls.devices import (
    DeviceKind,
    available_devices,
    media_device_ids,
    save_device_id,
    selected_device,
)
from ui.calls.state import ACTIVE_PHASES, CallPhase, CallTexts, EndReason, parse_end_reason
from ui.calls.video import VideoWidget, fit_rect
from ui.tasks import TaskOwner

if TYPE_CHECKING:  # the call windows load with the first call, not with the app
    from ui.windows.incoming_call import IncomingCallWindow
    from ui.windows.pip import PipWindow

log = logging.getLogger(__name__)

STATS_INTERVAL_MS = 2000


def phase_of(state: CallState | str, *, outgoing: bool) -> CallPhase:
    """The UI phase for the service's state. The service's ``calling`` means the callee's
    devices ring (the relay accepted ``call_start``): the caller sees "Ringing…"."""
    state = CallState(state)
    if state is CallState.CALLING:
        return CallPhase.RINGING if outgoing else CallPhase.CALLING
    return state


class HubFeed(QObject):
    """Keeps one ``VideoWidget`` showing the newest frame of one ``media.render.VideoSinkHub``.

    The hub's listener only marks the feed dirty; one owned task at a time asks the hub for
    the frame as a ``QImage`` at the size the widget shows it (the hub converts in a worker
    thread when large) and pushes it. Frames that arrive meanwhile collapse into one. A
    hidden widget costs nothing: its frames are not converted.
    """

    def __init__(self, hub: Any, widget: VideoWidget, tasks: TaskOwner) -> None:
        super().__init__(widget)
        self.hub = hub
        self.widget = widget
        self._tasks = tasks
        self._dirty = False
        self._busy = False
        self._closed = False
        self._remove = hub.add_listener(self._on_frame)

    def close(self) -> None:
        self._closed = True
        if self._remove is not None:
            self._remove()
            self._remove = None

    def _on_frame(self, _frame: object) -> None:
        self._dirty = True
        if not self._busy and not self._closed and self.widget.isVisible():
            self._busy = True
            self._tasks.run(self._pump(), None, self._failed)

    def _target_size(self) -> tuple[int, int] | None:
        size = self.hub.size
        if size is None:
            return None
        frame = QSize(*size)
        ratio = self.widget.devicePixelRatioF()
        shown = fit_rect(frame, self.widget.rect(), cover=getattr(self.widget, "_cover", False))
        width = min(frame.width(), max(2, round(shown.width() * ratio)))
        height = min(frame.height(), max(2, round(shown.height() * ratio)))
        if width >= frame.width() or height >= frame.height():
            return None  # never upscale in the converter: painting scales for free
        return width & ~1, height & ~1

    async def _pump(self) -> None:
        try:
            while self._dirty and not self._closed:
                self._dirty = False
                target = self._target_size()
                image = await (self.hub.image(*target) if target else self.hub.image())
                if image is not None and not self._closed:
                    self.widget.push_frame(image)
        finally:
            self._busy = False

    def _failed(self, exc: BaseException) -> None:
        log.warning("video conversion failed: %r", exc)


class CallView(QObject):
    """The windows of one call and their wiring to it.

    Signals: ``closed()`` once every window of the call is gone.
    """

    closed = Signal()

    def __init__(
        self,
        peer_name: str,
        *,
        outgoing: bool,
        video: bool,
        self_name: str,
        tasks: TaskOwner,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.call: Call | None = None
        self.call_id: str | None = None
        self.peer_name = peer_name
        self.outgoing = outgoing
        self.video = video
        self._tasks = tasks
        self._texts = CallTexts(self)
        self._feeds: list[HubFeed] = []
        self._engine: Any = None
        self._done = False
        from ui.windows.call import CallWindow

        self.window = CallWindow(peer_name, outgoing=outgoing, video=video, self_name=self_name)
        self.pip: PipWindow | None = None
        self._self_name = self_name
        w = self.window
        w.hangup_requested.connect(self.hang_up)
        w.mute_toggled.connect(self._set_muted)
        w.camera_toggled.connect(self._set_camera)
        w.switch_camera_requested.connect(self._switch_camera)
        w.device_chosen.connect(self._device_chosen)
        w.pip_requested.connect(self.show_pip)
        w.minimized.connect(self.show_pip)
        w.hidden_during_call.connect(self.show_pip)
        w.restored.connect(self._hide_pip)
        w.finished.connect(self._window_finished)
        if not video:
            w.set_camera_enabled(False)
            w.set_remote_video_enabled(False)
        self._update_switch_button()
        self._stats_timer = QTimer(self)
        self._stats_timer.setInterval(STATS_INTERVAL_MS)
        self._stats_timer.timeout.connect(self._poll_stats)
        self._stats_failed = False

    # --- binding to the call ------------------------------------------------------------

    def bind(self, call: Call) -> None:
        """Attach the service's call (outgoing calls get it after ``start_call`` returns)."""
        self.call = call
        self.call_id = call.call_id
        self._attach_engine()

    def _attach_engine(self) -> None:
        call = self.call
        engine = getattr(call, "engine", None) if call is not None else None
        if engine is None or engine is self._engine:
            return
        self._engine = engine
        speaker = media_device_ids().get("speaker_id")
        audio_out = getattr(engine, "audio_out", None)
        if speaker and audio_out is not None and getattr(audio_out, "_sink", None) is None:
            audio_out.device_id = speaker  # the engine has no speaker option yet
        for hub_name, widget in (
            ("remote_video", self.window.remote_video),
            ("local_video", self.window.self_view),
        ):
            hub = getattr(engine, hub_name, None)
            if hub is not None:
                self._feeds.append(HubFeed(hub, widget, self._tasks))
        if self.pip is not None:
            self._feed_pip(self.pip)
        self.window.set_muted(bool(getattr(engine, "muted", False)))
        if self.video:
            self.window.set_camera_enabled(bool(getattr(engine, "camera_enabled", True)))

    def _feed_pip(self, pip: PipWindow) -> None:
        engine = self._engine
        if engine is None:
            return
        for hub_name, widget in (("remote_video", pip.remote), ("local_video", pip.local)):
            hub = getattr(engine, hub_name, None)
            if hub is not None:
                self._feeds.append(HubFeed(hub, widget, self._tasks))
                if hub.frame is not None:
                    HubFeed._on_frame(self._feeds[-1], hub.frame)

    def apply_state(self, event: CallStateUpdated) -> None:
        """A ``CallStateUpdated`` for this call."""
        self._attach_engine()
        phase = phase_of(event.state, outgoing=self.outgoing)
        reason = parse_end_reason(event.reason) if event.reason else None
        self.window.set_phase(phase, reason=reason, connected_at=event.connected_at)
        if phase in (CallPhase.CONNECTED, CallPhase.RECONNECTING):
            if not self._stats_timer.isActive():
                self._stats_timer.start()
        if self.pip is not None:
            if phase is CallPhase.RECONNECTING:
                self.pip.set_status_text(
                    self._texts.phase_text(phase, outgoing=self.outgoing, video=self.video)
                )
            elif phase is CallPhase.ENDED:
                assert reason is not None
                self.pip.set_ended(
                    self._texts.end_text(reason, self.peer_name, outgoing=self.outgoing)
                )
            else:
                self.pip.set_status_text("")
        if phase is CallPhase.ENDED:
            self._stats_timer.stop()
            for feed in self._feeds:
                feed.close()
            if self.pip is not None and self.pip.isVisible():
                # The call window is hidden: the PiP says why, then both go.
                QTimer.singleShot(self.window.close_delay_ms, self._close_pip)

    def set_emoji(self, emoji: tuple[str, ...]) -> None:
        self.window.set_emoji(emoji)

    # --- windows ------------------------------------------------------------------------

    def show_window(self) -> None:
        self._hide_pip()
        w = self.window
        if w.isMinimized():
            w.showNormal()
        else:
            w.show()
        w.raise_()
        w.activateWindow()

    def show_pip(self) -> None:
        """The call goes on while the user is elsewhere: the small window takes over."""
        if self.window.phase not in ACTIVE_PHASES:
            return
        if self.pip is None:
            from ui.windows.pip import PipWindow

            pip = PipWindow()
            pip.setLayoutDirection(self.window.layoutDirection())
            pip.set_peer_name(self.peer_name)
            pip.set_self_name(self._self_name)
            pip.return_to_call_requested.connect(self.show_window)
            pip.hangup_requested.connect(self.hang_up)
            pip.mute_toggled.connect(self._set_muted)
            pip.camera_toggled.connect(self._set_camera)
            if not self.video:
                pip.camera_button.setEnabled(False)
                pip.set_camera_enabled(False)
                pip.set_remote_video_enabled(False)
            self.pip = pip
            self._feed_pip(pip)
        pip = self.pip
        pip.set_muted(self.window.mute_button.isChecked())
        if self.video:
            pip.set_camera_enabled(not self.window.camera_button.isChecked())
        if self.window.pip_button.isChecked():
            self.window.pip_button.setChecked(False)
        if not self.window.isMinimized() and self.window.isVisible():
            self.window.hide()  # the PiP button: go back to the chats
        if not pip.isVisible():
            pip.show_in_corner()

    def _hide_pip(self) -> None:
        if self.pip is not None:
            self.pip.hide()

    def _close_pip(self) -> None:
        if self.pip is not None:
            self.pip.close()
            self.pip.deleteLater()
            self.pip = None
        self._maybe_closed()

    def _window_finished(self) -> None:
        self._done = True
        if self.pip is None or not self.pip.isVisible():
            self._close_pip()

    def _maybe_closed(self) -> None:
        if self._done and self.pip is None:
            self.window.deleteLater()
            self.closed.emit()

    def close(self) -> None:
        """Tear down at once (shutdown)."""
        self._stats_timer.stop()
        for feed in self._feeds:
            feed.close()
        self.window.close_now()
        self._done = True
        self._close_pip()

    # --- actions ------------------------------------------------------------------------

    def hang_up(self) -> None:
        call = self.call
        if call is None:
            # start_call is still in flight: end the window; the call is hung up when bound.
            self.window.set_phase(CallPhase.ENDED, reason=EndReason.CANCELLED)
            return
        self._tasks.run(call.hangup(), None, self._action_failed)

    def _set_muted(self, muted: bool) -> None:
        self.window.set_muted(muted)
        if self.pip is not None:
            self.pip.set_muted(muted)
        if self._engine is not None:
            self._engine.set_muted(muted)

    def _set_camera(self, enabled: bool) -> None:
        ok = True
        if self._engine is not None:
            ok = bool(self._engine.set_camera_enabled(enabled))
        if not ok:
            enabled = False
        self.window.set_camera_enabled(enabled)
        if self.pip is not None:
            self.pip.set_camera_enabled(enabled)
        self._update_switch_button()

    def _cameras(self) -> list[bytes]:
        return [c.id for c in available_devices(DeviceKind.CAMERA) if c.id and not c.synthetic]

    def _update_switch_button(self) -> None:
        self.window.switch_item.setVisible(self.video and len(self._cameras()) > 1)

    def _switch_camera(self) -> None:
        cameras = self._cameras()
        if len(cameras) < 2:
            return
        current = selected_device(DeviceKind.CAMERA).id
        index = cameras.index(current) if current in cameras else 0
        self._use_camera(cameras[(index + 1) % len(cameras)])

    def _use_camera(self, camera_id: bytes) -> None:
        save_device_id(DeviceKind.CAMERA, camera_id)
        engine = self._engine
        if engine is None or not hasattr(engine, "switch_camera"):
            return
        from media.capture import MediaOptions

        options = MediaOptions(camera_id=camera_id or None, synthetic=camera_id in (b"synthetic",))
        self._tasks.run(engine.switch_camera(options), None, self._action_failed)

    def _device_chosen(self, kind: str, device_id: bytes) -> None:
        if kind == DeviceKind.CAMERA.value:
            self._use_camera(device_id)
        elif kind == DeviceKind.SPEAKER.value and self._engine is not None:
            audio_out = getattr(self._engine, "audio_out", None)
            if audio_out is not None and getattr(audio_out, "_sink", None) is None:
                audio_out.device_id = device_id or None
        # The microphone (and a speaker already playing) apply from the next call: the
        # engine cannot swap them mid-call yet. The choice is saved by the menu.

    def _poll_stats(self) -> None:
        call = self.call
        if call is None or not call.active:
            self._stats_timer.stop()
            return
        self._tasks.run(call.stats(), self.window.set_quality, self._stats_error)

    def _stats_error(self, exc: BaseException) -> None:
        # Polled every two seconds: say it once per call, loudly (the bars stay empty).
        if self._stats_failed:
            log.debug("call stats failed: %r", exc)
        else:
            log.warning("call stats failed: %r", exc, exc_info=exc)
        self._stats_failed = True

    def _action_failed(self, exc: BaseException) -> None:
        log.warning("call action failed: %r", exc)
        self.window.status_label.setToolTip(str(exc))


class CallController(QObject):
    """The calls feature of the app. Give it the ``CallManager`` and how to name people;
    connect a main window with ``attach_main_window``.

    ``session`` is the UI session (``ui.session.UiSession`` or anything with ``name_of``,
    ``me_name``, ``async chat(chat_id)`` and optionally ``async load_users(ids)``).

    Signals: ``call_view_created(object CallView)``, ``incoming_shown(object
    IncomingCallWindow)``, ``error(str)`` (an action failed; the main window may show it).
    """

    call_view_created = Signal(object)
    incoming_shown = Signal(object)
    error = Signal(str)
    _event = Signal(object)

    def __init__(
        self, manager: CallManager, session: Any, *, bus: Any = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.manager = manager
        self.session = session
        self.tasks = TaskOwner("calls")
        self.views: dict[str, CallView] = {}
        self.incoming: dict[str, IncomingCallWindow] = {}
        self._pending_outgoing: CallView | None = None
        self._main_window: QWidget | None = None
        self._event.connect(self._on_event, Qt.ConnectionType.QueuedConnection)
        # ui/bridge.py forwards only raw call frames; the service's call events are taken
        # from the bus here, and re-emitted through a queued signal so windows are never
        # built inside the publisher's stack.
        bus = bus if bus is not None else manager.bus
        self._unsubscribe: Callable[[], None] | None = bus.subscribe(self._publish)
        manager.attach()

    def _publish(self, event: Event) -> None:
        if isinstance(event, IncomingCall | CallStateUpdated | CallKeyReady):
            self._event.emit(event)

    # --- wiring -------------------------------------------------------------------------

    def attach_main_window(self, window: QWidget) -> None:
        """Listen to the window's ``call_requested(int chat_id, bool video)``."""
        self._main_window = window
        signal = getattr(window, "call_requested", None)
        if signal is not None:
            signal.connect(self.call_chat)

    def call_chat(self, chat_id: int, video: bool) -> None:
        """The call button of a 1:1 chat."""
        self.tasks.run(self._call_chat(chat_id, video), None, self._failed)

    async def _call_chat(self, chat_id: int, video: bool) -> None:
        chat = await self.session.chat(chat_id)
        peer_id = getattr(chat, "peer_id", None)
        if not peer_id:
            raise ValueError(self.tr("Calls are only possible in one-to-one chats"))
        await self._call_user(int(peer_id), video)

    def call_user(self, user_id: int, video: bool) -> CallView | None:
        """Call ``user_id``: the call window opens at once, in "Calling…"."""
        active = self._active_view()
        if active is not None:
            active.show_window()
            return None
        view = self._new_view(self._name(user_id), outgoing=True, video=video)
        self._pending_outgoing = view
        self.tasks.run(self._start(view, user_id, video), None, self._failed)
        return view

    async def _call_user(self, user_id: int, video: bool) -> None:
        load = getattr(self.session, "load_users", None)
        if load is not None:
            try:
                await load([user_id])
            except Exception as exc:  # a name is nice to have; the call matters
                log.info("could not load user %s: %r", user_id, exc)
        self.call_user(user_id, video)

    async def _start(self, view: CallView, user_id: int, video: bool) -> None:
        try:
            call = await self.manager.start_call(user_id, video=video)
        finally:
            if self._pending_outgoing is view:
                self._pending_outgoing = None
        self._bind(view, call)
        if view.window.phase is CallPhase.ENDED and call.active:
            await call.hangup()  # cancelled while the request was in flight
        elif not call.active:
            view.window.set_phase(CallPhase.ENDED, reason=call.end_reason)
        else:
            view.apply_state(_state_event(call))

    def _bind(self, view: CallView, call: Call) -> None:
        if view.call is None:
            view.bind(call)
        self.views[call.call_id] = view

    def _new_view(self, name: str, *, outgoing: bool, video: bool) -> CallView:
        view = CallView(
            name,
            outgoing=outgoing,
            video=video,
            self_name=str(getattr(self.session, "me_name", "") or ""),
            tasks=self.tasks,
            parent=self,
        )
        if self._main_window is not None:
            view.window.setLayoutDirection(self._main_window.layoutDirection())
        view.closed.connect(lambda v=view: self._forget(v))
        view.show_window()
        self.call_view_created.emit(view)
        return view

    def _forget(self, view: CallView) -> None:
        for call_id, known in list(self.views.items()):
            if known is view:
                del self.views[call_id]

    def _active_view(self) -> CallView | None:
        for view in [*self.views.values(), self._pending_outgoing]:
            if view is not None and view.window.phase is not CallPhase.ENDED:
                return view
        return None

    def _name(self, user_id: int) -> str:
        return str(self.session.name_of(user_id))

    # --- events from the service --------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        if isinstance(event, IncomingCall):
            self._on_incoming(event)
        elif isinstance(event, CallStateUpdated):
            self._on_state(event)
        elif isinstance(event, CallKeyReady):
            view = self.views.get(event.call_id)
            if view is not None:
                view.set_emoji(event.emoji)

    def _on_incoming(self, event: IncomingCall) -> None:
        call = self.manager.call(event.call_id)
        if call is None or not call.active or event.call_id in self.incoming:
            return
        from ui.windows.incoming_call import IncomingCallWindow

        window = IncomingCallWindow(self._name(event.caller_id), video=event.video)
        if self._main_window is not None:
            window.setLayoutDirection(self._main_window.layoutDirection())
        self.incoming[event.call_id] = window
        window.accepted.connect(lambda video, c=call: self._accept(c, video))
        window.declined.connect(lambda c=call: self.tasks.run(c.decline(), None, self._failed))
        window.finished.connect(lambda cid=event.call_id: self._incoming_finished(cid))
        window.show()
        window.raise_()
        self.incoming_shown.emit(window)

    def _incoming_finished(self, call_id: str) -> None:
        window = self.incoming.pop(call_id, None)
        if window is not None:
            window.deleteLater()

    def _accept(self, call: Call, video: bool) -> None:
        view = self._new_view(
            self._name(call.peer_id), outgoing=False, video=video and call.info.video
        )
        self._bind(view, call)
        view.window.set_phase(CallPhase.CONNECTING)
        self.tasks.run(self._accept_call(call, video, view), None, self._failed)

    async def _accept_call(self, call: Call, video: bool, view: CallView) -> None:
        await call.accept(video=video)
        view.apply_state(_state_event(call))

    def _on_state(self, event: CallStateUpdated) -> None:
        view = self.views.get(event.call_id)
        if view is None and event.outgoing and self._pending_outgoing is not None:
            view = self._pending_outgoing
            call = self.manager.call(event.call_id)
            if call is not None:
                self._bind(view, call)
            else:
                self.views[event.call_id] = view
        if view is not None:
            view.apply_state(event)
        window = self.incoming.get(event.call_id)
        if window is not None and event.state is CallState.ENDED:
            window.show_ended(event.reason or EndReason.CANCELLED)

    def _failed(self, exc: BaseException) -> None:
        log.warning("call failed: %r", exc)
        self.error.emit(str(exc))

    # --- shutdown -----------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close every call window and stop listening; the manager is closed by its owner."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        for view in list(self.views.values()):
            view.close()
        for window in list(self.incoming.values()):
            window.close()
        await self.tasks.aclose()


def _state_event(call: Call) -> CallStateUpdated:
    return CallStateUpdated(
        call_id=call.call_id,
        state=call.state,
        peer_id=call.peer_id,
        outgoing=call.outgoing,
        video=call.video,
        reason=call.end_reason,
        connected_at=call.connected_at,
        detail=call.detail,
    )


def saved_media_options() -> Any:
    """``media.capture.MediaOptions`` for the devices chosen in settings."""
    from media.capture import MediaOptions

    ids = media_device_ids()
    return MediaOptions(camera_id=ids["camera_id"], microphone_id=ids["microphone_id"])


def build_call_manager(app: Any, media_options: Any = None) -> CallManager:
    """A ``CallManager`` for a ``ClientApp`` with the aiortc engine. Each call opens the
    devices saved in settings at that moment, unless ``media_options`` (from
    ``--fake-media`` / ``--camera-file``) fixes them. Until ``ClientApp`` owns a manager,
    the app builds it here (and closes it on shutdown). The media stack (aiortc, PyAV)
    loads with the first call, not with the app: it is a third of the start-up time."""

    def make_engine(spec: Any, delegate: Any) -> Any:
        from media.engine import engine_factory

        options = media_options if media_options is not None else saved_media_options()
        return engine_factory(options)(spec, delegate)

    return CallManager(requester=app.connection, bus=app.bus, engine_factory=make_engine)
