"""Call benchmark: two clients call each other through a real relay on loopback with the
synthetic camera (capture time stamped in each frame) and tone; each side runs in its own
process so CPU is measured per side.

    python tests/bench/call.py --width 640 --height 480 [--seconds 10] [--stock-encoder]
        [--stock-decoder] [--stock-opus]

Prints one JSON line: width, height, first_frame_ms (the callee's accept → its first
decoded remote frame; the callee rings ``--ring`` seconds first, as a person would, so
the caller's offer is ready as in real calls), fps (the lower of the two sides, over
the window), latency_ms (= p50), latency_p50_ms, latency_p95_ms (capture → decoded, both
directions), and cpu_percent_per_side (the higher side, % of one core), plus per-side
details (timeline, encoder rebuilds, final target bitrate, RTT, busiest threads).
``--stock-encoder`` / ``--stock-decoder`` run aiortc's own VP8 encoder / decoder instead
of ours, ``--stock-opus`` its stereo Opus encoder, for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _thread_cpu() -> dict[str, float]:
    """CPU seconds per thread (Linux ``/proc``), keyed by "tid name" (the Python thread's
    name where there is one: ``MainThread`` is the event loop, ``asyncio_N`` the executor
    running the encoders, ``video-decoder`` aiortc's decoder; others are libvpx's)."""
    import threading

    ticks = os.sysconf("SC_CLK_TCK")
    names = {t.native_id: t.name for t in threading.enumerate()}
    result: dict[str, float] = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            stat = Path(f"/proc/self/task/{tid}/stat").read_text()
        except OSError:
            continue
        name = names.get(int(tid)) or stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        result[f"{tid} {name}"] = (int(fields[11]) + int(fields[12])) / ticks
    return result


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def run_side(args: argparse.Namespace) -> dict[str, Any]:
    """One party: sign up, call or answer, measure the window, hang up (caller)."""
    import media.aiortc_patches
    import media.encoder
    from app.services.calls import CallManager, CallState, CallStateUpdated, IncomingCall
    from media.capture import MediaOptions, latency_ms, read_capture_time
    from media.encoder import sender_encoder
    from media.engine import AiortcEngine, engine_factory
    from tests.helpers.client import signed_up_client

    media.encoder.ENABLED = not args.stock_encoder
    media.aiortc_patches.FFMPEG_VP8_DECODER = not args.stock_decoder
    media.aiortc_patches.MONO_OPUS = not args.stock_opus
    options = MediaOptions(synthetic=True, width=args.width, height=args.height)
    app = await signed_up_client(args.relay, Path(args.profiles), args.side)
    manager = CallManager(app.connection, app.bus, engine_factory(options))  # type: ignore[arg-type]
    manager.attach()
    connected = asyncio.Event()
    ended = asyncio.Event()
    incoming: asyncio.Queue[str] = asyncio.Queue()

    def on_event(event: object) -> None:
        if isinstance(event, IncomingCall):
            incoming.put_nowait(event.call_id)
        elif isinstance(event, CallStateUpdated):
            if event.state is CallState.CONNECTED:
                connected.set()
            elif event.state is CallState.ENDED:
                ended.set()

    app.bus.subscribe(on_event)
    user = app.connection.user
    assert user is not None
    print(json.dumps({"ready": user.id}), flush=True)

    first_frame = asyncio.get_running_loop().create_future()
    stamps: list[float] = []
    counting = [False]

    def on_frame(frame: Any) -> None:
        if not first_frame.done():
            first_frame.set_result(time.monotonic())
        if counting[0]:
            stamp = read_capture_time(frame)
            if stamp is not None:
                stamps.append(latency_ms(stamp))

    if args.side == "caller":
        callee_id = int(sys.stdin.readline())
        call = await manager.start_call(callee_id, video=True)
        clicked = None
    else:
        call_id = await asyncio.wait_for(incoming.get(), 30)
        call = manager.call(call_id)
        assert call is not None
        await asyncio.sleep(args.ring)  # a person takes at least this long to click
        clicked = time.monotonic()
        await call.accept(video=True)
    engine = call.engine
    assert isinstance(engine, AiortcEngine)
    engine.remote_video.add_listener(on_frame)
    timeline: dict[str, float] = {}
    origin = clicked if clicked is not None else time.monotonic()
    create_answer = engine.create_answer

    async def timed_answer(offer: str) -> str:
        timeline["offer_in"] = (time.monotonic() - origin) * 1000
        sdp = await create_answer(offer)
        timeline["answer_out"] = (time.monotonic() - origin) * 1000
        return sdp

    engine.create_answer = timed_answer  # type: ignore[method-assign]
    await asyncio.wait_for(connected.wait(), 30)
    timeline["connected"] = (time.monotonic() - origin) * 1000
    first = await asyncio.wait_for(first_frame, 30)

    await asyncio.sleep(args.warmup)
    frames0, cpu0, wall0 = engine.remote_video.frames, _cpu_seconds(), time.monotonic()
    threads0 = _thread_cpu() if sys.platform == "linux" else {}
    counting[0] = True
    await asyncio.sleep(args.seconds)
    counting[0] = False
    wall = time.monotonic() - wall0
    result: dict[str, Any] = {
        "side": args.side,
        "fps": (engine.remote_video.frames - frames0) / wall,
        "cpu_percent": (_cpu_seconds() - cpu0) / wall * 100,
        "latencies": stamps,
        "first_frame_ms": (first - clicked) * 1000 if clicked is not None else None,
        "audio_frames": engine.audio_out.frames,
        "timeline_ms": {k: round(v, 1) for k, v in timeline.items()},
    }
    if threads0:
        busy = {k: (v - threads0.get(k, 0.0)) / wall * 100 for k, v in _thread_cpu().items()}
        result["threads_cpu_percent"] = {
            k: round(v, 1) for k, v in sorted(busy.items(), key=lambda kv: -kv[1])[:5]
        }
    pc = engine._pc
    if pc is not None:
        for transceiver in pc.getTransceivers():
            encoder = sender_encoder(transceiver.sender)
            if transceiver.kind == "video" and encoder is not None:
                result["encoder_rebuilds"] = getattr(encoder, "rebuilds", None)
                result["target_bitrate"] = encoder.target_bitrate
    stats = await engine.stats()
    result["rtt_ms"] = stats.rtt_ms
    if args.side == "caller":
        await asyncio.sleep(1.0)  # let the callee finish its window
        await call.hangup()
    else:
        await asyncio.wait_for(ended.wait(), 30)
    await manager.close()
    await app.close()
    return result


def side_main(args: argparse.Namespace) -> None:
    result = asyncio.run(run_side(args))
    print(json.dumps({"result": result}), flush=True)


def _read_json_line(proc: subprocess.Popen[str], key: str) -> Any:
    assert proc.stdout is not None
    while True:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"side exited before sending {key!r}")
        line = line.strip()
        if line.startswith("{"):
            data = json.loads(line)
            if key in data:
                return data[key]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=480)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument(
        "--ring",
        type=float,
        default=1.0,
        help="seconds the callee's device rings before accept is clicked",
    )
    parser.add_argument(
        "--stock-encoder",
        action="store_true",
        help="aiortc's VP8 encoder instead of ours (comparison)",
    )
    parser.add_argument(
        "--stock-decoder",
        action="store_true",
        help="aiortc's VP8 decoder (libvpx) instead of FFmpeg's (comparison)",
    )
    parser.add_argument(
        "--stock-opus",
        action="store_true",
        help="aiortc's stereo 96 kbps Opus encoder instead of our mono one (comparison)",
    )
    parser.add_argument("--side", choices=["caller", "callee"], help=argparse.SUPPRESS)
    parser.add_argument("--relay", help=argparse.SUPPRESS)
    parser.add_argument("--profiles", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        side_main(args)
        return

    from tests.helpers.relay import start_relay

    with tempfile.TemporaryDirectory(prefix="risala-bench-") as tmp:
        relay = start_relay(Path(tmp), fast_password_hashing=True)
        try:
            common = [
                sys.executable,
                __file__,
                "--width",
                str(args.width),
                "--height",
                str(args.height),
                "--seconds",
                str(args.seconds),
                "--warmup",
                str(args.warmup),
                "--ring",
                str(args.ring),
                "--relay",
                relay.url,
                "--profiles",
                tmp,
            ]
            if args.stock_encoder:
                common.append("--stock-encoder")
            if args.stock_decoder:
                common.append("--stock-decoder")
            if args.stock_opus:
                common.append("--stock-opus")
            env = dict(os.environ, PYTHONPATH=str(ROOT))
            callee = subprocess.Popen(
                [*common, "--side", "callee"],
                stdout=subprocess.PIPE,
                stdin=subprocess.PIPE,
                text=True,
                env=env,
            )
            callee_id = _read_json_line(callee, "ready")
            caller = subprocess.Popen(
                [*common, "--side", "caller"],
                stdout=subprocess.PIPE,
                stdin=subprocess.PIPE,
                text=True,
                env=env,
            )
            _read_json_line(caller, "ready")
            assert caller.stdin is not None
            caller.stdin.write(f"{callee_id}\n")
            caller.stdin.flush()
            results = [_read_json_line(callee, "result"), _read_json_line(caller, "result")]
            for proc in (callee, caller):
                proc.wait(30)
        finally:
            relay.stop()

    latencies = [v for r in results for v in r.pop("latencies")]
    p50 = _percentile(latencies, 0.50)
    callee_result = results[0]
    print(
        json.dumps(
            {
                "width": args.width,
                "height": args.height,
                "first_frame_ms": round(callee_result["first_frame_ms"], 1),
                "fps": round(min(r["fps"] for r in results), 2),
                "latency_ms": p50,
                "latency_p50_ms": p50,
                "latency_p95_ms": _percentile(latencies, 0.95),
                "cpu_percent_per_side": round(max(r["cpu_percent"] for r in results), 1),
                "encoder": "aiortc" if args.stock_encoder else "stable",
                "decoder": "libvpx" if args.stock_decoder else "ffmpeg",
                "opus": "stereo" if args.stock_opus else "mono",
                "sides": [
                    {k: (round(v, 2) if isinstance(v, float) else v) for k, v in r.items()}
                    for r in results
                ],
            }
        )
    )


if __name__ == "__main__":
    main()
