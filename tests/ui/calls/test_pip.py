"""The picture-in-picture window: flags, focus, aspect-ratio resizing, corner snapping."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QMouseEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from ui.windows.pip import PipWindow

Edge = Qt.Edge


def send_mouse(
    widget: QWidget,
    kind: QEvent.Type,
    local: QPoint,
    buttons: Qt.MouseButton = Qt.MouseButton.LeftButton,
) -> None:
    """Deliver a mouse event as the window system would (with a global position)."""
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    global_pos = QPointF(widget.mapToGlobal(local))
    event = QMouseEvent(
        kind, QPointF(local), global_pos, button, buttons, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, event)


def drag(widget: QWidget, start: QPoint, delta: QPoint, steps: int = 4) -> None:
    """Press at ``start``, move by ``delta`` in steps, release (global coordinates fixed at
    the press, as a real drag: the window moves under the cursor)."""
    origin = widget.mapToGlobal(start)
    send_mouse(widget, QEvent.Type.MouseButtonPress, start)
    for i in range(1, steps + 1):
        target_global = origin + delta * i / steps
        local = widget.mapFromGlobal(target_global)
        send_mouse(widget, QEvent.Type.MouseMove, local, Qt.MouseButton.LeftButton)
    local = widget.mapFromGlobal(origin + delta)
    send_mouse(widget, QEvent.Type.MouseButtonRelease, local, Qt.MouseButton.NoButton)


def make_pip(qtbot) -> PipWindow:  # noqa: ANN001
    pip = PipWindow()
    qtbot.addWidget(pip)
    pip.show_in_corner()
    qtbot.waitExposed(pip)
    return pip


def available() -> QRect:
    return QGuiApplication.primaryScreen().availableGeometry()


def test_flags_and_focus(qtbot) -> None:  # noqa: ANN001
    main = QWidget()
    qtbot.addWidget(main)
    edit = QLineEdit(main)
    main.show()
    main.activateWindow()
    edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is edit)
    pip = make_pip(qtbot)
    flags = pip.windowFlags()
    assert flags & Qt.WindowType.FramelessWindowHint
    assert flags & Qt.WindowType.WindowStaysOnTopHint
    assert flags & Qt.WindowType.WindowDoesNotAcceptFocus
    assert (flags & Qt.WindowType.WindowType_Mask) == Qt.WindowType.Tool
    assert pip.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    # Showing it took neither the focus nor the activation from the chat.
    assert QApplication.focusWidget() is edit
    assert QApplication.activeWindow() is not pip
    assert not pip.isActiveWindow()
    for button in (pip.mute_button, pip.camera_button, pip.back_button, pip.hangup_button):
        assert button.focusPolicy() == Qt.FocusPolicy.NoFocus


def test_starts_snapped_in_a_corner(qtbot) -> None:  # noqa: ANN001
    pip = make_pip(qtbot)
    assert pip.pos() in pip.corner_positions(available())
    assert abs(pip.width() / pip.height() - 16 / 9) < 0.02


def test_snaps_to_nearest_corner_on_release(qtbot) -> None:  # noqa: ANN001
    pip = make_pip(qtbot)
    area = available()
    corners = pip.corner_positions(area)
    top_left, top_right, bottom_left, bottom_right = corners
    # From bottom-right, drag towards the upper-left quadrant (past the middle).
    start = pip.pos()
    delta = QPoint(area.left() + 60 - start.x(), area.top() + 40 - start.y())
    with qtbot.waitSignal(pip.snapped, timeout=10_000) as blocker:
        drag(pip, QPoint(pip.width() // 2, pip.height() // 2), delta)
    assert blocker.args[0] == top_left
    assert pip.pos() == top_left
    # A small drag that stays in the upper-left quadrant snaps back to the same corner.
    with qtbot.waitSignal(pip.snapped, timeout=10_000):
        drag(pip, QPoint(pip.width() // 2, pip.height() // 2), QPoint(40, 30))
    assert pip.pos() == top_left
    # Drag into the upper-right quadrant.
    delta = QPoint(area.right() - 100 - pip.x() - pip.width(), 10)
    with qtbot.waitSignal(pip.snapped, timeout=10_000):
        drag(pip, QPoint(pip.width() // 2, pip.height() // 2), delta)
    assert pip.pos() == top_right
    # And down to the lower-left.
    delta = QPoint(area.left() + 30 - pip.x(), area.bottom() - pip.height() - 50 - pip.y())
    with qtbot.waitSignal(pip.snapped, timeout=10_000):
        drag(pip, QPoint(pip.width() // 2, pip.height() // 2), delta)
    assert pip.pos() == bottom_left
    assert bottom_right != bottom_left


def test_resize_keeps_aspect_ratio(qtbot) -> None:  # noqa: ANN001
    pip = make_pip(qtbot)
    start = pip.geometry()
    # Drag the top-left corner outwards (the window sits in the bottom-right corner).
    with qtbot.waitSignal(pip.snapped, timeout=10_000):
        drag(pip, QPoint(2, 2), QPoint(-80, -20))
    assert pip.width() > start.width()
    assert abs(pip.width() / pip.height() - 16 / 9) < 0.02
    # It stayed anchored in its corner.
    assert pip.pos() in pip.corner_positions(available())
    # A pure vertical edge drag changes the width too.
    before = pip.size()
    with qtbot.waitSignal(pip.snapped, timeout=10_000):
        drag(pip, QPoint(pip.width() // 2, 1), QPoint(0, 60))
    assert pip.height() < before.height()
    assert abs(pip.width() / pip.height() - 16 / 9) < 0.02
    # Never below the minimum width, never over the screen share.
    with qtbot.waitSignal(pip.snapped, timeout=10_000):
        drag(pip, QPoint(1, pip.height() // 2), QPoint(2000, 0))
    assert pip.width() == PipWindow.MIN_WIDTH
    with qtbot.waitSignal(pip.snapped, timeout=10_000):
        drag(pip, QPoint(1, pip.height() // 2), QPoint(-3000, 0))
    assert pip.width() <= available().width() * PipWindow.MAX_SCREEN_FRACTION + 1
    assert pip.height() <= available().height() * PipWindow.MAX_SCREEN_FRACTION + 1


def test_resized_geometry_anchors_opposite_corner(qtbot) -> None:  # noqa: ANN001
    pip = PipWindow()
    qtbot.addWidget(pip)
    start = QRect(100, 100, 320, 180)
    grown = pip.resized_geometry(start, Edge.LeftEdge | Edge.TopEdge, QPoint(-160, -10))
    assert grown.bottomRight() == start.bottomRight()
    assert grown.width() == 480 and grown.height() == 270
    right = pip.resized_geometry(start, Edge.RightEdge, QPoint(-100, 0))
    assert right.topLeft() == start.topLeft() and right.size().toTuple() == (220, 124)


def test_follows_portrait_video(qtbot) -> None:  # noqa: ANN001
    pip = make_pip(qtbot)
    image = QImage(360, 640, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    with qtbot.waitSignal(pip.snapped, timeout=10_000):
        pip.push_remote_frame(image)
    assert abs(pip.width() / pip.height() - 9 / 16) < 0.02
    assert pip.pos() in pip.corner_positions(available())


def test_double_click_returns_to_call(qtbot) -> None:  # noqa: ANN001
    pip = make_pip(qtbot)
    with qtbot.waitSignal(pip.return_to_call_requested, timeout=10_000):
        qtbot.mouseDClick(pip, Qt.MouseButton.LeftButton, pos=pip.rect().center())


def test_hover_controls(qtbot) -> None:  # noqa: ANN001
    pip = make_pip(qtbot)
    assert not pip.controls_visible()
    assert not pip.controls.isVisible()
    pip.set_controls_visible(True)
    assert pip.controls.isVisible()
    with qtbot.waitSignal(pip.hangup_requested, timeout=10_000):
        qtbot.mouseClick(pip.hangup_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(pip.mute_toggled, timeout=10_000) as muted:
        qtbot.mouseClick(pip.mute_button, Qt.MouseButton.LeftButton)
    assert muted.args == [True]
    with qtbot.waitSignal(pip.camera_toggled, timeout=10_000) as camera:
        qtbot.mouseClick(pip.camera_button, Qt.MouseButton.LeftButton)
    assert camera.args == [False]
    assert not pip.local.isVisible()


def test_reclamps_when_screen_shrinks(qtbot) -> None:  # noqa: ANN001
    pip = make_pip(qtbot)
    # Pretend it was left off-screen (its monitor went away); the next screen change
    # brings it back into a corner of the screen it is nearest to.
    pip.move(available().right() + 500, available().bottom() + 500)
    with qtbot.waitSignal(pip.snapped, timeout=10_000):
        pip.reclamp()
    assert pip.pos() in pip.corner_positions(available())
