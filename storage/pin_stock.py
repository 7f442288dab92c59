"""Follow-up PINs hashed ahead of time, so a burst of submissions doesn't wait on scrypt.

Hashing a PIN costs ~10 ms of CPU on purpose (`storage.crypto`); twenty followers
submitting at once would spend that inside their transactions, one after another on a
small machine. A process that expects submissions (the web process) calls `fill` at
start-up: it hashes a few fresh PINs, and a background thread tops the stock up after each
`take`. The PINs wait only in this process's memory and each is handed out once; when the
stock is empty, `take` hashes one on the spot as before.
"""

from __future__ import annotations

import logging
import threading
from collections import deque

from storage.crypto import FieldCipher
from storage.reports import new_pin

__all__ = ["STOCK_SIZE", "PinStock", "pin_stock"]

log = logging.getLogger(__name__)
STOCK_SIZE = 32  # more than the submissions one process sees at once
_STOCKS: dict[str, PinStock] = {}
_STOCKS_LOCK = threading.Lock()


def pin_stock(cipher: FieldCipher) -> PinStock:
    """This process's stock for PINs under the cipher's master key (one per key)."""
    key = cipher.blind_index("pin stock")  # equal for every cipher on the same key
    with _STOCKS_LOCK:
        return _STOCKS.setdefault(key, PinStock(cipher))


class PinStock:
    """New PINs with their hashes, most of them ready before they are asked for."""

    def __init__(self, cipher: FieldCipher, *, size: int = STOCK_SIZE) -> None:
        self.cipher = cipher
        self.size = size
        self._ready: deque[tuple[str, str]] = deque()
        self._wanted = threading.Event()  # set while the stock is below its size
        self._filler: threading.Thread | None = None
        self._lock = threading.Lock()

    def fresh(self) -> tuple[str, str]:
        """A new PIN and its hash, made now."""
        pin = new_pin()
        return pin, self.cipher.hash_pin(pin)

    def take(self) -> tuple[str, str]:
        """A PIN nobody else gets and its hash: a ready one if there is one."""
        try:
            pair = self._ready.popleft()  # deque operations are atomic across threads
        except IndexError:
            pair = self.fresh()
        self._wanted.set()
        return pair

    def ready(self) -> int:
        """How many hashed PINs are waiting."""
        return len(self._ready)

    def fill(self) -> None:
        """Fill the stock now (~10 ms a PIN), then keep it full from a background thread."""
        with self._lock:
            if self._filler is not None:
                return
            while len(self._ready) < self.size:
                self._ready.append(self.fresh())
            self._filler = threading.Thread(target=self._keep_full, name="pin-stock", daemon=True)
            self._filler.start()

    def _keep_full(self) -> None:
        while True:
            self._wanted.wait()
            try:
                while len(self._ready) < self.size:
                    self._ready.append(self.fresh())
            except Exception:  # take() hashes each PIN on the spot from now on
                log.exception("could not hash PINs ahead of time; hashing them when needed")
                return
            self._wanted.clear()
            if len(self._ready) < self.size:  # taken while clearing: go round again
                self._wanted.set()
