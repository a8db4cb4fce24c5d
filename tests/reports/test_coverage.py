"""Coverage figures against hand-computed cases, and their refresh after edits."""
from __future__ import annotations

import math

import pytest
from sqlalchemy import text

from app.reports import coverage
from tests.reports.conftest import QUIET_INSEE, commune_snapshot

STREET = [(-150.0, 0.0), (150.0, 0.0)]  # 300 m, west to east, through the commune's centre


def test_three_lights_on_a_straight_street_light_their_diameters(db, place):
    place("road_segment", STREET, {"name": "Rue d'essai"})
    for dx in (-100.0, 0.0, 100.0):
        place("street_light", (dx, 0.0), {"height_m": 8.0})  # 8 m mast: radius 18 m
    coverage.refresh_dirty(db)
    figures = commune_snapshot(db)
    assert figures["road_length_m"] == pytest.approx(300.0)
    assert figures["lit_road_length_m"] == pytest.approx(3 * 36.0)  # 3 disjoint diameters of 36 m
    assert figures["lights_in_service"] == 3
    # Dark: farther than 30 m from every light: [-150,-130], [-70,-30], [30,70], [130,150]
    assert figures["dark_length_m"] == pytest.approx(20 + 40 + 40 + 20)


def test_a_light_that_fails_stops_lighting_after_the_refresh(db, place, editor, settings):
    from app.inventory import services

    place("road_segment", STREET)
    lights = [place("street_light", (dx, 0.0), {"height_m": 8.0}) for dx in (-100.0, 0.0, 100.0)]
    coverage.refresh_dirty(db)
    assert commune_snapshot(db)["lit_road_length_m"] == pytest.approx(108.0)
    services.update_asset(db, editor, lights[1].id, lights[1].version, settings.storage_srid,
                          properties={"status": "faulty"}, reason="Lampe grillée")
    assert commune_snapshot(db)["lit_road_length_m"] == pytest.approx(108.0)  # not before the refresh
    summary = coverage.refresh_dirty(db)
    assert summary.cells >= 1
    figures = commune_snapshot(db)
    assert figures["lit_road_length_m"] == pytest.approx(72.0)
    assert figures["assets_faulty"] == 1
    assert figures["lights_in_service"] == 2


def test_a_camera_covers_its_sector(db, place):
    place("cctv_camera", (0.0, 0.0), {"mounting_height_m": 6.0, "direction_deg": 90.0,
                                       "field_of_view_deg": 60.0, "range_m": 100.0})
    coverage.refresh_dirty(db)
    area = db.execute(text("SELECT sum(cctv_area_m2) FROM coverage_cells")).scalar_one()
    sector = math.pi * 100.0 ** 2 * 60.0 / 360.0  # 5,235.99 m²
    assert area == pytest.approx(sector, rel=1e-3)  # one vertex per degree of arc
    # It looks east: its whole area lies east of the camera.
    west = db.execute(text("SELECT ST_XMin(ST_Extent(cctv_geom)) FROM coverage_cells")).scalar_one()
    assert west == pytest.approx(db.execute(text(
        "SELECT ST_X(geom) FROM assets WHERE type_id = (SELECT id FROM asset_types WHERE code = 'cctv_camera')")
    ).scalar_one(), abs=0.01)


def test_a_past_day_is_computed_from_the_history(db, place):
    from datetime import timedelta

    from app.reports.queries import Window, dashboard_figures

    place("road_segment", STREET)
    for dx in (-100.0, 0.0, 100.0):
        place("street_light", (dx, 0.0), {"height_m": 8.0})
    coverage.refresh_dirty(db)
    today = coverage.territory_day()
    coverage.snapshot_as_of(db, today - timedelta(days=1))  # before the street and its lights existed
    home = dict(db.execute(text("SELECT id, insee, name FROM communes WHERE insee = :i"),
                           {"i": QUIET_INSEE}).mappings().one())
    (now,), _ = dashboard_figures(db, [home], Window(today, 30))
    (before,), _ = dashboard_figures(db, [home], Window(today - timedelta(days=1), 30))
    assert (now.lights_in_service, now.lit_share) == (3, pytest.approx(0.36))
    assert before.snapshot_day == today - timedelta(days=1)
    assert (before.lights_in_service, before.road_length_m, before.lit_share) == (0, 0, None)
