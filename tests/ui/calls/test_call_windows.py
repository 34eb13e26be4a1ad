"""The incoming-call window and the call window, fed by hand (no network, no media)."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent
from PySide6.QtWidgets import QApplication

from ui.calls.state import CallPhase, EndReason, format_duration, initials, parse_end_reason
from ui.calls.widgets import CallQuality
from ui.windows.call import CallWindow
from ui.windows.incoming_call import IncomingCallWindow

EMOJI = ("🐶", "🚀", "🌵", "🍕")


def frame(width: int = 640, height: int = 360, colour: str = "teal") -> QImage:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    return image


# --- incoming-call window ---------------------------------------------------------------


def test_incoming_shows_caller_and_ringing(qtbot) -> None:  # noqa: ANN001
    window = IncomingCallWindow("Layla Haddad", video=True)
    qtbot.addWidget(window)
    window.show()
    assert window.name_label.text() == "Layla Haddad"
    assert window.avatar.text() == "LH"
    assert window.status_text() == "Incoming video call"
    assert window.accept_video_item.isVisibleTo(window)
    assert window.testAttribute(Qt.WidgetAttribute.WA_WState_Visible)


@pytest.mark.parametrize(
    ("button", "video"), [("accept_audio_button", False), ("accept_video_button", True)]
)
def test_incoming_accept(qtbot, button: str, video: bool) -> None:  # noqa: ANN001
    window = IncomingCallWindow("Omar", video=True)
    qtbot.addWidget(window)
    window.show()
    with (
        qtbot.waitSignal(window.finished, timeout=10_000),
        qtbot.waitSignal(window.accepted, timeout=10_000) as blocker,
    ):
        qtbot.mouseClick(getattr(window, button), Qt.MouseButton.LeftButton)
    assert blocker.args == [video]
    assert not window.isVisible()


def test_incoming_decline(qtbot) -> None:  # noqa: ANN001
    window = IncomingCallWindow("Omar", video=False)
    qtbot.addWidget(window)
    window.show()
    assert not window.accept_video_item.isVisibleTo(window)  # audio call: no video answer
    assert window.status_text() == "Incoming audio call"
    with qtbot.assertNotEmitted(window.accepted), qtbot.waitSignal(window.declined, timeout=10_000):
        qtbot.mouseClick(window.decline_button, Qt.MouseButton.LeftButton)
    assert not window.isVisible()


def test_incoming_closing_declines_once(qtbot) -> None:  # noqa: ANN001
    window = IncomingCallWindow("Omar", video=True)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.declined, timeout=10_000):
        window.close()
    with qtbot.assertNotEmitted(window.declined):
        window.close()


def test_incoming_cancelled_by_caller(qtbot) -> None:  # noqa: ANN001
    window = IncomingCallWindow("Omar", video=True)
    window.close_delay_ms = 50
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.finished, timeout=10_000), qtbot.assertNotEmitted(window.declined):
        window.show_ended("cancelled")
        assert window.status_text() == "Omar cancelled the call"
        assert not window.accept_audio_button.isEnabled()
    assert not window.isVisible()


# --- call window ------------------------------------------------------------------------


def make_call_window(qtbot, *, outgoing: bool = True, video: bool = True) -> CallWindow:  # noqa: ANN001
    window = CallWindow("Layla Haddad", outgoing=outgoing, video=video, self_name="Sam")
    window.close_delay_ms = 50
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_outgoing_states_and_cancel(qtbot) -> None:  # noqa: ANN001
    window = make_call_window(qtbot)
    assert window.status_text() == "Calling…"
    assert window.hangup_item.caption.text() == "Cancel"
    assert not window.pip_button.isEnabled()  # nothing to minimise to before an answer
    window.set_phase(CallPhase.RINGING)
    assert window.status_text() == "Ringing…"
    with qtbot.waitSignal(window.hangup_requested, timeout=10_000):
        qtbot.mouseClick(window.hangup_button, Qt.MouseButton.LeftButton)
    window.set_phase(CallPhase.CONNECTING)
    assert window.status_text() == "Connecting…"
    assert window.hangup_item.caption.text() == "End call"
    assert window.pip_button.isEnabled()


def test_connected_timer_and_reconnecting(qtbot) -> None:  # noqa: ANN001
    window = make_call_window(qtbot)
    window.set_phase(CallPhase.CONNECTED, connected_at=time.time() - 65)
    assert window.status_text() == "01:05"
    window.set_phase(CallPhase.RECONNECTING)
    assert window.status_text().startswith("Reconnecting…")
    assert window.status_text().endswith("01:05")
    window.set_phase(CallPhase.CONNECTED)
    # ">=": a loaded machine may skip a tick; the clock must move on, never stand still.
    qtbot.waitUntil(lambda: window.status_text() >= "01:06", timeout=10_000)
    assert format_duration(3725) == "1:02:05"


@pytest.mark.parametrize(
    ("reason", "outgoing", "text"),
    [
        ("hangup", True, "Call ended"),
        ("busy", True, "Layla Haddad is on another call"),
        ("declined", True, "Layla Haddad declined the call"),
        ("missed", True, "No answer from Layla Haddad"),
        ("missed", False, "Missed call from Layla Haddad"),
        ("cancelled", True, "Call cancelled"),
        ("cancelled", False, "Layla Haddad cancelled the call"),
        ("peer_offline", True, "Layla Haddad went offline"),
        ("failed", True, "The call could not be connected"),
        ("something_new", True, "The call could not be connected"),
    ],
)
def test_end_reasons_then_closes(qtbot, reason: str, outgoing: bool, text: str) -> None:  # noqa: ANN001
    window = make_call_window(qtbot, outgoing=outgoing)
    with (
        qtbot.waitSignal(window.finished, timeout=10_000),
        qtbot.assertNotEmitted(window.hidden_during_call),
    ):
        window.set_phase(CallPhase.ENDED, reason=reason)
        assert window.status_text() == text
        assert not window.hangup_button.isEnabled()
    assert not window.isVisible()
    # Late events do not revive an ended call.
    window.set_phase(CallPhase.CONNECTED)
    assert window.phase is CallPhase.ENDED


def test_hangup_after_talking_shows_duration(qtbot) -> None:  # noqa: ANN001
    window = make_call_window(qtbot)
    window.set_phase(CallPhase.CONNECTED, connected_at=time.time() - 125)
    window.set_phase(CallPhase.ENDED, reason=EndReason.HANGUP)
    assert window.status_text() == "Call ended · 02:05"


def test_emoji_and_explanation(qtbot) -> None:  # noqa: ANN001
    window = make_call_window(qtbot)
    assert not window.emoji_label.isVisible()
    window.set_phase(CallPhase.CONNECTED)
    window.set_emoji(EMOJI)
    assert window.emoji() == EMOJI
    assert window.emoji_label.isVisible()
    assert window.emoji_hint.isVisible()
    assert "four emoji match on both screens" in window.emoji_hint.text()
    assert "end-to-end secure" in window.emoji_hint.text()


def test_controls_fade_when_still_and_return_on_move(qtbot) -> None:  # noqa: ANN001
    window = make_call_window(qtbot)
    window.idle_ms = 100
    # Before the answer the controls stay (Cancel must be reachable).
    window.user_activity()
    assert window.controls_visible()
    with qtbot.waitSignal(window.controls_visibility_changed, timeout=10_000) as faded:
        window.set_phase(CallPhase.CONNECTED)
    assert faded.args == [False]
    assert not window.controls_visible()
    qtbot.waitUntil(lambda: not window.controls.isVisible(), timeout=10_000)
    with qtbot.waitSignal(window.controls_visibility_changed, timeout=10_000) as shown:
        event = QMouseEvent(
            QEvent.Type.MouseMove,
            QPointF(100, 100),
            QPointF(window.remote_video.mapToGlobal(QPoint(100, 100))),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(window.remote_video, event)
    assert shown.args == [True]
    assert window.controls.isVisible()
    # ... and fade again after the next still moment.
    with qtbot.waitSignal(window.controls_visibility_changed, timeout=10_000) as again:
        pass
    assert again.args == [False]


def test_controls_emit_actions(qtbot) -> None:  # noqa: ANN001
    window = make_call_window(qtbot)
    window.set_phase(CallPhase.CONNECTED)
    with qtbot.waitSignal(window.mute_toggled, timeout=10_000) as muted:
        qtbot.mouseClick(window.mute_button, Qt.MouseButton.LeftButton)
    assert muted.args == [True]
    assert window.mute_item.caption.text() == "Unmute"
    with qtbot.waitSignal(window.camera_toggled, timeout=10_000) as camera:
        qtbot.mouseClick(window.camera_button, Qt.MouseButton.LeftButton)
    assert camera.args == [False]
    assert not window.self_view.isVisible()
    assert not window.switch_button.isEnabled()
    window.set_camera_enabled(True)
    with qtbot.waitSignal(window.switch_camera_requested, timeout=10_000):
        qtbot.mouseClick(window.switch_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(window.pip_requested, timeout=10_000):
        qtbot.mouseClick(window.pip_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(window.hangup_requested, timeout=10_000):
        qtbot.mouseClick(window.hangup_button, Qt.MouseButton.LeftButton)


def test_quality_overlay(qtbot) -> None:  # noqa: ANN001
    window = make_call_window(qtbot)
    window.set_phase(CallPhase.CONNECTED)
    assert window.quality_text() == "Measuring call quality…"
    window.set_quality(CallQuality(rtt_ms=42.4, send_kbps=812, recv_kbps=790, packet_loss=0.012))
    text = window.quality_text()
    assert "Round-trip time: 42 ms" in text
    assert "812 kbit/s sent" in text and "790 kbit/s received" in text
    assert "Packet loss: 1.2%" in text
    assert window.quality_bars.level() == 4
    window.quality_bars.hovered.emit(True)
    assert window.stats_overlay.isVisible()
    assert window.stats_overlay.text() == text
    window.quality_bars.hovered.emit(False)
    assert not window.stats_overlay.isVisible()
    assert CallQuality(rtt_ms=900, packet_loss=0.2).level == 1


def test_video_letterboxed_and_self_view_inside(qtbot) -> None:  # noqa: ANN001
    window = make_call_window(qtbot)
    window.resize(900, 600)
    window.set_phase(CallPhase.CONNECTED)
    with qtbot.waitSignal(window.remote_video.first_frame, timeout=10_000):
        window.remote_video.push_frame(frame(640, 360))
    rect = window.remote_video.video_rect()
    assert rect.width() == 900 and rect.height() == round(900 * 9 / 16)
    assert rect.top() > 0  # black bars above and below
    window.self_view.push_frame(frame(320, 240, "orange"))
    inset = window.self_view.geometry()
    assert window.rect().contains(inset)
    # Dragging it far outside keeps it inside the window.
    view = window.self_view
    start = view.rect().center()
    origin = view.mapToGlobal(start)
    for kind, target, buttons in (
        (QEvent.Type.MouseButtonPress, origin, Qt.MouseButton.LeftButton),
        (QEvent.Type.MouseMove, origin + QPoint(-5000, -5000), Qt.MouseButton.LeftButton),
        (QEvent.Type.MouseButtonRelease, origin + QPoint(-5000, -5000), Qt.MouseButton.NoButton),
    ):
        button = (
            Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton
        )
        QApplication.sendEvent(
            view,
            QMouseEvent(
                kind,
                QPointF(view.mapFromGlobal(target)),
                QPointF(target),
                button,
                buttons,
                Qt.KeyboardModifier.NoModifier,
            ),
        )
    assert view.pos() == QPoint(view.MARGIN, view.MARGIN)
    window.resize(600, 420)
    assert window.rect().contains(view.geometry())
    assert view.pos() == QPoint(view.MARGIN, view.MARGIN)


def test_minimise_and_close_report_call_goes_on(qtbot) -> None:  # noqa: ANN001
    window = make_call_window(qtbot)
    window.set_phase(CallPhase.CONNECTED)
    with qtbot.waitSignal(window.minimized, timeout=10_000):
        window.showMinimized()
    window.showNormal()
    with qtbot.waitSignal(window.hidden_during_call, timeout=10_000):
        window.close()


def test_right_to_left_mirrors_layout(qtbot) -> None:  # noqa: ANN001
    window = make_call_window(qtbot)
    window.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    window.resize(900, 600)
    QApplication.processEvents()
    # The self-view starts in the bottom-left (the trailing corner in RTL) ...
    assert window.self_view.x() < window.width() // 2
    # ... and the control row is mirrored: mute is the right-most, hang up the left-most.
    assert window.mute_item.x() > window.hangup_item.x()
    window.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    QApplication.processEvents()
    assert window.self_view.x() > window.width() // 2
    assert window.mute_item.x() < window.hangup_item.x()


def test_helpers() -> None:
    assert initials("Layla Haddad") == "LH"
    assert initials("سارة") == "س"
    assert initials("") == "?"
    assert parse_end_reason("no_answer") is EndReason.MISSED
    assert parse_end_reason(None) is EndReason.FAILED
