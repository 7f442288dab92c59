"""Receipts' PINs hashed ahead of time: each handed out once, each verifying, the stock refilled."""

from __future__ import annotations

import time

from storage import FieldCipher, generate_key
from storage.pin_stock import PinStock, pin_stock


def wait_until_full(stock: PinStock) -> None:
    """Wait for the background thread to fill the stock."""
    deadline = time.monotonic() + 30
    while stock.ready() < stock.size:
        assert time.monotonic() < deadline, "the stock was never filled"
        time.sleep(0.01)


def test_ready_pins_verify_and_are_never_handed_out_twice() -> None:
    cipher = FieldCipher(generate_key())
    stock = PinStock(cipher, size=4)
    stock.fill()
    wait_until_full(stock)

    taken = [stock.take() for _ in range(10)]  # more than the stock: some made on the spot

    assert all(cipher.verify_pin(pin, hashed) for pin, hashed in taken)
    assert len({hashed for _, hashed in taken}) == 10  # salted: a repeat is a pair reused
    wait_until_full(stock)  # topped up again after the takes


def test_a_stock_never_filled_hashes_each_pin_when_asked() -> None:
    cipher = FieldCipher(generate_key())
    stock = PinStock(cipher)

    pin, hashed = stock.take()

    assert cipher.verify_pin(pin, hashed) and stock.ready() == 0


def test_intakes_on_one_key_share_the_process_stock() -> None:
    key = generate_key()

    assert pin_stock(FieldCipher(key)) is pin_stock(FieldCipher(key))
    assert pin_stock(FieldCipher(key)) is not pin_stock(FieldCipher(generate_key()))
