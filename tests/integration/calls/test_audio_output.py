"""Remote audio really reaches a PulseAudio sink through QAudioSink (QtMultimedia's own
PulseAudio backend; the Linux bundle has no Qt FFmpeg plugin, and its ``--self-test`` opens
an output the same way: see docs/calls.md, "Camera backends").

Needs a PulseAudio server (or PipeWire's pulse server) and ``pactl``/``parec``
(pulseaudio-utils); skipped otherwise. CI starts one with a null sink:

    pulseaudio --daemonize=yes --exit-idle-time=-1 --disallow-exit -n \\
      --load="module-native-protocol-unix socket=/tmp/risala-pulse/native auth-anonymous=1" \\
      --load="module-null-sink sink_name=risala_null" \\
      --load="module-null-source source_name=risala_mic"
    export PULSE_SERVER=unix:/tmp/risala-pulse/native

The test loads a null sink of its own, plays the synthetic tone into it through
``AudioPlayback`` (the class that plays remote call audio) and checks with ``pactl`` that
our stream is connected to that sink, uncorked, and that the sink consumed audio.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before pytest-qt makes the QApplication

from media.capture import AUDIO_RATE, ToneTrack
from media.devices import list_speakers
from media.playback import AudioPlayback

pytestmark = pytest.mark.skipif(
    not shutil.which("pactl"),
    reason="pactl not installed (apt-get install -y pulseaudio pulseaudio-utils)",
)


def _pactl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["pactl", *args], capture_output=True, text=True, timeout=10)


@pytest.fixture
def null_sink() -> Iterator[str]:
    """A fresh null sink on the running PulseAudio server (unloaded afterwards)."""
    info = _pactl("info")
    if info.returncode != 0:
        pytest.skip(
            "no PulseAudio server reachable (pactl info: "
            f"{(info.stderr or info.stdout).strip()}); start one as in this module's docstring"
        )
    name = f"risala_test_{os.getpid()}"
    loaded = _pactl("load-module", "module-null-sink", f"sink_name={name}")
    assert loaded.returncode == 0, loaded.stderr
    try:
        yield name
    finally:
        _pactl("unload-module", loaded.stdout.strip())


def _our_streams_on(sink: str) -> list[dict[str, object]]:
    """The playback streams of this process that PulseAudio has connected to ``sink``."""
    sinks = json.loads(_pactl("--format=json", "list", "short", "sinks").stdout)
    index = next(s["index"] for s in sinks if s["name"] == sink)
    inputs = json.loads(_pactl("--format=json", "list", "sink-inputs").stdout)
    return [
        i
        for i in inputs
        if i["sink"] == index
        and str(i["properties"].get("application.process.id")) == str(os.getpid())
    ]


async def test_playback_reaches_the_pulseaudio_null_sink(qapp, null_sink: str) -> None:
    deadline = time.monotonic() + 5
    while not any(d.id == null_sink.encode() for d in list_speakers()):
        assert time.monotonic() < deadline, f"Qt does not list the sink {null_sink}"
        qapp.processEvents()
        await asyncio.sleep(0.05)
    tone = ToneTrack(level=0.2)
    playback = AudioPlayback(null_sink.encode())
    playing = asyncio.ensure_future(playback.play(tone))
    processed_us = 0
    try:
        streams: list[dict[str, object]] = []
        until = time.monotonic() + 5
        # A null sink runs with up to 2 s of latency: wait until it has taken some audio.
        while time.monotonic() < until and not (streams and processed_us > 100_000):
            qapp.processEvents()  # the test runs on plain asyncio: let Qt's side breathe
            await asyncio.sleep(0.02)
            if playback.has_output:
                processed_us = playback._sink.processedUSecs()
                streams = _our_streams_on(null_sink)
        assert playback.has_output, "QAudioSink did not open on the null sink"
        assert streams, f"no playback stream of ours on {null_sink}"
        assert not streams[0]["corked"], streams[0]
        assert streams[0]["sample_specification"] == f"s16le 1ch {AUDIO_RATE}Hz", streams[0]
        assert processed_us > 100_000, f"the sink took only {processed_us} µs of audio"
    finally:
        tone.stop()
        await asyncio.wait_for(playing, 5.0)
    assert playback.frames >= 5 and not playback.has_output  # consumed, then closed
