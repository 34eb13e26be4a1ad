"""Child processes the tests start: stopping them, and a private Xvfb server."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest


def stop_process(proc: subprocess.Popen[Any], timeout: float = 10.0) -> int:
    """SIGTERM, wait up to ``timeout`` seconds, then SIGKILL; returns the exit code."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def _read_line(fd: int, within: float) -> str:
    """The display number Xvfb writes once it accepts connections, up to its newline; EOF
    means it exited. Xvfb writes the number and the newline separately and dies if the pipe
    is closed in between, so read the whole line before closing."""
    data = b""
    deadline = time.monotonic() + within
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(fd, 64) if ready else b""
        if not chunk:
            break
        data += chunk
    return data.decode(errors="replace").strip()


def _start_xvfb(xvfb: str, screen: str) -> tuple[subprocess.Popen[bytes], int] | None:
    """Start Xvfb on the first display number it can take from :99 up. Xvfb's own lock file
    decides (a number in use makes it exit), and ``-displayfd`` says when it accepts
    connections: no guessing from files in /tmp, no race with another run starting its own
    server at the same time."""
    for number in range(99, 160):
        read_end, write_end = os.pipe()
        try:
            server = subprocess.Popen(
                [xvfb, f":{number}", "-displayfd", str(write_end)]
                + ["-screen", "0", screen, "-nolisten", "tcp"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(write_end,),
            )
            os.close(write_end)
            write_end = -1
            answer = _read_line(read_end, 30)
        finally:
            os.close(read_end)
            if write_end != -1:
                os.close(write_end)
        if answer == str(number):
            return server, number
        server.kill()
        server.wait(10)
    return None


@contextmanager
def xvfb_display(screen: str = "1920x1080x24") -> Iterator[str]:
    """A private Xvfb server for the block: yields its ``DISPLAY`` (":N"). Skips the test
    when Xvfb is not installed (CI installs it) or will not start."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb is not installed (apt-get install -y xvfb)")
    started = _start_xvfb(xvfb, screen)
    if started is None:
        pytest.skip("Xvfb did not start")
    server, number = started
    try:
        yield f":{number}"
    finally:
        stop_process(server)
