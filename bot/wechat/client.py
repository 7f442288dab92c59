"""wechatpy's API client, pointed at a configurable base URL, with tokens cached in Redis."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis
import requests
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session.redisstorage import RedisStorage

from bot.wechat.config import WeChatConfig

__all__ = ["REFUSALS", "HomewardWeChatClient", "TOKEN_PREFIX", "make_client", "with_token_refresh"]

T = TypeVar("T")
TIMEOUT = 10.0
TOKEN_PREFIX = "homeward:wechat"  # RedisStorage key: homeward:wechat:{app_id}_access_token
# Credential errors after which wechatpy would refetch the token and retry without limit.
TOKEN_ERRORS = {40001, 40014, 42001}
# Errors that retrying cannot fix: recorded and dropped, never retried.
REFUSALS = {
    40003: "invalid openid",
    43004: "the user does not follow the account",
    45015: "outside the 48-hour window, or the user unfollowed",
    45047: "customer-message limit for this user reached",
    48001: "the account has no customer-service message permission",
}


class HomewardWeChatClient(WeChatClient):  # type: ignore[misc]
    """WeChatClient whose every call, the token fetch included, goes to one base URL."""

    def __init__(self, config: WeChatConfig, storage: RedisStorage) -> None:
        super().__init__(
            config.app_id, config.app_secret, session=storage, timeout=TIMEOUT, auto_retry=False
        )
        self.API_BASE_URL = config.api_base_url
        self._http.trust_env = False  # no proxy settings between us and the API

    def fetch_access_token(self) -> dict[str, Any]:
        """Fetch a token from the configured host (wechatpy hard-codes api.weixin.qq.com)."""
        params = {"grant_type": "client_credential", "appid": self.appid, "secret": self.secret}
        response = self._http.get(self.API_BASE_URL + "token", params=params, timeout=TIMEOUT)
        try:
            response.raise_for_status()
            result: dict[str, Any] = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise WeChatClientException(errcode=None, errmsg=type(exc).__name__) from exc
        if result.get("errcode"):
            raise WeChatClientException(result["errcode"], result.get("errmsg", ""))
        expires_in = int(result.get("expires_in", 7200))
        self.session.set(self.access_token_key, result["access_token"], expires_in)
        self.expires_at = int(time.time()) + expires_in
        return result

    def media_response(self, media_id: str) -> requests.Response:
        """Start downloading a temporary media file (streamed, so its size can be capped)."""
        params = {"access_token": self.access_token, "media_id": media_id}
        response: requests.Response = self._http.get(
            self.API_BASE_URL + "media/get", params=params, stream=True, timeout=TIMEOUT
        )
        response.raise_for_status()
        return response


def make_client(config: WeChatConfig, connection: redis.Redis) -> HomewardWeChatClient:
    """A client whose access token is shared through Redis by the web and worker processes."""
    return HomewardWeChatClient(config, RedisStorage(connection, prefix=TOKEN_PREFIX))


def with_token_refresh(client: HomewardWeChatClient, call: Callable[[], T]) -> T:
    """Run an API call; on a stale-token error fetch a new token and try exactly once more."""
    try:
        return call()
    except WeChatClientException as exc:
        if exc.errcode not in TOKEN_ERRORS:
            raise
    client.fetch_access_token()
    return call()
