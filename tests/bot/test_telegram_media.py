"""Photos and files: kept by file_id, downloaded by the worker, stripped of GPS and camera data."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
import redis
from mutagen.mp4 import MP4
from PIL import Image
from rq import Queue, SimpleWorker
from sqlalchemy.engine import Engine

from bot import worker as bot_worker
from bot.wiring import Services
from handlers import Intake
from storage import Attachment, FieldCipher, Report
from tests.bot.telegram_helpers import (
    TelegramTipster,
    make_services,
    rows,
    running_bot,
    telegram_settings,
)
from tests.fakes.images import exif_summary, jpeg_with_gps
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_updates import UpdateFactory
from tests.fakes.videos import MDAT_PAYLOAD, mp4_with_location
from triage.containers import UncleanMedia, strip_container_metadata
from triage.media import UncleanImage, strip_image_metadata

TIPSTER = 5550001


def test_a_photo_is_downloaded_by_the_worker_without_its_gps(
    fake: FakeTelegram,
    database_url: str,
    data_dir: Path,
    engine: Engine,
    cipher: FieldCipher,
    redis_client: redis.Redis,
    queue: Queue,
    intake: Intake,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    photo_id, photo_unique = fake.add_file(jpeg_with_gps((80, 60)))
    file_id, file_unique = fake.add_file(jpeg_with_gps((32, 24)), file_path="documents/IMG_1.jpg")
    settings = telegram_settings(fake, database_url=database_url, homeward_data_dir=data_dir)
    svc: Services = make_services(
        settings,
        engine=engine,
        cipher=cipher,
        redis_client=redis_client,
        queue=queue,
        intake=intake,
    )
    updates = UpdateFactory()
    with running_bot(svc, fake) as bot:
        tipster = TelegramTipster(bot, updates, TIPSTER, language_code="en")
        tipster.says("/start")
        tipster.taps("Other information (traffickers, buyers, places)")
        tipster.taps("Continue")
        tipster.says("Kunming bus station")
        tipster.taps("Today")
        tipster.says("Two men with three small children, every morning")
        tipster.sends_photo(photo_id, photo_unique)
        tipster.send(updates.document(TIPSTER, file_id, file_unique))  # an uncompressed original
        tipster.taps("Done")
        tipster.taps("Stay anonymous")
        tipster.taps("Submit")
    [report] = rows(engine, Report)
    assert f"follow-up-{report.id}" in queue.job_ids  # queued once, with the report

    # `homeward worker --burst` as wired in bot/worker.py, on a worker that does not fork.
    monkeypatch.setattr(bot_worker, "Worker", SimpleWorker)
    bot_worker.run_worker(svc, burst=True)

    attachments = sorted(rows(engine, Attachment), key=lambda a: a.id or 0)
    assert [a.media_type for a in attachments] == ["photo", "document"]
    for attachment, size in zip(attachments, [(80, 60), (32, 24)], strict=True):
        assert attachment.stored_path and attachment.stored_path.startswith(str(data_dir))
        assert attachment.encrypted and b"JFIF" not in Path(attachment.stored_path).read_bytes()
        stored = cipher.decrypt_file(Path(attachment.stored_path).read_bytes())
        assert exif_summary(stored) == {}  # no GPS, no camera
        assert Image.open(io.BytesIO(stored)).size == size
    assert [c.params["file_id"] for c in fake.calls("getFile")] == [photo_id, file_id]
    failed = queue.failed_job_registry.get_job_ids()
    assert not [j for j in failed if j.startswith(("follow-up", "fetch-attachment"))]


def test_image_metadata_is_stripped_and_palette_images_keep_their_colours() -> None:
    clean = strip_image_metadata(jpeg_with_gps())
    assert exif_summary(clean) == {} and Image.open(io.BytesIO(clean)).size == (64, 48)

    palette = Image.new("P", (4, 4))
    palette.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255] + [0] * 759)
    palette.putpixel((1, 1), 1)
    palette.putpixel((2, 2), 2)
    exif = Image.Exif()
    exif[0x010F] = "HomewardTestCam"
    out = io.BytesIO()
    palette.save(out, format="PNG", exif=exif)
    assert exif_summary(out.getvalue()) == {"Make": "HomewardTestCam"}

    stripped = Image.open(io.BytesIO(strip_image_metadata(out.getvalue())))
    assert stripped.mode == "P" and exif_summary(strip_image_metadata(out.getvalue())) == {}
    colours = [stripped.convert("RGB").getpixel((n, n)) for n in range(3)]
    assert colours == [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
    assert strip_image_metadata(b"%PDF-1.4 not an image") == b"%PDF-1.4 not an image"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_bomb(width: int, height: int) -> bytes:
    """A tiny PNG declaring a huge size (a decompression bomb's header; no pixels needed)."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    chunks = _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", zlib.compress(b""))
    return b"\x89PNG\r\n\x1a\n" + chunks + _png_chunk(b"IEND", b"")


def test_an_image_that_cant_be_decoded_is_refused_not_kept_with_its_metadata() -> None:
    truncated = jpeg_with_gps()[:-20]  # the EXIF (with GPS) is all there; the pixels are not
    assert exif_summary(truncated)
    with pytest.raises(UncleanImage):
        strip_image_metadata(truncated)
    with pytest.raises(UncleanImage):  # 200 million pixels declared: Pillow won't decode it
        strip_image_metadata(_png_bomb(20_000, 10_000))


def test_a_sideways_phone_photo_stays_upright_once_its_exif_is_gone() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was held sideways
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (180, 110, 60)).save(out, format="JPEG", exif=exif)
    upright = Image.open(io.BytesIO(strip_image_metadata(out.getvalue())))
    assert upright.size == (20, 40) and dict(upright.getexif()) == {}


def test_video_metadata_is_blanked_in_place_and_unknown_files_pass() -> None:
    video = mp4_with_location(31.2346, 121.4765)

    clean = strip_container_metadata(video)

    assert b"+31.2346" not in clean and b"VID_20261207" not in clean
    assert len(clean) == len(video) and MDAT_PAYLOAD in clean  # no sample offset moved
    assert MP4(io.BytesIO(clean)).tags is None
    assert strip_container_metadata(b"#!AMR\n voice") == b"#!AMR\n voice"
    with pytest.raises(UncleanMedia):  # a box longer than the file: can't be checked
        strip_container_metadata(video[:40])
