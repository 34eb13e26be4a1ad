"""Call key verification: DTLS fingerprints from SDP → four emoji shown on both sides.

Each peer's SDP carries the fingerprint of the certificate it will use for DTLS, and
aiortc refuses a DTLS handshake whose certificate does not match the fingerprint in the
remote description. Both sides hash the *sorted* pair (``app.services.calls
.verification_emoji``), so they compute the same four emoji. A relay that rewrote the SDP
to put itself in the middle must terminate DTLS twice, with its own certificate toward each
side: each side then hashes a pair that contains the relay's fingerprint instead of the
peer's, the two pairs differ, and the users comparing emoji see different pictures.
Four emoji carry 24 bits; the attacker cannot choose certificates to match them in the
seconds before the call connects with better odds than about 1 in 16 million per try.
"""

from __future__ import annotations

from app.services.calls import EMOJI_TABLE, normalize_fingerprint, verification_emoji

__all__ = ["EMOJI_TABLE", "normalize_fingerprint", "sdp_fingerprint", "verification_emoji"]


def sdp_fingerprint(sdp: str) -> str | None:
    """The first ``a=fingerprint:`` of an SDP (session or media level), normalized."""
    for line in sdp.splitlines():
        if line.startswith("a=fingerprint:"):
            return normalize_fingerprint(line.split(":", 1)[1])
    return None
