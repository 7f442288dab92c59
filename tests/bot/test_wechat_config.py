"""A WeChat-only deployment starts from its settings; malformed ones get one clear message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy.engine import Engine

from bot.cli import main
from bot.settings import SettingsError
from bot.web import configured_channels
from bot.wechat import WeChatChannel, wechat_config
from storage import FieldCipher
from tests.bot.wechat_helpers import AES_KEY, REDIS_URL, services_for, wechat_settings


def settings(tmp_path: Path, **overrides: Any) -> Any:
    """WeChat-only settings (no Telegram) with some values replaced."""
    return wechat_settings(
        database_url=f"sqlite:///{tmp_path / 'x.db'}",
        secret_key="unused",
        data_dir=tmp_path,
        safe_mode=True,
        **overrides,
    )


def test_a_wechat_only_deployment_serves_the_wechat_channel(
    tmp_path: Path, engine: Engine, cipher: FieldCipher, redis_client: redis.Redis
) -> None:
    svc = services_for(settings(tmp_path), engine=engine, cipher=cipher, redis_client=redis_client)

    channels = configured_channels(svc)

    assert [type(c) for c in channels] == [WeChatChannel]
    assert [getattr(r, "path", None) for r in channels[0].routes()] == ["/wechat", "/wechat"]
    config = wechat_config(svc.settings)
    assert config.safe_mode and config.api_base_url.endswith("/cgi-bin/")
    assert AES_KEY not in repr(config) and "fake-app-secret" not in repr(config)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"wechat_encoding_aes_key": AES_KEY[:-1]}, "43-letter-and-digit EncodingAESKey"),
        ({"wechat_encoding_aes_key": AES_KEY[:-1] + "="}, "43-letter-and-digit EncodingAESKey"),
        ({"wechat_app_id": None}, "WECHAT_APP_ID and WECHAT_APP_SECRET are required"),
        ({"wechat_app_secret": ""}, "WECHAT_APP_ID and WECHAT_APP_SECRET are required"),
        ({"wechat_app_id": "homeward"}, "WECHAT_APP_ID must look like wx"),
        ({"wechat_token": "to"}, "WECHAT_TOKEN must be 3-32 letters or digits"),
        ({"wechat_token": "with space"}, "WECHAT_TOKEN must be 3-32 letters or digits"),
        ({"wechat_api_base_url": "api.weixin.qq.com"}, "WECHAT_API_BASE_URL must be an http"),
    ],
)
def test_malformed_settings_are_refused_with_a_clear_message(
    tmp_path: Path, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        wechat_config(settings(tmp_path, **overrides))


def test_plaintext_mode_needs_no_aes_key(tmp_path: Path) -> None:
    assert not wechat_config(settings(tmp_path, wechat_encoding_aes_key=None)).safe_mode


def test_serve_reports_a_malformed_key_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env from the checkout
    for name, value in {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "REDIS_URL": REDIS_URL,
        "HOMEWARD_DATA_DIR": str(tmp_path),
        "WECHAT_TOKEN": "homewardtoken",
        "WECHAT_APP_ID": "wxhomewardfake0001",
        "WECHAT_APP_SECRET": "secret",
        "WECHAT_ENCODING_AES_KEY": "too-short",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setattr("sys.argv", ["homeward", "serve", "--port", "1"])

    with pytest.raises(SystemExit) as exit_info:
        main()

    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("configuration error: WECHAT_ENCODING_AES_KEY")
    assert "too-short" not in error
