"""Dashboard passwords: argon2id hashes (argon2-cffi defaults), checked in constant time."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = [
    "MIN_LENGTH",
    "WeakPassword",
    "check_strength",
    "hash_password",
    "needs_rehash",
    "verify_password",
]

MIN_LENGTH = 10
_hasher = PasswordHasher()


class WeakPassword(ValueError):
    """A password too short to set."""


def check_strength(password: str) -> None:
    """Refuse passwords shorter than MIN_LENGTH characters."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"a password needs at least {MIN_LENGTH} characters")


def hash_password(password: str) -> str:
    """The argon2id hash to store."""
    check_strength(password)
    return _hasher.hash(password)


@cache
def _decoy() -> str:
    # Checked when a name has no password, so the answer takes as long as a real check.
    return _hasher.hash("homeward decoy password")


def verify_password(password: str, stored: str | None) -> bool:
    """True if the password matches the stored hash (always False without one)."""
    try:
        return _hasher.verify(stored or _decoy(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored)
