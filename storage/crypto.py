"""Field encryption for the tipster's identity: phone numbers and platform user ids.

Values are encrypted with Fernet (AES-128-CBC + HMAC) under a key derived from the
deployment's master key. Lookups by platform user id use a keyed blind index (HMAC-SHA256),
so the plaintext id never needs to be stored to find a conversation again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["FieldCipher", "InvalidKey", "generate_key", "hash_pin", "verify_pin"]


class InvalidKey(ValueError):
    """The master key is missing or malformed."""


def generate_key() -> str:
    """Return a new random master key (urlsafe base64 of 32 bytes)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


class FieldCipher:
    """Encrypts and blind-indexes identity fields with one master key."""

    def __init__(self, master_key: str) -> None:
        try:
            master = base64.urlsafe_b64decode(master_key.encode())
        except (ValueError, TypeError) as exc:
            raise InvalidKey("the secret key is not valid base64") from exc
        if len(master) != 32:
            raise InvalidKey("the secret key must decode to 32 bytes")
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(master, b"homeward field v1")))
        self._index_key = _derive(master, b"homeward blind index v1")

    def encrypt(self, value: str) -> str:
        """Encrypt a value for storage."""
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str:
        """Decrypt a stored value; raises InvalidKey if it was written under another key."""
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise InvalidKey("stored value cannot be decrypted with this key") from exc

    def blind_index(self, value: str) -> str:
        """Return a stable keyed digest of a value, for equality lookups."""
        return hmac.new(self._index_key, value.encode(), hashlib.sha256).hexdigest()


def hash_pin(pin: str) -> str:
    """Hash a follow-up PIN with scrypt and a random salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    """Check a PIN against its stored hash in constant time."""
    try:
        _, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    digest = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt_hex), n=2**14, r=8, p=1)
    return hmac.compare_digest(digest.hex(), digest_hex)
