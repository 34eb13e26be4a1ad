"""Database keys: Argon2id derivation from the passcode, the key file, the OS keychain.

The database key is never the passcode itself: Argon2id turns passcode + salt into 32
bytes that SQLCipher receives as a raw key, so SQLCipher's own PBKDF2 is skipped. The
salt and the KDF parameters live beside the database in ``<name>.key.json`` so the
parameters can be raised later (by re-keying) without breaking old profiles.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import os
import secrets
from pathlib import Path
from typing import Literal

import msgspec
from argon2.low_level import Type, hash_secret_raw

from app.store.errors import StoreCorrupt

log = logging.getLogger(__name__)

KEY_LEN = 32
SALT_LEN = 16


class KdfParams(msgspec.Struct, frozen=True, kw_only=True):
    """Argon2id cost parameters, stored with the salt so they can change per profile."""

    time_cost: int = 3
    memory_cost: int = 65536  # KiB, i.e. 64 MiB
    parallelism: int = 4


#: RFC 9106's second recommended option (t=3, m=64 MiB, p=4): about 160 ms on the
#: 2-core development machine, inside the 150-400 ms budget for unlocking.
DEFAULT_KDF = KdfParams()


class KeyFile(msgspec.Struct, frozen=True, kw_only=True):
    """Contents of ``<name>.key.json``: everything but the passcode needed to derive the key."""

    version: int = 1
    kdf: Literal["argon2id"] = "argon2id"
    salt: str  # hex
    params: KdfParams = DEFAULT_KDF

    @classmethod
    def new(cls, params: KdfParams = DEFAULT_KDF) -> KeyFile:
        """A key file with a fresh random salt."""
        return cls(salt=secrets.token_hex(SALT_LEN), params=params)

    def derive(self, passcode: str) -> bytes:
        """Derive the 32-byte database key from ``passcode`` (slow by design)."""
        return derive_key(passcode, bytes.fromhex(self.salt), self.params)


def derive_key(passcode: str, salt: bytes, params: KdfParams = DEFAULT_KDF) -> bytes:
    """Argon2id(passcode, salt) → 32 raw key bytes. Takes ~0.15 s with the defaults."""
    return hash_secret_raw(
        secret=passcode.encode("utf-8"),
        salt=salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_cost,
        parallelism=params.parallelism,
        hash_len=KEY_LEN,
        type=Type.ID,
    )


def keys_equal(a: bytes, b: bytes) -> bool:
    """Constant-time key comparison."""
    return hmac.compare_digest(a, b)


def key_pragma(key: bytes) -> str:
    """The ``PRAGMA key``/``rekey`` argument for a raw 32-byte key: ``"x'<64 hex>'"``."""
    if len(key) != KEY_LEN:
        raise ValueError(f"raw key must be {KEY_LEN} bytes")
    return f"\"x'{key.hex()}'\""


def key_file_path(db_path: Path) -> Path:
    """``profile/store.db`` → ``profile/store.key.json``."""
    return db_path.with_name(db_path.stem + ".key.json")


def pending_key_file_path(db_path: Path) -> Path:
    """The side file holding the *new* salt while a passcode change is in flight."""
    return db_path.with_name(db_path.stem + ".key.pending.json")


def read_key_file(path: Path) -> KeyFile:
    """Read and validate a key file; a damaged one raises :class:`StoreCorrupt`."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise StoreCorrupt(f"key file missing: {path}") from None
    try:
        kf = msgspec.json.decode(data, type=KeyFile)
        salt = bytes.fromhex(kf.salt)
    except (msgspec.DecodeError, ValueError) as e:
        raise StoreCorrupt(f"key file damaged: {path}: {e}") from None
    if kf.version != 1 or len(salt) < 8:
        raise StoreCorrupt(f"unsupported key file: {path}")
    return kf


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves either the old or the new file."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (no-op where directories can't be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_key_file(path: Path, kf: KeyFile) -> None:
    """Atomically write a key file."""
    write_atomic(path, msgspec.json.format(msgspec.json.encode(kf)) + b"\n")


class KeychainKeys:
    """Keeps a profile's raw database key in the OS keychain through ``keyring``.

    Every method degrades gracefully: with no usable backend (a headless Linux box, a
    locked keychain) reads return ``None`` and writes return ``False``; the app then
    simply asks for the passcode.
    """

    def __init__(self, profile: str, service: str = "risala") -> None:
        self.service = service
        self.profile = profile

    @staticmethod
    def available() -> bool:
        """Whether a real (non-failing) keyring backend is configured."""
        try:
            import keyring
            from keyring.backends import fail

            return not isinstance(keyring.get_keyring(), fail.Keyring)
        except Exception:  # any backend trouble means "not available"
            return False

    def get(self) -> bytes | None:
        """The stored raw key, or None if absent, malformed or no backend works."""
        try:
            import keyring

            value = keyring.get_password(self.service, self.profile)
        except Exception as e:  # backends raise all sorts (D-Bus, OS errors)
            log.info("keychain read unavailable: %s", e)
            return None
        if value is None:
            return None
        try:
            key = bytes.fromhex(value)
        except ValueError:
            return None
        return key if len(key) == KEY_LEN else None

    def set(self, key: bytes) -> bool:
        """Store the raw key; False if no backend could take it."""
        if len(key) != KEY_LEN:
            raise ValueError(f"raw key must be {KEY_LEN} bytes")
        try:
            import keyring

            keyring.set_password(self.service, self.profile, key.hex())
        except Exception as e:
            log.info("keychain write unavailable: %s", e)
            return False
        return True

    def delete(self) -> bool:
        """Forget the stored key; False if there was none or no backend works."""
        try:
            import keyring

            keyring.delete_password(self.service, self.profile)
        except Exception as e:
            log.info("keychain delete unavailable: %s", e)
            return False
        return True


def remove_quietly(path: Path) -> None:
    """Delete ``path`` if it exists."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
