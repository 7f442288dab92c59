"""Field encryption for the tipster's identity: phone numbers, platform user ids, exact
locations; and the stored attachment files.

Values are encrypted with Fernet (AES-128-CBC + HMAC) under a key derived from the
deployment's master key. Lookups by platform user id use a keyed blind index (HMAC-SHA256),
so the plaintext id never needs to be stored to find a conversation again.

Follow-up PINs are six digits: a million guesses. Hashed alone, even with scrypt, a copy
of the database gives them all away within hours. So the PIN is first keyed with a secret
derived from the master key (HMAC-SHA256, a "pepper"), then hashed with scrypt and a salt:
without the key a stolen database holds nothing to guess against, and with it scrypt still
costs each guess ~10 ms.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["NO_PIN", "FieldCipher", "InvalidKey", "generate_key"]

NO_PIN = "!"  # the pin_hash of a report nobody can follow up (imported from elsewhere)
_SCRYPT = {"n": 2**12, "r": 8, "p": 1}  # ~10 ms and 4 MiB per PIN, after the pepper
_LEGACY_SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # "scrypt$…" hashes, unpeppered


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
        self._pin_key = _derive(master, b"homeward pin pepper v1")
        self._files = Fernet(base64.urlsafe_b64encode(_derive(master, b"homeward files v1")))

    def encrypt(self, value: str) -> str:
        """Encrypt a value for storage."""
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str:
        """Decrypt a stored value; raises InvalidKey if it was written under another key."""
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise InvalidKey("stored value cannot be decrypted with this key") from exc

    def encrypt_file(self, data: bytes) -> bytes:
        """Encrypt a file's bytes for the media directory."""
        return self._files.encrypt(data)

    def decrypt_file(self, data: bytes) -> bytes:
        """Decrypt a stored file; raises InvalidKey if it was written under another key."""
        try:
            return self._files.decrypt(data)
        except InvalidToken as exc:
            raise InvalidKey("stored file cannot be decrypted with this key") from exc

    def blind_index(self, value: str) -> str:
        """Return a stable keyed digest of a value, for equality lookups."""
        return hmac.new(self._index_key, value.encode(), hashlib.sha256).hexdigest()

    def hash_pin(self, pin: str) -> str:
        """Hash a follow-up PIN: keyed, then scrypt with a random salt."""
        salt = secrets.token_bytes(16)
        return f"pscrypt${salt.hex()}${self._pin_digest(pin, salt).hex()}"

    def verify_pin(self, pin: str, stored: str) -> bool:
        """Check a PIN against its stored hash in constant time."""
        try:
            scheme, salt_hex, digest_hex = stored.split("$")
            salt = bytes.fromhex(salt_hex)
        except ValueError:
            return False  # NO_PIN, or not a hash at all
        if scheme == "pscrypt":
            digest = self._pin_digest(pin, salt)
        elif scheme == "scrypt":  # written before PINs were keyed
            digest = hashlib.scrypt(pin.encode(), salt=salt, **_LEGACY_SCRYPT)
        else:
            return False
        return hmac.compare_digest(digest.hex(), digest_hex)

    def _pin_digest(self, pin: str, salt: bytes) -> bytes:
        keyed = hmac.new(self._pin_key, pin.encode(), hashlib.sha256).digest()
        return hashlib.scrypt(keyed, salt=salt, **_SCRYPT)
