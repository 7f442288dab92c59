"""Photos like the ones tipsters send: JPEGs carrying EXIF GPS and camera make/model."""

from __future__ import annotations

import io

from PIL import Image

GPS_IFD = 0x8825
MAKE, MODEL = 0x010F, 0x0110
GPS_LAT_REF, GPS_LAT, GPS_LON_REF, GPS_LON = 1, 2, 3, 4


def _dms(value: float) -> tuple[float, float, float]:
    """Degrees as EXIF's (degrees, minutes, seconds)."""
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round((value - degrees - minutes / 60) * 3600, 2)
    return float(degrees), float(minutes), seconds


def jpeg_with_gps(
    lat: float = 39.9042,
    lon: float = 116.4074,
    *,
    make: str = "HUAWEI",
    model: str = "ELS-AN00",
    size: tuple[int, int] = (64, 48),
) -> bytes:
    """A small JPEG whose EXIF gives where (GPS) and with what phone (Make/Model) it was taken."""
    exif = Image.Exif()
    exif[MAKE] = make
    exif[MODEL] = model
    gps = exif.get_ifd(GPS_IFD)
    gps[GPS_LAT_REF] = "N" if lat >= 0 else "S"
    gps[GPS_LAT] = _dms(lat)
    gps[GPS_LON_REF] = "E" if lon >= 0 else "W"
    gps[GPS_LON] = _dms(lon)
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def exif_tags(jpeg: bytes) -> dict[str, object]:
    """Make, Model and GPS found in a JPEG (empty values when stripped)."""
    exif = Image.open(io.BytesIO(jpeg)).getexif()
    return {"make": exif.get(MAKE), "model": exif.get(MODEL), "gps": dict(exif.get_ifd(GPS_IFD))}
