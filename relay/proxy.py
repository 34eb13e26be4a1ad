"""The client's address when the relay runs behind reverse proxies the operator trusts.

Behind a TLS proxy every connection comes from the proxy's address, so per-address limits
(sign-in/sign-up attempts) would throttle all users together. With ``--trusted-proxy``
the relay reads ``X-Forwarded-For`` from connections whose peer is a trusted proxy: it
walks the list right to left (each proxy appends the address it saw) and takes the first
address that is not itself a trusted proxy. Anything left of that was written by the
client and could be forged, so it is never used. Connections from other peers keep their
own address whatever headers they send.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """Addresses or CIDR networks (``10.0.0.0/8``, ``::1``); ``ValueError`` names a bad one."""
    networks: list[Network] = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(f"not an IP address or network: {value!r}") from exc
    return tuple(networks)


def _trusted(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def _hop(value: str) -> str | None:
    """One ``X-Forwarded-For`` entry as a normalised address, None if it is not one."""
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(
    peer: str | None, forwarded_for: Sequence[str], trusted: Sequence[Network]
) -> str:
    """The address per-address limits apply to (``"?"`` when the peer is unknown)."""
    if peer is None:
        return "?"
    if not trusted or not _trusted(peer, trusted):
        return peer
    hops = [part for header in forwarded_for for part in header.split(",")]
    address = peer
    for raw in reversed(hops):
        hop = _hop(raw)
        if hop is None:  # garbage: stop at the last address a trusted proxy vouched for
            return address
        address = hop
        if not _trusted(hop, trusted):
            return hop
    return address
