"""User-facing explanations of failures (the UI shows them, it never swallows them)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def _tr(text: str) -> str:
    return QCoreApplication.translate("Errors", text)


def _codes() -> dict[str, str]:
    return {
        "wrong_credentials": _tr("Wrong username or password."),
        "username_taken": _tr("This username is already taken."),
        "invalid_username": _tr("Usernames use 3–32 lower-case letters, digits and underscores."),
        "weak_password": _tr("The password is too short (at least 8 characters)."),
        "unknown_user": _tr("No user with this username."),
        "unknown_chat": _tr("This chat no longer exists."),
        "unknown_message": _tr("This message no longer exists."),
        "forbidden": _tr("You are not allowed to do this."),
        "message_too_long": _tr("The message is too long."),
        "empty_message": _tr("The message is empty."),
        "rate_limited": _tr("Too many requests. Please wait a moment and try again."),
        "blob_too_large": _tr("The file is too large (50 MB at most)."),
        "too_many_members": _tr("The group is full."),
        "token_revoked": _tr("This device was signed out. Sign in again."),
        "token_expired": _tr("The session expired. Sign in again."),
        "token_invalid": _tr("The relay no longer knows this session. Sign in again."),
        "internal": _tr("The relay had a problem. Try again."),
    }


def describe_code(code: str) -> str:
    """A sentence for the user about a protocol error code (e.g. why a session ended)."""
    return _codes().get(code) or _tr("Something went wrong: %1").replace("%1", code)


def describe(exc: BaseException) -> str:
    """A sentence for the user about ``exc``."""
    code = getattr(exc, "code", None)
    if isinstance(code, str):
        text = _codes().get(code)
        if text:
            return text
    name = type(exc).__name__
    if isinstance(exc, ValueError) and str(exc):
        return str(exc)
    if name == "WrongPasscode":
        return _tr("Wrong passcode. Try again.")
    if name in ("NotConnected", "RequestTimeout", "ClientConnectorError", "TimeoutError"):
        return _tr("Cannot reach the relay. Check the address and your connection.")
    if name == "StoreFull":
        return _tr("The disk is full.")
    if name == "StoreLocked":
        return _tr("This profile is open in another Risala window.")
    message = str(exc) or name
    return _tr("Something went wrong: %1").replace("%1", message)
