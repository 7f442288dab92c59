"""Photos and voice notes sent in WeChat are fetched by a real worker, photos without metadata."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import redis
from mutagen.mp4 import MP4
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.wechat import MediaGone, WeChatMediaFetcher
from bot.wechat.client import make_client
from bot.wechat.config import wechat_config
from bot.worker import run_worker
from storage import Attachment, FieldCipher
from tests.bot.wechat_helpers import WeChatTipster, WeChatWorld
from tests.fakes.videos import MDAT_PAYLOAD, iso6709, mp4_with_location
from tests.fakes.wechat_media import exif_tags, jpeg_with_gps
from triage.media import MediaTooLarge

pytestmark = pytest.mark.parametrize("world", ["safe"], indirect=True)  # safe mode only


def report_with_media(tipster: WeChatTipster, *media_xml: str) -> str:
    """A short 'other information' report carrying attachments; returns the receipt."""
    tipster.says("/start")
    tipster.says("4")  # other information
    tipster.says("1")  # continue
    tipster.says("昆明汽车站")
    tipster.says("B")  # today
    tipster.says("有人在车站打听买小孩")
    for xml in media_xml:
        assert "已收到" in tipster.sends(xml) or "个文件" in tipster.reply
    tipster.says("完成")
    tipster.says("1")  # stay anonymous
    return tipster.says("提交")


def test_a_photo_is_fetched_by_the_worker_and_stripped_of_metadata(
    world: WeChatWorld, engine: Engine, cipher: FieldCipher
) -> None:
    photo = jpeg_with_gps(31.2304, 121.4737, make="Xiaomi", model="23127PN0CC")
    voice = b"#!AMR\n fake voice note"
    photo_id, voice_id = world.api.add_media(photo), world.api.add_media(voice, "audio/amr")
    tipster = world.tipster()
    sender = tipster.sender

    receipt = report_with_media(
        tipster, sender.image(photo_id, openid=tipster.openid), sender.voice(voice_id)
    )
    assert "报告编号" in receipt
    run_worker(world.svc, burst=True)  # follow-up, then one download per attachment

    with Session(engine) as session:
        stored = {
            a.media_type: a for a in session.exec(select(Attachment).order_by(col(Attachment.id)))
        }
    assert set(stored) == {"photo", "voice"}
    clean = cipher.decrypt_file(Path(stored["photo"].stored_path or "").read_bytes())
    assert clean != photo and clean[:2] == b"\xff\xd8"  # still a JPEG
    assert exif_tags(clean) == {"make": None, "model": None, "gps": {}}
    kept_voice = Path(stored["voice"].stored_path or "").read_bytes()
    assert voice not in kept_voice and cipher.decrypt_file(kept_voice) == voice  # encrypted
    assert (
        Path(stored["photo"].stored_path or "").parent
        == world.svc.settings.homeward_data_dir / "media"
    )
    assert len(world.api.calls_to("/cgi-bin/media/get")) == 2
    assert len(world.api.calls_to("/cgi-bin/token")) == 1  # cached in Redis for both jobs


def test_the_fetcher_caps_sizes_refreshes_tokens_and_reports_expired_media(
    world: WeChatWorld, redis_client: redis.Redis
) -> None:
    config = wechat_config(world.svc.settings)
    fetcher = WeChatMediaFetcher(lambda: make_client(config, redis_client))
    big = world.api.add_media(b"x" * 5000)

    with pytest.raises(MediaTooLarge):
        fetcher.fetch(big, max_bytes=4096)
    world.api.expire_tokens()
    assert fetcher.fetch(big, max_bytes=10_000) == b"x" * 5000
    with pytest.raises(MediaGone):
        fetcher.fetch("fake-media-unknown", max_bytes=10_000)
    assert len(world.api.calls_to("/cgi-bin/token")) == 2


def test_a_short_video_is_stored_without_where_it_was_filmed_and_encrypted(
    world: WeChatWorld, engine: Engine, cipher: FieldCipher
) -> None:
    video = mp4_with_location(25.0432, 102.7123)  # as a phone records it, location and all
    video_id, thumb_id = world.api.add_media(video, "video/mp4"), world.api.add_media(b"t")
    tipster = world.tipster()

    report_with_media(tipster, tipster.sender.video(video_id, thumb_id, short=True))
    run_worker(world.svc, burst=True)

    with Session(engine) as session:
        attachment = session.exec(select(Attachment)).one()
    on_disk = Path(attachment.stored_path or "").read_bytes()
    assert attachment.encrypted and b"ftyp" not in on_disk and MDAT_PAYLOAD not in on_disk
    kept = cipher.decrypt_file(on_disk)
    assert iso6709(25.0432, 102.7123).encode() not in kept and b"+25.04" not in kept
    assert MDAT_PAYLOAD in kept and len(kept) == len(video)  # the frames, where they were
    assert MP4(io.BytesIO(kept)).tags is None  # still an MP4 a player opens, with no tags
