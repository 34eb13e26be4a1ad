"""Key verification: the four emoji from two DTLS fingerprints."""

from __future__ import annotations

from app.services.calls import EMOJI_TABLE, normalize_fingerprint, verification_emoji
from media.verify import sdp_fingerprint

A = "sha-256 10:DD:4C:9C:99:BC:C5:12:65:D0:2E:AD:53:52:18:AA:18:C5:9E:44:BD:2C:A8:DF:EB:D1:AE"
B = "sha-256 06:7E:D7:DE:96:7F:50:8C:E2:C4:44:FA:B0:03:7E:73:D5:13:8C:6E:7E:5D:2C:4E:A4:11"


def test_table_has_64_distinct_emoji() -> None:
    assert len(EMOJI_TABLE) == 64
    assert len(set(EMOJI_TABLE)) == 64


def test_both_sides_get_the_same_four() -> None:
    mine = verification_emoji(A, B)
    theirs = verification_emoji(B, A)
    assert mine == theirs
    assert len(mine) == 4
    assert all(e in EMOJI_TABLE for e in mine)


def test_case_and_prefix_do_not_matter() -> None:
    assert verification_emoji(A.lower(), B) == verification_emoji(A, B.split()[1])
    assert normalize_fingerprint("SHA-256 AB:CD") == "sha-256 ab:cd"


def test_a_man_in_the_middle_changes_the_emoji() -> None:
    mitm = "sha-256 " + ":".join(["AB"] * 32)
    honest = verification_emoji(A, B)
    # each side sees the attacker's certificate in place of the peer's
    alice_sees = verification_emoji(A, mitm)
    bob_sees = verification_emoji(B, mitm)
    assert alice_sees != honest and bob_sees != honest
    assert alice_sees != bob_sees


def test_one_changed_byte_changes_the_emoji() -> None:
    changed = A[:-2] + ("AF" if not A.endswith("AF") else "AE")
    assert verification_emoji(changed, B) != verification_emoji(A, B)


def test_sdp_fingerprint() -> None:
    sdp = (
        "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n"
        "a=fingerprint:sha-256 AA:BB\r\na=fingerprint:sha-384 CC\r\n"
    )
    assert sdp_fingerprint(sdp) == "sha-256 aa:bb"
    assert sdp_fingerprint("v=0\r\n") is None
