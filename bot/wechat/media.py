"""Downloading WeChat temporary media (photos, voice, video) for the worker's attachment job."""

from __future__ import annotations

import json
import os
from collections.abc import Callable

import requests
from wechatpy.exceptions import WeChatClientException

from bot.wechat.client import TIMEOUT, TOKEN_ERRORS, HomewardWeChatClient
from triage.media import MediaTooLarge

__all__ = ["MediaGone", "WeChatMediaFetcher"]

_CHUNK = 64 * 1024


class MediaGone(RuntimeError):
    """WeChat no longer has the file (temporary media expire after about three days)."""


def _read_capped(response: requests.Response, max_bytes: int) -> bytes:
    """The body, refusing it as soon as it is over the cap."""
    declared = response.headers.get("Content-Length")
    if declared and declared.isdecimal() and int(declared) > max_bytes:
        response.close()
        raise MediaTooLarge(f"{declared} bytes declared")
    data = bytearray()
    for chunk in response.iter_content(_CHUNK):
        data += chunk
        if len(data) > max_bytes:
            response.close()
            raise MediaTooLarge(f"over {max_bytes} bytes")
    return bytes(data)


def _is_json(response: requests.Response) -> bool:
    content_type = response.headers.get("Content-Type", "")
    return content_type.startswith(("application/json", "text/plain"))


class WeChatMediaFetcher:
    """`triage.media.MediaFetcher` for channel "wechat": the media API, size-capped."""

    def __init__(self, make_client: Callable[[], HomewardWeChatClient]) -> None:
        self._make_client = make_client
        self._client: HomewardWeChatClient | None = None
        self._pid = 0

    @property
    def client(self) -> HomewardWeChatClient:
        """A client for this process (a forked work-horse must not share its parent's sockets)."""
        if self._client is None or self._pid != os.getpid():
            self._client, self._pid = self._make_client(), os.getpid()
        return self._client

    def fetch(self, channel_ref: str, *, max_bytes: int) -> bytes:
        """The file's bytes; MediaTooLarge past the cap, MediaGone if WeChat dropped it."""
        for attempt in range(2):
            response = self.client.media_response(channel_ref)
            if not _is_json(response):
                return _read_capped(response, max_bytes)
            answer = json.loads(_read_capped(response, 64 * 1024) or b"{}")
            errcode = int(answer.get("errcode") or 0)
            if errcode in TOKEN_ERRORS and attempt == 0:
                self.client.fetch_access_token()
                continue
            if errcode == 40007:
                raise MediaGone("WeChat no longer has this media id")
            if errcode:
                raise WeChatClientException(errcode, answer.get("errmsg", ""))
            if "video_url" in answer:  # videos come as a link to WeChat's file server
                video = requests.get(answer["video_url"], stream=True, timeout=TIMEOUT)
                video.raise_for_status()
                return _read_capped(video, max_bytes)
            raise WeChatClientException(None, "unexpected media answer")
        raise WeChatClientException(None, "access token refused twice")
