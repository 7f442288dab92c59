"""A small MP4 as a phone records it: a location in Android's place and in iTunes tags.

The boxes are the minimum a reader accepts (ftyp, moov with mvhd, mdat); the location is
added twice: as Android's `moov.udta.©xyz` box and, with mutagen, as an iTunes `©xyz` tag.
"""

from __future__ import annotations

import io
import struct

from mutagen.mp4 import MP4

__all__ = ["MDAT_PAYLOAD", "iso6709", "mp4_with_location"]

MDAT_PAYLOAD = b"homeward-test-video-frames" * 4


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def iso6709(latitude: float, longitude: float) -> str:
    """A point as phones write it in videos (ISO 6709)."""
    return f"{latitude:+08.4f}{longitude:+09.4f}/"


def mp4_with_location(latitude: float, longitude: float) -> bytes:
    """An MP4 whose metadata says where it was recorded, and a title."""
    point = iso6709(latitude, longitude).encode()
    mvhd = struct.pack(">B3xIIII", 0, 0, 0, 1000, 1000) + struct.pack(">IH10x", 0x10000, 0x100)
    mvhd += struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000) + bytes(24)
    mvhd += struct.pack(">I", 2)
    android = _box(b"\xa9xyz", struct.pack(">HH", len(point), 0x15C7) + point)
    moov = _box(b"moov", _box(b"mvhd", mvhd) + _box(b"udta", android))
    data = _box(b"ftyp", b"isom\x00\x00\x02\x00isommp41") + moov + _box(b"mdat", MDAT_PAYLOAD)
    buffer = io.BytesIO(data)
    tagged = MP4(buffer)
    tagged["\xa9xyz"] = [point.decode()]
    tagged["\xa9nam"] = ["VID_20261207_tipster"]
    buffer.seek(0)
    tagged.save(buffer)
    return buffer.getvalue()
