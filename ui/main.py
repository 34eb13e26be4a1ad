"""``risala``: the desktop app's entry point.

Parses the command line, creates the QApplication with a qasync event loop (asyncio runs
inside Qt's loop), optionally starts an embedded relay (``--demo``), and runs the
:class:`~ui.controller.AppController` until the last window closes; then shuts down
cleanly (windows' tasks, the core session, the embedded relay).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
import time
from pathlib import Path

_T0 = time.monotonic()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="risala", description="Risala desktop messenger")
    p.add_argument("--relay", metavar="URL", help="relay address, e.g. wss://relay.example.org")
    p.add_argument(
        "--profile",
        metavar="DIR",
        type=Path,
        help="profile directory (default: the user's data dir)",
    )
    p.add_argument(
        "--demo", action="store_true", help="start an embedded relay on loopback and use it"
    )
    p.add_argument("--lang", choices=("en", "ar"), help="interface language")
    p.add_argument(
        "--fake-media", action="store_true", help="synthetic camera and microphone for calls"
    )
    p.add_argument("--camera-file", metavar="FILE", help="use a video file as the camera")
    p.add_argument("--self-test", action="store_true", help="check the installation and exit")
    p.add_argument("--verbose", "-v", action="store_true")
    return p.parse_args(argv)


def default_data_dir() -> Path:
    from PySide6.QtCore import QStandardPaths

    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(base or Path.home() / ".local" / "share" / "risala")


def media_options(args: argparse.Namespace):
    if not (args.fake_media or args.camera_file):
        return None
    try:
        from media.capture import MediaOptions
    except ImportError:
        return None
    return MediaOptions(synthetic=bool(args.fake_media), camera_file=args.camera_file)


DEMO_RELAY_PORT = 8765
"""The embedded demo relay listens here, so a second ``risala --demo --profile DIR`` finds
the first one's relay and both accounts can talk to each other."""


async def _running_demo_relay(port: int) -> str | None:
    """The URL of a Risala relay already answering on loopback ``port``, else None."""
    import aiohttp

    url = f"http://127.0.0.1:{port}"
    try:
        timeout = aiohttp.ClientTimeout(total=1.0)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            async with http.get(f"{url}/healthz") as response:
                body = await response.json(content_type=None)
    except (TimeoutError, aiohttp.ClientError, ValueError):
        return None
    return url if isinstance(body, dict) and body.get("status") == "ok" else None


async def _demo_relay(stack: contextlib.AsyncExitStack, relay_dir: Path) -> str:
    """Use the demo relay another ``risala --demo`` started, or embed one in this process
    (on :data:`DEMO_RELAY_PORT`, or any free port when something else holds it)."""
    from relay.config import RelayConfig
    from relay.server import run_relay

    log = logging.getLogger("risala")
    url = await _running_demo_relay(DEMO_RELAY_PORT)
    if url is not None:
        log.info("using the demo relay already running at %s", url)
        return url
    await asyncio.to_thread(relay_dir.mkdir, parents=True, exist_ok=True)
    try:
        handle = await stack.enter_async_context(
            run_relay(RelayConfig(data_dir=relay_dir, host="127.0.0.1", port=DEMO_RELAY_PORT))
        )
    except OSError as exc:
        log.warning("port %d is taken (%s); the demo relay uses a free port", DEMO_RELAY_PORT, exc)
        handle = await stack.enter_async_context(
            run_relay(RelayConfig(data_dir=relay_dir, host="127.0.0.1", port=0))
        )
    log.info("embedded relay at %s", handle.url)
    return handle.url


async def _run(args: argparse.Namespace, app) -> int:
    from ui.controller import AppController
    from ui.timing import mark

    data_dir = default_data_dir()
    profile = args.profile or (data_dir / ("demo-profile" if args.demo else "profile"))
    relay_url = args.relay
    async with contextlib.AsyncExitStack() as stack:
        if args.demo:
            relay_url = await _demo_relay(stack, data_dir / "demo-relay")
        controller = AppController(
            app,
            profile,
            relay_url=relay_url,
            language=args.lang,
            enable_calls=True,
            media_options=media_options(args),
        )
        if args.demo:
            # the embedded relay's port changes every run: always point the profile at it
            controller.relay_url = relay_url
            controller.preferences.set_relay_url(relay_url or "")
        quit_event = asyncio.Event()
        app.lastWindowClosed.connect(quit_event.set)
        app.aboutToQuit.connect(quit_event.set)
        bench = _bench_hooks(controller, app)
        if bench is not None and os.environ.get("RISALA_BENCH_PASSCODE"):
            controller.unlock(os.environ["RISALA_BENCH_PASSCODE"])
        else:
            controller.start()
        mark("started")
        try:
            await quit_event.wait()
        finally:
            await controller.aclose()
    return 0


def _rss_mb() -> float:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _bench_hooks(controller, app):
    """``RISALA_BENCH=1`` (tests/bench/startup.py): open the chat named by
    ``RISALA_BENCH_CHAT`` once the list shows, print timing marks and the idle RSS, quit."""
    if not os.environ.get("RISALA_BENCH"):
        return None
    from PySide6.QtCore import QTimer

    chat_id = int(os.environ.get("RISALA_BENCH_CHAT", "0"))

    def on_main(w) -> None:
        def listed() -> None:
            if chat_id:
                w.select_chat(chat_id)

        def opened(_cid: int) -> None:
            def idle() -> None:
                print(f"RISALA_RSS_MB {_rss_mb():.1f}", flush=True)
                app.quit()

            QTimer.singleShot(1500, idle)

        w.chat_list_shown.connect(listed)
        w.chat_opened.connect(opened)

    controller.main_window_shown.connect(on_main)
    return True


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv if argv is not None else sys.argv[1:])
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    if args.self_test:
        try:
            from ui.selftest import run_self_test
        except ImportError:
            print("self-test not available", file=sys.stderr)
            return 2
        return int(run_self_test())

    import qasync
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName("Risala")
    QCoreApplication.setApplicationName("Risala")
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    app.setApplicationDisplayName("Risala")
    if os.environ.get("RISALA_TIMING"):
        print(f"RISALA_MARK process_start {_T0:.6f}", flush=True)
    try:
        return qasync.run(_run(args, app))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
