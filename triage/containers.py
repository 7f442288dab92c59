"""Video and audio without their metadata: where a phone records the place a clip was taken.

Tags of audio formats (ID3 in MP3, Vorbis comments in Ogg/Opus voice notes, FLAC, APE...)
are removed with mutagen. MP4/MOV/M4A need more than mutagen's MP4 tags, which cover only
iTunes-style `moov.udta.meta.ilst`: Android writes the location as `moov.udta.©xyz` and
iPhones as QuickTime `moov.meta` keys. So every user-data and metadata box (`udta`, `meta`,
`uuid` for XMP, and stale `free`/`skip` space) at the top level, in `moov` and in each
`trak` is blanked in place: renamed `free` and zeroed, same size, so no sample offset moves
and the video plays as before. Only box headers (size and type) are read to find them.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator

import mutagen
from mutagen import MutagenError

__all__ = ["UncleanMedia", "strip_container_metadata"]

_ISO_FIRST_BOXES = {b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip"}
_CONTAINERS = {b"moov", b"trak", b"moof", b"traf"}
_METADATA = {b"udta", b"meta", b"uuid", b"free", b"skip"}


class UncleanMedia(ValueError):
    """A video or audio file we can't read, so can't strip of its metadata."""


def _boxes(data: bytearray, start: int, end: int) -> Iterator[tuple[int, int, int, bytes]]:
    """(start, payload start, end, type) of each box between two offsets."""
    at = start
    while at + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, at)
        header = 8
        if size == 1 and at + 16 <= end:
            (size,) = struct.unpack_from(">Q", data, at + 8)
            header = 16
        elif size == 0:  # the last box runs to the end
            size = end - at
        if size < header or at + size > end:
            raise UncleanMedia(f"box {kind!r} runs past its parent")
        yield at, at + header, at + size, kind
        at += size


def _blank_boxes(data: bytearray, start: int, end: int) -> None:
    for box, payload, stop, kind in list(_boxes(data, start, end)):
        if kind in _METADATA:
            data[box + 4 : box + 8] = b"free"
            data[payload:stop] = bytes(stop - payload)
        elif kind in _CONTAINERS:
            _blank_boxes(data, payload, stop)


def _is_iso_media(data: bytes) -> bool:
    return len(data) >= 8 and data[4:8] in _ISO_FIRST_BOXES


def strip_container_metadata(data: bytes) -> bytes:
    """The file without its tags and metadata boxes; a format mutagen doesn't know passes.

    Raises UncleanMedia for a file that claims a known format but can't be read.
    """
    if _is_iso_media(data):
        clean = bytearray(data)
        _blank_boxes(clean, 0, len(clean))
        return bytes(clean)
    buffer = io.BytesIO(data)
    try:
        media = mutagen.File(buffer)
        if media is None or media.tags is None:
            return data  # a format without tags (AMR voice notes) or no tags at all
        buffer.seek(0)
        media.delete(buffer)
    except (MutagenError, struct.error, ValueError) as exc:
        raise UncleanMedia(type(exc).__name__) from exc
    return buffer.getvalue()
