"""Remote audio out through QAudioSink, or to nowhere when there is no output device.

Either way every frame is consumed (aiortc queues unread remote frames without bound) and
counted, so a machine without speakers (CI) runs calls the same way.
"""

from __future__ import annotations

import logging
from typing import Any

import av
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from media.capture import AUDIO_RATE
from media.devices import list_speakers

log = logging.getLogger(__name__)


class AudioPlayback:
    """Plays one remote audio track. ``frames`` counts frames received; ``muted`` silences
    the output without stopping consumption."""

    def __init__(self, device_id: bytes | None = None) -> None:
        self.frames = 0
        self.muted = False
        self.device_id = device_id
        self._resampler = av.AudioResampler(format="s16", layout="mono", rate=AUDIO_RATE)
        self._sink: Any = None
        self._io: Any = None

    @property
    def has_output(self) -> bool:
        return self._io is not None

    def _open_sink(self) -> None:
        if not list_speakers():
            log.info("no audio output device: remote audio is consumed but not played")
            return
        from PySide6.QtMultimedia import QAudioFormat, QAudioSink, QMediaDevices

        fmt = QAudioFormat()
        fmt.setSampleRate(AUDIO_RATE)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        device = next(
            (d for d in QMediaDevices.audioOutputs() if bytes(d.id().data()) == self.device_id),
            QMediaDevices.defaultAudioOutput(),
        )
        try:
            self._sink = QAudioSink(device, fmt)
            self._sink.setBufferSize(AUDIO_RATE * 2 // 5)  # 200 ms
            self._io = self._sink.start()
        except Exception:
            log.exception("audio output failed to open; remote audio will not be played")
            self._sink = self._io = None

    def _write(self, frame: av.AudioFrame) -> None:
        if self._io is None or self.muted:
            return
        for out in self._resampler.resample(frame):
            data = bytes(out.planes[0])[: out.samples * 2]
            if self._sink.bytesFree() >= len(data):  # drop rather than block or grow
                self._io.write(data)

    async def play(self, track: MediaStreamTrack) -> None:
        """Consume ``track`` until it ends."""
        self._open_sink()
        try:
            while True:
                frame = await track.recv()
                self.frames += 1
                if isinstance(frame, av.AudioFrame):
                    self._write(frame)
        except MediaStreamError:
            pass
        finally:
            self.close()

    def close(self) -> None:
        if self._sink is not None:
            self._sink.stop()
            self._sink = self._io = None
