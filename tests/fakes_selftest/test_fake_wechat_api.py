"""wechatpy's WeChatClient, with a Redis token cache, works against the fake WeChat API."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session.redisstorage import RedisStorage

from tests.fakes.wechat_api import FakeWeChatAPI
from tests.fakes.wechat_media import exif_tags, jpeg_with_gps

APP_ID = "wxhomewardfake0001"
SECRET = "fake-app-secret"
OPENID = "oHomewardFakeTipster000000001"


class BaseUrlClient(WeChatClient):
    """Recipe for the real channel: one setting moves every call, token fetch included."""

    def __init__(self, appid: str, secret: str, *, api_base_url: str, **kwargs: Any) -> None:
        super().__init__(appid, secret, **kwargs)
        self.API_BASE_URL = api_base_url  # _request() reads self.API_BASE_URL

    def fetch_access_token(self) -> dict[str, Any]:
        """Same as WeChatClient's, minus its hard-coded https://api.weixin.qq.com/cgi-bin/token."""
        params = {"grant_type": "client_credential", "appid": self.appid, "secret": self.secret}
        result: dict[str, Any] = self._fetch_access_token(
            url=self.API_BASE_URL + "token", params=params
        )
        return result


@pytest.fixture
def api() -> Iterator[FakeWeChatAPI]:
    """A running fake API for the test account."""
    with FakeWeChatAPI(APP_ID, SECRET) as fake:
        yield fake


@pytest.fixture
def storage() -> Iterator[RedisStorage]:
    """wechatpy's Redis token cache under a throwaway prefix, deleted afterwards."""
    conn = redis.Redis(host="127.0.0.1", port=6379)
    prefix = f"homeward-selftest-{uuid.uuid4().hex}"
    yield RedisStorage(conn, prefix=prefix)
    for key in conn.scan_iter(f"{prefix}:*"):
        conn.delete(key)
    conn.close()


def test_client_gets_token_sends_text_and_downloads_media(
    api: FakeWeChatAPI, storage: RedisStorage
) -> None:
    client = api.attach(WeChatClient(APP_ID, SECRET, session=storage, timeout=5))
    photo = jpeg_with_gps()
    media_id = api.add_media(photo)

    result = client.message.send_text(OPENID, "已收到您的线索，谢谢")
    download = client.media.download(media_id)

    assert result == {"errcode": 0, "errmsg": "ok"}
    assert api.customer_messages(OPENID) == [
        {"touser": OPENID, "msgtype": "text", "text": {"content": "已收到您的线索，谢谢"}}
    ]
    assert download.content == photo and download.headers["Content-Type"] == "image/jpeg"
    assert exif_tags(download.content)["make"] == "HUAWEI"
    token_call = api.calls_to("/cgi-bin/token")[0]
    assert token_call.query == {
        "grant_type": "client_credential",
        "appid": APP_ID,
        "secret": SECRET,
    }


def test_token_is_cached_in_redis_for_the_next_client(
    api: FakeWeChatAPI, storage: RedisStorage
) -> None:
    api.attach(WeChatClient(APP_ID, SECRET, session=storage)).message.send_text(OPENID, "one")
    key = storage.key_name(f"{APP_ID}_access_token")
    assert storage.redis.get(key) == b'"fake-access-token-1"'  # JSON-encoded
    assert 7100 < storage.redis.ttl(key) <= 7200

    api.attach(WeChatClient(APP_ID, SECRET, session=storage)).message.send_text(OPENID, "two")

    assert len(api.calls_to("/cgi-bin/token")) == 1
    sends = api.wait_for("/cgi-bin/message/custom/send", count=2)
    assert {c.query["access_token"] for c in sends} == {"fake-access-token-1"}


def test_base_url_subclass_reaches_the_fake_without_attach(
    api: FakeWeChatAPI, storage: RedisStorage
) -> None:
    client = BaseUrlClient(APP_ID, SECRET, api_base_url=api.api_base_url, session=storage)
    client._http.trust_env = False
    assert client.message.send_text(OPENID, "hi")["errcode"] == 0
    assert [c.path for c in api.calls] == ["/cgi-bin/token", "/cgi-bin/message/custom/send"]


def test_api_base_url_alone_leaves_the_token_fetch_on_the_real_host() -> None:
    """Why attach()/BaseUrlClient exist: fetch_access_token ignores API_BASE_URL."""
    import inspect

    assert "https://api.weixin.qq.com/cgi-bin/token" in inspect.getsource(
        WeChatClient.fetch_access_token
    )


def test_wrong_secret_is_errcode_40125(api: FakeWeChatAPI) -> None:
    client = api.attach(WeChatClient(APP_ID, "wrong-secret"))
    with pytest.raises(WeChatClientException) as caught:
        client.fetch_access_token()
    assert caught.value.errcode == 40125


@pytest.mark.parametrize("errcode", [45015, 45047])
def test_send_faults_surface_as_errcodes(api: FakeWeChatAPI, errcode: int) -> None:
    client = api.attach(WeChatClient(APP_ID, SECRET))
    api.fail_send(errcode, openid=OPENID)

    with pytest.raises(WeChatClientException) as caught:
        client.message.send_text(OPENID, "late")
    client.message.send_text(OPENID, "retry works")

    assert caught.value.errcode == errcode
    assert [m["text"]["content"] for m in api.customer_messages(OPENID)] == ["retry works"]


def test_unknown_media_is_errcode_40007(api: FakeWeChatAPI) -> None:
    client = api.attach(WeChatClient(APP_ID, SECRET))
    with pytest.raises(WeChatClientException) as caught:
        client.media.download("no-such-media")
    assert caught.value.errcode == 40007


def test_expired_token_is_refetched_and_the_call_retried(api: FakeWeChatAPI) -> None:
    client = api.attach(WeChatClient(APP_ID, SECRET))
    client.message.send_text(OPENID, "one")
    api.expire_tokens()

    client.message.send_text(OPENID, "two")

    assert len(api.calls_to("/cgi-bin/token")) == 2
    assert [c.json["text"]["content"] for c in api.calls_to("/cgi-bin/message/custom/send")] == [
        "one",
        "two",
        "two",
    ]
    assert len(api.customer_messages()) == 2


def test_wait_for_times_out_with_assertion(api: FakeWeChatAPI) -> None:
    with pytest.raises(AssertionError, match="0/1 calls"):
        api.wait_for("/cgi-bin/message/custom/send", timeout=0.1)
