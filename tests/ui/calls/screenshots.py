"""Screenshots of the call UI with real decoded video, for a human to look at.

Run under an X server (``test_screenshots.py`` starts Xvfb and runs this in a subprocess)::

    DISPLAY=:99 QT_QPA_PLATFORM=xcb python tests/ui/calls/screenshots.py OUT_DIR [ar]

Two clients call each other through a real relay with the synthetic camera; the script
writes ``incoming-call.png``, ``call-window.png`` (controls and quality overlay shown),
``call-window-rtl.png``, ``pip-over-main.png`` (the full screen: the PiP over the main
window) and ``settings-calls.png``. The application gets the theme and language the app
itself applies (``ui.controller.apply_appearance``); with ``ar`` the whole UI is in Arabic,
right to left, and the files are named ``*-ar.png``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QPoint, QSettings, Qt  # noqa: E402
from PySide6.QtGui import QCursor, QGuiApplication  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from tests.helpers.relay import start_relay  # noqa: E402
from tests.ui.calls.two_clients import close_side, introduce, open_side, until  # noqa: E402
from ui.calls.state import CallPhase  # noqa: E402


def save_screen(path: Path, rect: tuple[int, int, int, int] | None = None) -> None:
    screen = QGuiApplication.primaryScreen()
    pixmap = screen.grabWindow(0, *(rect or (0, 0, -1, -1)))
    pixmap.save(str(path))
    print("wrote", path)


def save_widget(widget: QWidget, path: Path) -> None:
    geometry = widget.frameGeometry()
    save_screen(path, (geometry.x(), geometry.y(), geometry.width(), geometry.height()))


async def settle(seconds: float) -> None:
    """Let Qt paint and the video flow (never ``processEvents`` inside a qasync task)."""
    await asyncio.sleep(seconds)


def make_main_window(app: object) -> QWidget:
    """The real main window if it can be built here, else a stand-in with chat-like content."""
    try:
        from ui.bridge import Bridge
        from ui.session import UiSession
        from ui.windows.main_window import MainWindow

        session = UiSession(app)
        bridge = Bridge(app.bus)  # type: ignore[attr-defined]
        window = MainWindow(session, bridge)
        window.load()
        return window
    except Exception as exc:  # noqa: BLE001 - a screenshot helper, not the app
        print("main window unavailable, using a stand-in:", repr(exc))
        from PySide6.QtWidgets import QLabel, QVBoxLayout

        window = QWidget()
        window.setWindowTitle("Risala")
        layout = QVBoxLayout(window)
        layout.addWidget(QLabel("Chats"))
        return window


async def main(out: Path, tmp: Path, suffix: str = "") -> None:
    def shot(name: str) -> Path:
        return out / f"{name}{suffix}.png"

    relay = start_relay(tmp, fast_password_hashing=True, call_grace=0.5)
    try:
        alice = await open_side(relay.url, tmp, "alice", "Alice Adams")
        bob = await open_side(relay.url, tmp, "bob", "Bob Brown")
        try:
            introduce(alice, bob)
            chat = await alice.app.chats.open_direct_chat("bob")
            await alice.app.chats.send_text(chat, "Free for a quick video call? 🎥")
            await alice.app.wait_idle(5)
            main_window = make_main_window(alice.app)
            main_window.setGeometry(80, 60, 1100, 720)
            main_window.show()
            await settle(0.5)
            select_chat = getattr(main_window, "select_chat", None)
            if select_chat is not None:  # the conversation open, as a user would have it
                select_chat(chat)
                await settle(0.5)

            alice.controller.call_user(bob.user_id, True)
            await until(lambda: bob.incoming, what="incoming window")
            ringing = bob.incoming[0]
            ringing.move(1400, 120)
            await settle(0.6)
            save_widget(ringing, shot("incoming-call"))
            ringing.accept_video_button.click()
            await until(lambda: bob.views, what="bob's view")
            a_view, b_view = alice.views[0], bob.views[0]
            b_view.window.setGeometry(1000, 500, 800, 500)
            a_view.window.setGeometry(300, 150, 960, 600)
            for view in (a_view, b_view):
                await until(lambda v=view: v.window.phase is CallPhase.CONNECTED, 20)
                await until(lambda v=view: v.window.remote_video.frames_received > 20, 20)
                await until(lambda v=view: len(v.window.emoji()) == 4, 10)
            await until(lambda: a_view.window.quality_bars.level() > 0, 20, "stats")
            a_view.window.raise_()
            a_view.window.activateWindow()
            QCursor.setPos(a_view.window.mapToGlobal(QPoint(480, 300)))
            a_view.window.user_activity()
            await settle(0.6)
            a_view.window.quality_bars.hovered.emit(True)
            await settle(0.3)
            save_widget(a_view.window, shot("call-window"))
            a_view.window.quality_bars.hovered.emit(False)

            if not suffix:  # right-to-left without Arabic: the whole window mirrors
                b_view.window.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
                b_view.window.raise_()
                b_view.window.user_activity()
                await settle(0.6)
                save_widget(b_view.window, shot("call-window-rtl"))
            b_view.window.move(1910, 1070)  # Bob's window out of the picture
            await settle(0.3)

            # Alice goes back to her chats with the PiP button: the PiP takes over, over the
            # main window. (Minimising does the same; Xvfb has no window manager to iconify.)
            a_view.window.pip_button.click()
            await until(lambda: a_view.pip is not None and a_view.pip.isVisible(), 20, "PiP")
            QCursor.setPos(10, 10)
            main_window.raise_()
            main_window.activateWindow()
            await until(lambda: a_view.pip.remote.frames_received > 10, 10, "PiP frames")
            await settle(0.5)
            save_screen(shot("pip-over-main"))
            a_view.pip.set_controls_visible(True)
            await settle(0.4)
            save_widget(a_view.pip, shot("pip-hover"))

            from ui.calls.settings_page import CallSettingsPage

            page = CallSettingsPage()
            page.resize(460, 200)
            page.move(200, 200)
            page.show()
            page.raise_()
            await settle(0.4)
            save_widget(page, shot("settings-calls"))
            page.close()

            a_view.hang_up()
            for view in (a_view, b_view):
                await until(lambda v=view: v.window.phase is CallPhase.ENDED, 10)
            await settle(0.3)
            if a_view.pip is not None and a_view.pip.isVisible():
                save_widget(a_view.pip, shot("pip-ended"))
            main_window.close()
        finally:
            await close_side(alice)
            await close_side(bob)
    finally:
        relay.stop()


def run() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "artifacts" / "screenshots")
    lang = sys.argv[2] if len(sys.argv) > 2 else "en"
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    import qasync

    from ui.controller import apply_appearance

    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    apply_appearance(app, theme="light", language=lang)  # what users see, not bare Qt
    with tempfile.TemporaryDirectory() as tmp:
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp)
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop:
            suffix = "" if lang == "en" else f"-{lang}"
            loop.run_until_complete(asyncio.wait_for(main(out, Path(tmp), suffix), 90))


if __name__ == "__main__":
    run()
