"""The visitor's real address behind a proxy: X-Forwarded-For, believed only from trusted peers.

Each proxy appends the address it saw to X-Forwarded-For, and a visitor can start the header
with anything. So the client is the rightmost address not of a trusted proxy, read from the
right; with "*" (a Procfile host's router, whose address isn't known) the peer is trusted but
only for the one address it appended itself. A peer that isn't trusted is the client, whatever
its headers say. Sign-in throttling counts by this address (bot/dashboard/auth.py).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from starlette.types import ASGIApp, Receive, Scope, Send

from bot.settings import SettingsError

__all__ = ["ForwardedFor", "TrustedProxies"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TrustedProxies:
    """The FORWARDED_ALLOW_IPS setting: addresses and networks, comma-separated, or "*"."""

    def __init__(self, setting: str) -> None:
        items = [item.strip() for item in setting.split(",") if item.strip()]
        self.anyone = "*" in items
        self.networks: list[Network] = []
        for item in items:
            if item == "*":
                continue
            try:
                self.networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise SettingsError(
                    f"FORWARDED_ALLOW_IPS: {item!r} is not an address or network"
                ) from None

    def __bool__(self) -> bool:
        return self.anyone or bool(self.networks)

    def trusts(self, host: str) -> bool:
        """True if `host` is one of the configured proxies."""
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    def client(self, peer: str, forwarded: list[str]) -> str:
        """The visitor's address, given the connecting peer and X-Forwarded-For's entries."""
        if not (self.anyone or self.trusts(peer)) or not forwarded:
            return peer
        if self.anyone:
            return forwarded[-1]
        for host in reversed(forwarded):
            if not self.trusts(host):
                return host
        return forwarded[0]  # a chain of our own proxies only


def _entries(headers: list[tuple[bytes, bytes]]) -> Iterator[str]:
    for name, value in headers:
        if name == b"x-forwarded-for":
            for item in value.decode("latin-1").split(","):
                if item := item.strip():
                    yield item


class ForwardedFor:
    """ASGI middleware putting the visitor's address in scope["client"]."""

    def __init__(self, app: ASGIApp, proxies: TrustedProxies) -> None:
        self.app = app
        self.proxies = proxies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] == "http" and client and self.proxies:
            host = self.proxies.client(client[0], list(_entries(scope["headers"])))
            if host != client[0]:
                scope["client"] = (host, 0)
        await self.app(scope, receive, send)
