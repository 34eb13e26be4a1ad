"""Client addresses behind trusted reverse proxies."""

from __future__ import annotations

import pytest

from relay.proxy import client_address, parse_networks

PROXIES = parse_networks(["127.0.0.1", "10.0.0.0/8", "fd00::/8"])


@pytest.mark.parametrize(
    ("peer", "headers", "expected"),
    [
        ("198.51.100.4", ["203.0.113.9"], "198.51.100.4"),  # not a proxy: header ignored
        ("127.0.0.1", [], "127.0.0.1"),  # a trusted proxy that sent no header
        ("127.0.0.1", ["203.0.113.9"], "203.0.113.9"),
        ("127.0.0.1", ["1.1.1.1, 203.0.113.9"], "203.0.113.9"),  # left part is the client's
        ("127.0.0.1", ["203.0.113.9, 10.1.2.3"], "203.0.113.9"),  # two proxies
        ("127.0.0.1", ["203.0.113.9", "10.1.2.3"], "203.0.113.9"),  # repeated headers
        ("127.0.0.1", ["10.1.2.3"], "10.1.2.3"),  # only proxies: the outermost one
        ("127.0.0.1", ["junk, 203.0.113.9"], "203.0.113.9"),
        ("127.0.0.1", ["203.0.113.9, junk"], "127.0.0.1"),  # garbage from a proxy: stop
        ("127.0.0.1", ["203.0.113.9:5123"], "203.0.113.9"),
        ("127.0.0.1", ["[2001:db8::7]:443"], "2001:db8::7"),
        ("127.0.0.1", ["2001:DB8::7"], "2001:db8::7"),
        ("fd00::1", ["203.0.113.9"], "203.0.113.9"),
        (None, ["203.0.113.9"], "?"),
    ],
)
def test_client_address(peer: str | None, headers: list[str], expected: str) -> None:
    assert client_address(peer, headers, PROXIES) == expected


def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    assert client_address("127.0.0.1", ["203.0.113.9"], ()) == "127.0.0.1"


def test_bad_network_is_named() -> None:
    with pytest.raises(ValueError, match="'10.0.0.0/33'"):
        parse_networks(["10.0.0.0/8", "10.0.0.0/33"])
