"""What a call looks like to the user: its phase, why it ended, and the words for both.

The windows never look at protocol frames or the media engine: the controller translates
those into a ``CallPhase`` plus, for an ended call, an ``EndReason``. The human messages live
here (in one ``QObject`` so ``self.tr`` gives them one translation context, ``CallTexts``).
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from app.services.calls import CallState as CallPhase
from app.services.calls import EndReason

# The windows use the core's ``CallState`` as their phase. One difference in reading: a caller's
# window shows ``CALLING`` until the relay accepts ``call_start`` and ``RINGING`` while the
# callee's devices ring (the core's ``CALLING``; ``ui.calls.controller.phase_of`` maps it).

ACTIVE_PHASES = frozenset({CallPhase.CONNECTING, CallPhase.CONNECTED, CallPhase.RECONNECTING})
"""Phases in which the call has been answered and is not over."""

_END_REASON_ALIASES = {
    "no_answer": "missed",
    "timeout": "missed",
    "offline": "peer_offline",
    "error": "failed",
    "ended": "hangup",
    "remote_hangup": "hangup",
    "local_hangup": "hangup",
    "normal": "hangup",
}


def parse_end_reason(value: object) -> EndReason:
    """Accept an ``EndReason``, the relay's string, or anything else (→ ``FAILED``)."""
    if isinstance(value, EndReason):
        return value
    raw = str(getattr(value, "value", value) or "").lower()
    raw = _END_REASON_ALIASES.get(raw, raw)
    try:
        return EndReason(raw)
    except ValueError:
        return EndReason.FAILED


ENDED_CLOSE_DELAY_MS = 2500
"""How long a window keeps showing why the call ended before it closes itself."""


def format_duration(seconds: float) -> str:
    """``mm:ss`` for the call timer, ``h:mm:ss`` past an hour. Digits stay Western in both
    languages: the timer is read as a number, and the label is isolated as LTR."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"


def initials(name: str) -> str:
    """One or two letters for an avatar circle ("Layla Haddad" → "LH", "سارة" → "س")."""
    words = [w for w in name.replace("_", " ").split() if w]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:1].upper()
    return (words[0][:1] + words[-1][:1]).upper()


AVATAR_COLOURS = ("#e17076", "#faa774", "#a695e7", "#7bc862", "#6ec9cb", "#65aadd", "#ee7aae")


def avatar_colour(name: str) -> str:
    """A stable colour per name (not ``hash()``: that changes between runs)."""
    return AVATAR_COLOURS[sum(name.encode()) % len(AVATAR_COLOURS)]


class CallTexts(QObject):
    """The human words for phases and end reasons. ``outgoing`` is true on the caller's side:
    "declined" reads differently to the one who was declined."""

    def phase_text(self, phase: CallPhase, *, outgoing: bool, video: bool) -> str:
        if phase is CallPhase.CALLING:
            return self.tr("Calling…")
        if phase is CallPhase.RINGING:
            if outgoing:
                return self.tr("Ringing…")
            return self.tr("Incoming video call") if video else self.tr("Incoming audio call")
        if phase is CallPhase.CONNECTING:
            return self.tr("Connecting…")
        if phase is CallPhase.RECONNECTING:
            return self.tr("Reconnecting…")
        if phase is CallPhase.CONNECTED:
            return self.tr("Connected")
        return self.tr("Call ended")

    def end_text(self, reason: EndReason, name: str, *, outgoing: bool) -> str:
        if reason is EndReason.HANGUP:
            return self.tr("Call ended")
        if reason is EndReason.DECLINED:
            return (
                self.tr("%1 declined the call").replace("%1", name)
                if outgoing
                else self.tr("Call declined")
            )
        if reason is EndReason.BUSY:
            return (
                self.tr("%1 is on another call").replace("%1", name)
                if outgoing
                else self.tr("Call ended: you were busy")
            )
        if reason is EndReason.MISSED:
            return (
                self.tr("No answer from %1").replace("%1", name)
                if outgoing
                else self.tr("Missed call from %1").replace("%1", name)
            )
        if reason is EndReason.CANCELLED:
            return (
                self.tr("Call cancelled")
                if outgoing
                else self.tr("%1 cancelled the call").replace("%1", name)
            )
        if reason is EndReason.PEER_OFFLINE:
            return self.tr("%1 went offline").replace("%1", name)
        if reason is EndReason.ANSWERED_ELSEWHERE:
            return self.tr("Answered on another device")
        return self.tr("The call could not be connected")
