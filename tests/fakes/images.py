"""Test images carrying the metadata a tipster's phone would leak (GPS, camera)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from PIL import ExifTags, Image

GPS = ExifTags.GPS
CAMERA_MAKE = "HomewardTestCam"
CAMERA_MODEL = "HT-1 Pro"
LATITUDE = (39.0, 54.0, 15.12)  # 39°54'15.12" N, Beijing
LONGITUDE = (116.0, 24.0, 26.64)  # 116°24'26.64" E


def jpeg_with_gps(size: tuple[int, int] = (64, 48)) -> bytes:
    """Return a small JPEG whose EXIF holds a GPSInfo IFD (lat/lon) and camera Make/Model."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA_MAKE
    exif[ExifTags.Base.Model] = CAMERA_MODEL
    exif[ExifTags.IFD.GPSInfo] = {
        GPS.GPSVersionID: b"\x02\x03\x00\x00",
        GPS.GPSLatitudeRef: "N",
        GPS.GPSLatitude: LATITUDE,
        GPS.GPSLongitudeRef: "E",
        GPS.GPSLongitude: LONGITUDE,
    }
    out = BytesIO()
    Image.new("RGB", size, (180, 110, 60)).save(out, format="JPEG", exif=exif, quality=85)
    return out.getvalue()


def exif_summary(data: bytes) -> dict[str, Any]:
    """Return the image's Make, Model and GPS tags by name (empty when stripped)."""
    exif = Image.open(BytesIO(data)).getexif()
    summary: dict[str, Any] = {
        ExifTags.TAGS.get(tag, str(tag)): value
        for tag, value in exif.items()
        if tag in (ExifTags.Base.Make, ExifTags.Base.Model)
    }
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    if gps:
        summary["GPSInfo"] = {
            ExifTags.GPSTAGS.get(tag, str(tag)): value for tag, value in gps.items()
        }
    return summary
