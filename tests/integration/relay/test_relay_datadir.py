"""One relay per data directory: a second relay on the same ``--data`` refuses to start."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from relay.cli import EXIT_DATA_DIR_IN_USE
from relay.config import RelayConfig
from relay.datadir import DataDirInUse
from relay.server import run_relay
from tests.helpers.relay import REPO_ROOT, free_port, start_relay
from tests.integration.relay.relay_testkit import FAST


def serve(data_dir: Path) -> subprocess.CompletedProcess[str]:
    """``risala-relay serve`` in a process of its own (returns when it exits)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "relay",
            "serve",
            "--port",
            str(free_port()),
            "--data",
            str(data_dir),
            "--fast-password-hashing",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
    )


def healthy(url: str) -> bool:
    with urllib.request.urlopen(url + "/healthz", timeout=5) as resp:
        return resp.status == 200


def test_second_relay_process_refuses_the_data_dir(tmp_path: Path) -> None:
    first = start_relay(tmp_path, **FAST)
    try:
        second = serve(first.data_dir)
        assert second.returncode == EXIT_DATA_DIR_IN_USE, second.stderr
        assert "in use by another relay" in second.stderr
        assert f"pid {first.pid}" in second.stderr
        assert healthy(first.url)  # the first relay is untouched
    finally:
        assert first.stop() == 0
    first.start()  # released on a clean stop: the same data dir starts again
    assert healthy(first.url)
    first.kill()  # and on a crash (the OS drops the lock with the process)
    first.start()
    assert healthy(first.url)
    first.stop()


async def test_run_relay_raises_while_another_process_holds_it(tmp_path: Path) -> None:
    first = start_relay(tmp_path, **FAST)
    config = RelayConfig(data_dir=first.data_dir, port=0, fast_password_hashing=True)
    try:
        with pytest.raises(DataDirInUse) as err:
            async with run_relay(config):
                pass
        assert err.value.data_dir == first.data_dir
    finally:
        first.stop()
    async with run_relay(config) as handle:  # free again
        other = RelayConfig(data_dir=first.data_dir, port=0, fast_password_hashing=True)
        with pytest.raises(DataDirInUse):  # a second relay in this process is refused too
            async with run_relay(other):
                pass
        assert handle.port > 0
