"""The offline maps: one tip on China's frame; a case's pins on a frame fitted round them."""

from __future__ import annotations

import math

from bot.dashboard.maps import CHINA, fitted_frame, location_map

DONGGUAN_CENTRE, CHANG_AN = (23.02067, 113.75179), (22.81000, 113.81000)


def test_sightings_streets_apart_are_drawn_apart_with_a_grid_that_reads():
    frame = fitted_frame([DONGGUAN_CENTRE, CHANG_AN])
    a, b = (location_map(*point, frame) for point in (DONGGUAN_CENTRE, CHANG_AN))

    assert a is not None and b is not None and a.inside and b.inside
    assert math.dist((a.x, a.y), (b.x, b.y)) > 60  # on China's frame they were 2 px apart
    assert 2 <= len(frame.parallels) <= 6 and 2 <= len(frame.meridians) <= 12
    assert [label for _, label in frame.parallels][:2] == ["22.8", "22.9"]
    assert (frame.step_label, frame.step_km) == ("0.1", "11")
    for x, _ in frame.meridians:  # every grid line is inside the drawing
        assert 0 <= x <= frame.width
    # North–south and east–west at the same scale where the pins are.
    km_per_px_north = (frame.north - frame.south) * 111.2 / frame.height
    km_per_px_east = (frame.east - frame.west) * 111.2 * math.cos(math.radians(22.9)) / frame.width
    assert math.isclose(km_per_px_north, km_per_px_east, rel_tol=0.01)


def test_one_pin_is_centred_and_pins_across_china_keep_chinas_frame():
    alone = fitted_frame([CHANG_AN])
    pin = location_map(*CHANG_AN, alone)
    assert pin is not None and (pin.x, pin.y) == (alone.width / 2, alone.height / 2)
    assert alone.north - alone.south < 0.05  # streets, not the province
    assert fitted_frame([(45.80, 126.53), (25.04, 102.71)]) == CHINA  # Harbin and Kunming
    assert fitted_frame([]) == CHINA
    assert [label for _, label in CHINA.meridians] == ["80", "90", "100", "110", "120", "130"]


def test_a_tips_pin_stays_on_chinas_frame_and_a_point_outside_sits_on_its_edge():
    pin = location_map(39.9042, 116.4074)
    assert pin is not None and pin.frame == CHINA and pin.inside
    outside = location_map(1.35, 103.82)  # Singapore
    assert outside is not None and not outside.inside and outside.y == CHINA.height
