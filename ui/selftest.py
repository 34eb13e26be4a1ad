"""``risala --self-test``: prove that this installation works, end to end, in a few seconds.

Runs headless against a throw-away profile (``QT_QPA_PLATFORM=offscreen`` on Linux unless a
display is set) and walks through what a user does first: Qt loads with every module and
plugin the app needs, the encrypted store opens, an embedded relay starts in this process,
two accounts sign up, a message goes from one to the other, and a short loopback video call
with synthetic camera and microphone decodes frames on both sides.

Each step prints ``self-test: <step> ok (<ms> ms)``. The first failure prints
``self-test: <step> FAILED: <why>`` on stderr and the exit code is 1. With
``RISALA_SELFTEST_VERBOSE=1`` each step also prints what it found (``self-test:   <step>:
<details>``) and failures print their traceback. With ``RISALA_SELFTEST_LOG=<file>`` every
line is also appended to that file: a windowed Windows build has no console to print to.

Packaging reads ``QT_MODULES``: the bundle keeps exactly these Qt binding modules, so keep
this module's top level free of heavy imports.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

QT_MODULES: tuple[str, ...] = (
    "QtCore",
    "QtGui",
    "QtWidgets",
    "QtNetwork",
    "QtMultimedia",
    "QtSvg",
)
"""Every PySide6 module the app imports (packaging/build.py checks the sources against it)."""

STEPS: tuple[str, ...] = (
    "qt",
    "resources",
    "multimedia",
    "event_loop",
    "store",
    "relay",
    "accounts",
    "message",
    "call",
    "shutdown",
)
"""The steps in the order they run; each prints ``self-test: <step> ok (<ms> ms)``."""

STEP_TIMEOUT = 30.0
CALL_TIMEOUT = 60.0
MIN_VIDEO_FRAMES = 10
"""Decoded frames each side must receive before the call step passes."""
PASSCODE = "self-test passcode"
PASSWORD = "self-test password"


class StepFailed(Exception):
    """A check inside a step did not hold (the message says which)."""


def _emit(line: str, *, error: bool = False) -> None:
    stream = sys.stderr if error else sys.stdout
    if stream is not None:
        try:
            print(line, file=stream, flush=True)
        except OSError:
            pass
    log_path = os.environ.get("RISALA_SELFTEST_LOG")
    if log_path:
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(line + "\n")


def _check(condition: object, message: str) -> None:
    if not condition:
        raise StepFailed(message)


def _resources_dir() -> Path:
    """resources/ of the source tree, or of the bundle (beside the frozen packages)."""
    return Path(__file__).resolve().parents[1] / "resources"


class SelfTest:
    """The steps, run in order on one qasync loop; later steps use what earlier ones made."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.app: Any = None
        self.relay_cm: Any = None
        self.relay: Any = None
        self.clients: list[Any] = []
        self.managers: list[Any] = []
        self.usernames: list[str] = []
        self.chat_id: int | None = None
        self.details: dict[str, str] = {}
        self.steps_run: list[str] = []
        self.runner: Any = None
        """The task running the steps (it is still running during ``step_shutdown``)."""

    # --- steps that run before the event loop --------------------------------------------

    def step_qt(self) -> None:
        import importlib

        for name in QT_MODULES:
            importlib.import_module(f"PySide6.{name}")
        from PySide6.QtCore import QCoreApplication
        from PySide6.QtGui import QGuiApplication, QImageReader
        from PySide6.QtWidgets import QApplication

        QCoreApplication.setOrganizationName("Risala")
        QCoreApplication.setApplicationName("Risala self-test")
        self.app = QApplication.instance() or QApplication(
            [sys.argv[0], "-platform", _platform_arg()]
        )
        platform = QGuiApplication.platformName()
        _check(platform, "no Qt platform plugin loaded")
        formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
        missing = {"png", "jpeg", "svg", "gif", "webp"} - formats
        _check(not missing, f"Qt image format plugins missing: {sorted(missing)}")
        self.details["qt"] = f"platform {platform}"

    def step_resources(self) -> None:
        from PySide6.QtGui import QIcon

        root = _resources_dir()
        _check(root.is_dir(), f"resources not found at {root}")
        icon = QIcon(str(root / "icons" / "risala.svg"))
        _check(
            not icon.isNull() and not icon.pixmap(64, 64).isNull(),
            "the app icon (SVG) does not render",
        )
        themes = sorted(p.stem for p in (root / "themes").glob("*.qss"))
        _check(themes, f"no themes in {root / 'themes'}")
        qms = sorted((root / "translations").glob("*.qm"))
        if qms:
            from PySide6.QtCore import QTranslator

            translator = QTranslator()
            _check(translator.load(str(qms[0])), f"cannot load {qms[0].name}")
        self.details["resources"] = f"themes {','.join(themes)}; {len(qms)} translation(s)"

    def step_multimedia(self) -> None:
        from media.devices import CAMERA_BACKEND

        if CAMERA_BACKEND == "qt":
            self.details["multimedia"] = _check_qt_multimedia_backend()
        else:
            self.details["multimedia"] = _check_audio_and_v4l2()

    # --- steps on the event loop -------------------------------------------------------------

    async def step_event_loop(self) -> None:
        import asyncio

        loop = asyncio.get_running_loop()
        _check(
            type(loop).__module__.startswith("qasync"),
            f"expected qasync's loop, got {type(loop).__module__}",
        )
        await asyncio.sleep(0.01)
        from app import about

        self.details["event_loop"] = f"qasync; {about.APP_NAME} {about.version()}"

    async def step_store(self) -> None:
        from app.store.aio import AsyncStore
        from app.store.errors import WrongPasscode
        from app.store.keys import KdfParams

        path = self.workdir / "store-check" / "store.db"
        path.parent.mkdir(parents=True)
        kdf = KdfParams(time_cost=1, memory_cost=8, parallelism=1)
        store = await AsyncStore.create(path, PASSCODE, kdf=kdf)
        try:
            await store.set_setting("self_test", "written")
        finally:
            await store.close()
        header = path.read_bytes()[:16]
        _check(header != b"SQLite format 3\x00", "the store is not encrypted")
        try:
            wrong = await AsyncStore.open(path, "not the passcode")
        except WrongPasscode:
            pass
        else:
            await wrong.close()
            raise StepFailed("the store opened with a wrong passcode")
        store = await AsyncStore.open(path, PASSCODE)
        try:
            value = await store.get_setting("self_test", str, "")
        finally:
            await store.close()
        _check(value == "written", f"read back {value!r} from the encrypted store")
        self.details["store"] = "sqlcipher"

    async def step_relay(self) -> None:
        import aiohttp

        from relay.config import RelayConfig
        from relay.server import run_relay

        data = self.workdir / "relay"
        data.mkdir()
        config = RelayConfig(
            data_dir=data, host="127.0.0.1", port=0, fast_password_hashing=True, call_grace=0.5
        )
        self.relay_cm = run_relay(config)
        self.relay = await self.relay_cm.__aenter__()
        async with aiohttp.ClientSession() as http, http.get(self.relay.url + "/healthz") as r:
            body = await r.json()
        _check(r.status == 200 and body.get("status") == "ok", f"/healthz said {body}")
        self.details["relay"] = self.relay.url

    async def step_accounts(self) -> None:
        import secrets

        from app.services.session import ClientApp, ClientConfig
        from app.store.keys import KdfParams

        config = ClientConfig(
            device="self-test",
            request_timeout=10.0,
            connect_timeout=10.0,
            backoff_base=0.05,
            backoff_cap=0.5,
            heartbeat=None,
            kdf=KdfParams(time_cost=1, memory_cost=8, parallelism=1),
        )
        suffix = secrets.token_hex(3)
        for name in ("alice", "bob"):
            username = f"{name}{suffix}"
            client = await ClientApp.open(
                self.workdir / "profiles" / username, PASSCODE, self.relay.url, config=config
            )
            self.clients.append(client)
            await client.account.sign_up(username, name.title(), PASSWORD)
            _check(
                await client.wait_online(10.0),
                f"{username} is not online: {client.connection.state}",
            )
            self.usernames.append(username)
        self.details["accounts"] = ", ".join(self.usernames)

    async def step_message(self) -> None:
        import asyncio

        from app.client.events import MessagesChanged

        alice, bob = self.clients
        arrived = asyncio.Event()
        unsubscribe = bob.bus.subscribe(
            lambda e: arrived.set() if isinstance(e, MessagesChanged) else None
        )
        try:
            self.chat_id = await alice.chats.open_direct_chat(self.usernames[1])
            text = "salam from the self-test"
            await alice.chats.send_text(self.chat_id, text)
            deadline = asyncio.get_running_loop().time() + 15.0
            while True:
                stored = await bob.store.call(lambda s: s.messages(self.chat_id, None, 20))
                if any(m.text == text for m in stored):
                    break
                remaining = deadline - asyncio.get_running_loop().time()
                _check(remaining > 0, "the message did not arrive at the other account")
                arrived.clear()
                try:
                    await asyncio.wait_for(arrived.wait(), min(remaining, 1.0))
                except TimeoutError:
                    pass
        finally:
            unsubscribe()
        self.details["message"] = f"chat {self.chat_id}"

    async def step_call(self) -> None:
        import asyncio

        from app.services.calls import CallManager, CallState, IncomingCall
        from media.capture import MediaOptions
        from media.engine import AiortcEngine, engine_factory

        options = MediaOptions(synthetic=True, width=320, height=240, fps=15.0)
        incoming_ids: list[str] = []
        incoming_seen = asyncio.Event()

        def on_incoming(event: object) -> None:
            if isinstance(event, IncomingCall):
                incoming_ids.append(event.call_id)
                incoming_seen.set()

        for client in self.clients:
            manager = CallManager(client.connection, client.bus, engine_factory(options))
            manager.attach()
            self.managers.append(manager)
        alice, bob = self.clients
        unsubscribe = bob.bus.subscribe(on_incoming)
        try:
            bob_id = bob.connection.user.id
            outgoing = await self.managers[0].start_call(bob_id, video=True)
            _check(
                outgoing.state is CallState.CALLING,
                f"the call did not start: {outgoing.state} {outgoing.detail}",
            )
            await asyncio.wait_for(incoming_seen.wait(), 10.0)
            incoming = self.managers[1].call(incoming_ids[0])
            _check(incoming is not None, "the incoming call is unknown to the callee")
            await incoming.accept(video=True)

            async def connected_and_decoding() -> tuple[int, int]:
                while True:
                    a, b = outgoing.engine, incoming.engine
                    if outgoing.state is CallState.ENDED or incoming.state is CallState.ENDED:
                        raise StepFailed(
                            f"the call ended: {outgoing.end_reason} "
                            f"{outgoing.detail or incoming.detail}"
                        )
                    if (
                        isinstance(a, AiortcEngine)
                        and isinstance(b, AiortcEngine)
                        and outgoing.state is CallState.CONNECTED
                        and incoming.state is CallState.CONNECTED
                        and a.remote_video.frames >= MIN_VIDEO_FRAMES
                        and b.remote_video.frames >= MIN_VIDEO_FRAMES
                    ):
                        return a.remote_video.frames, b.remote_video.frames
                    await asyncio.sleep(0.05)

            a_frames, b_frames = await asyncio.wait_for(connected_and_decoding(), 30.0)
            size = outgoing.engine.remote_video.size  # type: ignore[union-attr]
            _check(size == (320, 240), f"decoded video is {size}, sent 320x240")
            emoji = " ".join(outgoing.emoji or ())
            await outgoing.hangup()
            await asyncio.wait_for(outgoing.wait_closed(), 10.0)
            await asyncio.wait_for(incoming.wait_closed(), 10.0)
        finally:
            unsubscribe()
        self.details["call"] = f"{a_frames}+{b_frames} frames decoded, key {emoji}".strip()

    async def shutdown(self) -> None:
        """Close calls, clients and the relay (also after a failure)."""
        for manager in self.managers:
            try:
                await manager.close()
            except Exception:  # noqa: BLE001 - shutting down; report the first failure only
                pass
        for client in self.clients:
            try:
                await client.close()
            except Exception:  # noqa: BLE001
                pass
        if self.relay_cm is not None:
            await self.relay_cm.__aexit__(None, None, None)
            self.relay_cm = None

    async def step_shutdown(self) -> None:
        import asyncio

        await self.shutdown()
        await asyncio.sleep(0.05)
        mine = {asyncio.current_task(), self.runner}
        left = [t for t in asyncio.all_tasks() if t not in mine and not t.done()]
        _check(not left, f"tasks still running after shutdown: {left[:5]}")


def _check_qt_multimedia_backend() -> str:
    """macOS/Windows: cameras go through QCamera, which needs Qt's multimedia backend plugin
    (FFmpeg); without it Qt only warns "No QtMultimedia backends found" and every format list
    comes back empty."""
    from PySide6.QtMultimedia import QMediaDevices, QMediaFormat

    decoders = QMediaFormat().supportedVideoCodecs(QMediaFormat.ConversionMode.Decode)
    _check(decoders, "Qt's multimedia backend (FFmpeg plugin) did not load")
    cameras = QMediaDevices.videoInputs()
    microphones = QMediaDevices.audioInputs()
    return f"qt; {len(cameras)} camera(s), {len(microphones)} mic(s)"


def _check_audio_and_v4l2() -> str:
    """Linux: the bundle has no Qt multimedia plugin. Audio is QtMultimedia's own PulseAudio
    backend: the device lists must answer, and when there is an output it must open and take
    20 ms of silence. Cameras are PyAV's v4l2 input: the demuxer must exist and the sysfs
    listing must work (a machine without a camera passes: calls use the test pattern)."""
    import av
    from PySide6.QtMultimedia import QAudioFormat, QAudioSink, QMediaDevices

    from media.capture import AUDIO_RATE, AUDIO_SAMPLES
    from media.devices import list_v4l2_cameras

    try:
        v4l2 = av.format.ContainerFormat("v4l2")
    except ValueError:
        v4l2 = None
    _check(v4l2 is not None and v4l2.is_input, "PyAV's FFmpeg has no v4l2 input: no cameras")
    cameras = list_v4l2_cameras()
    speakers = QMediaDevices.audioOutputs()
    microphones = QMediaDevices.audioInputs()
    if speakers:
        fmt = QAudioFormat()
        fmt.setSampleRate(AUDIO_RATE)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        device = QMediaDevices.defaultAudioOutput()
        sink = QAudioSink(device, fmt)
        io = sink.start()
        error = sink.error().name
        if io is not None:
            io.write(bytes(AUDIO_SAMPLES * 2))
        sink.stop()
        _check(
            io is not None and error == "NoError",
            f"audio output {device.description()!r} did not open ({error})",
        )
        audio = f"{len(speakers)} speaker(s), {len(microphones)} mic(s)"
    else:
        audio = "no audio server (calls play nothing and send the test tone)"
    return f"v4l2, {len(cameras)} camera(s); audio {audio}"


def _platform_arg() -> str:
    """The Qt platform: the native one where there is a display, else offscreen."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return os.environ["QT_QPA_PLATFORM"]
    if sys.platform in ("win32", "darwin"):
        return "windows" if sys.platform == "win32" else "cocoa"
    if os.environ.get("DISPLAY"):
        return "xcb"
    if os.environ.get("WAYLAND_DISPLAY"):
        return "wayland"
    return "offscreen"


def _run_step(name: str, fn: Callable[[], object], details: dict[str, str]) -> bool:
    started = time.perf_counter()
    try:
        fn()
    except BaseException as exc:  # noqa: BLE001 - every failure is reported by step name
        _fail(name, exc)
        return False
    _ok(name, started, details.get(name))
    return True


def _ok(name: str, started: float, detail: str | None = None) -> None:
    ms = (time.perf_counter() - started) * 1000
    _emit(f"self-test: {name} ok ({ms:.0f} ms)")
    if detail and os.environ.get("RISALA_SELFTEST_VERBOSE"):
        _emit(f"self-test:   {name}: {detail}")


def _fail(name: str, exc: BaseException) -> None:
    if isinstance(exc, StepFailed):
        why = str(exc)
    elif isinstance(exc, TimeoutError):
        why = "timed out"
    else:
        why = f"{type(exc).__name__}: {exc}"
    _emit(f"self-test: {name} FAILED: {why}", error=True)
    if not isinstance(exc, StepFailed) or os.environ.get("RISALA_SELFTEST_VERBOSE"):
        _emit("".join(traceback.format_exception(exc)).rstrip(), error=True)


def run_self_test() -> int:
    """Run every step; 0 when all pass, 1 on the first failure (named on stderr)."""
    started = time.perf_counter()
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Qt's FFmpeg backend lists every optional library it did not find (VA-API, PipeWire):
    # noise on a headless machine, and nothing the self-test depends on.
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.symbolsresolver=false")
    with tempfile.TemporaryDirectory(prefix="risala-selftest-") as tmp:
        test = SelfTest(Path(tmp))
        for name, fn in (
            ("qt", test.step_qt),
            ("resources", test.step_resources),
            ("multimedia", test.step_multimedia),
        ):
            if not _run_step(name, fn, test.details):
                return 1
            test.steps_run.append(name)
        code = _run_async(test)
    if code == 0:
        assert test.steps_run == list(STEPS), test.steps_run
        total = (time.perf_counter() - started) * 1000
        _emit(f"self-test: passed ({total:.0f} ms)")
    return code


def _run_async(test: SelfTest) -> int:
    import asyncio

    import qasync

    steps: list[tuple[str, Callable[[], Awaitable[None]], float]] = [
        ("event_loop", test.step_event_loop, STEP_TIMEOUT),
        ("store", test.step_store, STEP_TIMEOUT),
        ("relay", test.step_relay, STEP_TIMEOUT),
        ("accounts", test.step_accounts, STEP_TIMEOUT),
        ("message", test.step_message, STEP_TIMEOUT),
        ("call", test.step_call, CALL_TIMEOUT),
        ("shutdown", test.step_shutdown, STEP_TIMEOUT),
    ]

    async def main() -> int:
        test.runner = asyncio.current_task()
        try:
            for name, step, timeout in steps:
                started = time.perf_counter()
                try:
                    await asyncio.wait_for(step(), timeout)
                except BaseException as exc:  # noqa: BLE001
                    _fail(name, exc)
                    return 1
                _ok(name, started, test.details.get(name))
                test.steps_run.append(name)
            return 0
        finally:
            try:
                await asyncio.wait_for(test.shutdown(), 15.0)
            except BaseException as exc:  # noqa: BLE001
                _emit(f"self-test: cleanup after failure did not finish: {exc!r}", error=True)

    loop = qasync.QEventLoop(test.app)
    asyncio.set_event_loop(loop)
    try:
        with loop:
            return loop.run_until_complete(main())
    finally:
        asyncio.set_event_loop(None)
