"""The relay's command line: settings that are read from files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from relay.cli import ConfigError, config_from_args, parse_args


def test_turn_secret_file_is_read_and_stripped(tmp_path: Path) -> None:
    secret = tmp_path / "turn-secret"
    secret.write_text("  long-random-secret\n")
    args = parse_args(["serve", "--data", str(tmp_path), "--turn-secret-file", str(secret)])
    assert config_from_args(args).turn_secret == "long-random-secret"


def test_turn_secret_on_the_command_line_still_works(tmp_path: Path) -> None:
    args = parse_args(["serve", "--data", str(tmp_path), "--turn-secret", "abc"])
    assert config_from_args(args).turn_secret == "abc"


@pytest.mark.parametrize("content", [None, "", " \n"])
def test_missing_or_empty_secret_file_is_refused(tmp_path: Path, content: str | None) -> None:
    secret = tmp_path / "turn-secret"
    if content is not None:
        secret.write_text(content)
    args = parse_args(["serve", "--data", str(tmp_path), "--turn-secret-file", str(secret)])
    with pytest.raises(ConfigError, match="turn-secret-file"):
        config_from_args(args)


def test_secret_and_secret_file_are_exclusive(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        parse_args(
            ["serve", "--data", str(tmp_path), "--turn-secret", "a", "--turn-secret-file", "b"]
        )


def test_relay_exits_with_a_clear_error_on_an_unreadable_secret_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    proc = subprocess.run(
        [sys.executable, "-m", "relay", "serve", "--data", str(tmp_path / "data")]
        + ["--port", "0", "--turn-secret-file", str(missing)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert f"cannot read --turn-secret-file {missing}" in proc.stderr


def test_trusted_proxy_networks(tmp_path: Path) -> None:
    args = parse_args(
        ["serve", "--data", str(tmp_path), "--trusted-proxy", "127.0.0.1"]
        + ["--trusted-proxy", "10.0.0.0/8"]
    )
    assert config_from_args(args).trusted_proxies == ("127.0.0.1", "10.0.0.0/8")
    bad = parse_args(["serve", "--data", str(tmp_path), "--trusted-proxy", "proxy.local"])
    with pytest.raises(ConfigError, match="--trusted-proxy"):
        config_from_args(bad)
