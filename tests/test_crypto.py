"""Follow-up PINs: keyed with the deployment's secret before scrypt, so a stolen database alone
holds nothing to guess against."""

from __future__ import annotations

import hashlib

import pytest

from storage import NO_PIN, FieldCipher, InvalidKey, generate_key


def test_a_pin_verifies_only_with_the_right_pin_and_the_right_key() -> None:
    cipher = FieldCipher(generate_key())
    stored = cipher.hash_pin("042137")

    assert "042137" not in stored and stored != cipher.hash_pin("042137")  # salted
    assert cipher.verify_pin("042137", stored)
    assert not cipher.verify_pin("042138", stored)
    assert not FieldCipher(generate_key()).verify_pin("042137", stored)  # the key is needed


def test_guessing_from_the_database_alone_finds_nothing() -> None:
    stored = FieldCipher(generate_key()).hash_pin("000007")
    _, salt, digest = stored.split("$")
    # What an attacker holding only the database would try: every PIN through plain scrypt.
    guesses = (f"{n:06d}".encode() for n in range(20))
    tried = {hashlib.scrypt(g, salt=bytes.fromhex(salt), n=2**12, r=8, p=1).hex() for g in guesses}
    assert digest not in tried


def test_hashes_written_before_pins_were_keyed_still_verify() -> None:
    salt = bytes(range(16))
    digest = hashlib.scrypt(b"123456", salt=salt, n=2**14, r=8, p=1)
    legacy = f"scrypt${salt.hex()}${digest.hex()}"
    cipher = FieldCipher(generate_key())

    assert cipher.verify_pin("123456", legacy) and not cipher.verify_pin("654321", legacy)


def test_a_report_without_a_pin_can_never_be_followed_up() -> None:
    cipher = FieldCipher(generate_key())
    assert not any(cipher.verify_pin(pin, NO_PIN) for pin in ("", "!", "000000"))
    assert not cipher.verify_pin("1", "garbage") and not cipher.verify_pin("1", "x$zz$00")


def test_a_stored_file_opens_only_with_its_key_and_not_as_a_field() -> None:
    cipher, other = FieldCipher(generate_key()), FieldCipher(generate_key())
    sealed = cipher.encrypt_file(b"\x00\x01 a voice note")

    assert b"voice" not in sealed and cipher.decrypt_file(sealed) == b"\x00\x01 a voice note"
    with pytest.raises(InvalidKey):
        other.decrypt_file(sealed)
    with pytest.raises(InvalidKey):  # files and fields have keys of their own
        cipher.decrypt(sealed.decode())
