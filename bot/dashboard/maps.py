"""A location pin drawn offline: China's longitude/latitude grid as SVG, plus map links.

No tiles are fetched: the page draws the pin on a plain graticule and offers an
OpenStreetMap link (and a `geo:` link for phones) for the coordinator to open if they wish.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MapPin", "location_map"]

# The frame: mainland China and its neighbours, in degrees.
WEST, EAST, SOUTH, NORTH = 72.0, 136.0, 17.0, 55.0
WIDTH, HEIGHT = 320.0, 190.0
GRID = 10


@dataclass(frozen=True)
class MapPin:
    """Where to draw the pin and the grid lines, and links to real maps."""

    latitude: float
    longitude: float
    x: float
    y: float
    inside: bool
    meridians: list[tuple[float, int]]
    parallels: list[tuple[float, int]]
    osm_url: str
    geo_url: str
    width: float = WIDTH
    height: float = HEIGHT


def _x(longitude: float) -> float:
    return round((longitude - WEST) / (EAST - WEST) * WIDTH, 1)


def _y(latitude: float) -> float:
    return round((NORTH - latitude) / (NORTH - SOUTH) * HEIGHT, 1)


def location_map(latitude: float | None, longitude: float | None) -> MapPin | None:
    """The pin for a tip's coordinates (None without coordinates)."""
    if latitude is None or longitude is None:
        return None
    inside = WEST <= longitude <= EAST and SOUTH <= latitude <= NORTH
    lat, lon = f"{latitude:.5f}", f"{longitude:.5f}"
    return MapPin(
        latitude=latitude,
        longitude=longitude,
        x=_x(min(max(longitude, WEST), EAST)),
        y=_y(min(max(latitude, SOUTH), NORTH)),
        inside=inside,
        meridians=[(_x(d), d) for d in range(80, int(EAST) + 1, GRID)],
        parallels=[(_y(d), d) for d in range(20, int(NORTH) + 1, GRID)],
        osm_url=f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=16/{lat}/{lon}",
        geo_url=f"geo:{lat},{lon}",
    )
