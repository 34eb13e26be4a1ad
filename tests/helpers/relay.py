"""Start a real relay subprocess on a free loopback port with its own data directory.

Usage::

    from tests.helpers.relay import start_relay

    relay = start_relay(tmp_path)            # blocks until /healthz answers
    ... connect to relay.ws_url ...
    relay.restart()                          # same port, same data dir
    relay.stop()                             # SIGTERM, waits for a clean exit

or the ``relay`` pytest fixture (``from tests.helpers.relay import relay``), which stops the
process after the test. Options become command-line flags: ``ring_timeout=1.0`` turns into
``--ring-timeout 1.0``; ``True`` values become bare flags.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.processes import stop_process

REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RunningRelay:
    """A relay process: ``url`` (http base), ``ws_url``, ``data_dir``, ``pid``."""

    def __init__(self, data_dir: Path, port: int, args: list[str], log_path: Path) -> None:
        self.data_dir = data_dir
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.ws_url = f"ws://127.0.0.1:{port}/v1/ws"
        self._args = args
        self._log_path = log_path
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self._proc is not None, "relay not running"
        return self._proc.pid

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self, timeout: float = 15.0) -> None:
        """Start the process and wait until ``/healthz`` answers."""
        cmd = [
            sys.executable,
            "-m",
            "relay",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--data",
            str(self.data_dir),
            *self._args,
        ]
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
        log = open(self._log_path, "ab")  # noqa: SIM115 - handed to the child
        try:
            self._proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        finally:
            log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"relay exited with {self._proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1.0) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.05)
        self.kill()
        raise TimeoutError(f"relay did not become healthy:\n{self.log()}")

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM and wait for a clean exit; returns the exit code."""
        if self._proc is None:
            return None
        code = stop_process(self._proc, timeout)
        self._proc = None
        return code

    def kill(self) -> None:
        """SIGKILL (simulates a crash) and reap the process."""
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.kill()
            self._proc.wait()
            self._proc = None

    def restart(self, *, hard: bool = False) -> None:
        """Stop (or kill with ``hard=True``) and start again on the same port and data dir."""
        if hard:
            self.kill()
        else:
            self.stop()
        self.start()

    def log(self) -> str:
        """The relay's combined stdout/stderr so far."""
        try:
            return self._log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""


def _flags(options: dict[str, Any]) -> list[str]:
    args: list[str] = []
    for key, value in options.items():
        if value is None or value is False:
            continue
        flag = "--" + key.replace("_", "-")
        if value is True:
            args.append(flag)
        elif isinstance(value, list | tuple):
            for item in value:
                args += [flag, str(item)]
        else:
            args += [flag, str(value)]
    return args


def start_relay(tmp_path: Path, **options: Any) -> RunningRelay:
    """Start a relay with its data dir under ``tmp_path``; options become CLI flags."""
    data_dir = tmp_path / "relay-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    relay = RunningRelay(data_dir, free_port(), _flags(options), tmp_path / "relay.log")
    relay.start()
    return relay


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[RunningRelay]:
    """A relay with default options for one test, stopped afterwards."""
    running = start_relay(tmp_path)
    try:
        yield running
    finally:
        running.stop()
