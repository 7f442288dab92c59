"""Location pins drawn offline: a longitude/latitude grid as SVG, plus map links.

No tiles are fetched: the page draws the pins on a plain graticule and offers an
OpenStreetMap link (and a `geo:` link for phones) for the coordinator to open if they wish.
One tip's pin is drawn on mainland China's frame, to show where in the country it is; the
pins of a case on a frame fitted around them, so sightings streets apart stay apart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["CHINA", "Frame", "MapPin", "fitted_frame", "location_map"]

WIDTH, HEIGHT = 320.0, 190.0
# Grid steps in degrees, widest first; a frame takes the widest giving at least 2 lines.
STEPS = (10.0, 5.0, 2.0, 1.0, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001)
SMALLEST = 0.01  # degrees of latitude a fitted frame spans at the least (about 1.1 km)
MARGIN = 1.6  # a fitted frame spans this many times what its pins do (room round the edges)


@dataclass(frozen=True)
class Frame:
    """The part of the map drawn: its edges in degrees and its grid step."""

    west: float
    east: float
    south: float
    north: float
    step: float
    width: float = WIDTH
    height: float = HEIGHT

    def x(self, longitude: float) -> float:
        """Where a longitude is drawn (kept on the frame's edge when outside it)."""
        longitude = min(max(longitude, self.west), self.east)
        return round((longitude - self.west) / (self.east - self.west) * self.width, 1)

    def y(self, latitude: float) -> float:
        """Where a latitude is drawn (kept on the frame's edge when outside it)."""
        latitude = min(max(latitude, self.south), self.north)
        return round((self.north - latitude) / (self.north - self.south) * self.height, 1)

    def holds(self, latitude: float, longitude: float) -> bool:
        """Whether a point is inside the frame."""
        return self.west <= longitude <= self.east and self.south <= latitude <= self.north

    def _lines(self, low: float, high: float) -> list[float]:
        first = math.ceil(low / self.step - 1e-9)
        last = math.floor(high / self.step + 1e-9)
        return [round(n * self.step, 6) for n in range(first, last + 1)]

    def _label(self, degrees: float) -> str:
        decimals = max(0, -math.floor(math.log10(self.step) + 1e-9))
        return f"{degrees:.{decimals}f}"

    @property
    def step_label(self) -> str:
        """The grid step in degrees, as its labels write degrees."""
        return self._label(self.step)

    @property
    def step_km(self) -> str:
        """About how far apart the grid's parallels are, in kilometres."""
        km = self.step * 111.2
        return f"{km:.0f}" if km >= 10 else f"{km:.1f}"

    @property
    def meridians(self) -> list[tuple[float, str]]:
        """The grid's longitudes: where drawn, and their label in degrees."""
        return [(self.x(d), self._label(d)) for d in self._lines(self.west, self.east)]

    @property
    def parallels(self) -> list[tuple[float, str]]:
        """The grid's latitudes: where drawn, and their label in degrees."""
        return [(self.y(d), self._label(d)) for d in self._lines(self.south, self.north)]


# Mainland China and its neighbours; the grid at 10° (labels from 80°E and 20°N).
CHINA = Frame(west=72.0, east=136.0, south=17.0, north=55.0, step=10.0)


def fitted_frame(points: Sequence[tuple[float, float]]) -> Frame:
    """A frame round (latitude, longitude) points, as wide as the drawing and with east–west
    and north–south at the same scale where they are; China's frame if they span half of it."""
    if not points:
        return CHINA
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    middle_lat, middle_lon = (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2
    shrink = max(math.cos(math.radians(middle_lat)), 0.1)  # a degree east is shorter up north
    tall = max(max(lats) - min(lats), SMALLEST) * MARGIN
    wide = max(max(lons) - min(lons), SMALLEST) * shrink * MARGIN
    tall = max(tall, wide * HEIGHT / WIDTH)
    if tall >= (CHINA.north - CHINA.south) / 2:
        return CHINA  # half the country or more: the whole of it reads best
    wide = tall * WIDTH / HEIGHT / shrink
    step = next((s for s in STEPS if tall / s >= 2), STEPS[-1])
    return Frame(
        west=middle_lon - wide / 2,
        east=middle_lon + wide / 2,
        south=middle_lat - tall / 2,
        north=middle_lat + tall / 2,
        step=step,
    )


@dataclass(frozen=True)
class MapPin:
    """Where to draw a pin on its frame, and links to real maps."""

    latitude: float
    longitude: float
    x: float
    y: float
    inside: bool
    frame: Frame
    osm_url: str
    geo_url: str

    @property
    def width(self) -> float:
        return self.frame.width

    @property
    def height(self) -> float:
        return self.frame.height

    @property
    def meridians(self) -> list[tuple[float, str]]:
        return self.frame.meridians

    @property
    def parallels(self) -> list[tuple[float, str]]:
        return self.frame.parallels


def location_map(
    latitude: float | None, longitude: float | None, frame: Frame = CHINA
) -> MapPin | None:
    """The pin for a tip's coordinates on a frame (None without coordinates)."""
    if latitude is None or longitude is None:
        return None
    lat, lon = f"{latitude:.5f}", f"{longitude:.5f}"
    return MapPin(
        latitude=latitude,
        longitude=longitude,
        x=frame.x(longitude),
        y=frame.y(latitude),
        inside=frame.holds(latitude, longitude),
        frame=frame,
        osm_url=f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=16/{lat}/{lon}",
        geo_url=f"geo:{lat},{lon}",
    )
