"""The dashboards: figures on the page, scoping by commune, camera positions, CSV and PDF."""
from __future__ import annotations

import csv
import io
import subprocess

import pytest

from app.reports import coverage
from tests.conftest import ROOT
from tests.reports.conftest import QUIET_INSEE, QUIET_NAME

HOME, TALANT = QUIET_INSEE, "21617"
STREET = [(-150.0, 0.0), (150.0, 0.0)]
CAMERA = {"mounting_height_m": 6.0, "direction_deg": 90.0, "field_of_view_deg": 60.0, "range_m": 100.0}


@pytest.fixture()
def lit_street(db, place):
    place("road_segment", STREET, {"name": "Rue d'essai"})
    lights = [place("street_light", (dx, 0.0), {"height_m": 8.0}) for dx in (-100.0, 0.0, 100.0)]
    camera = place("cctv_camera", (0.0, 10.0), CAMERA)
    coverage.refresh_dirty(db)
    return lights, camera


def test_the_commune_dashboard_shows_the_lit_share(client, login_as, lit_street):
    login_as("councillor", communes=[HOME])
    page = client.get(f"/reports/communes/{HOME}")
    assert page.status_code == 200
    assert "Voies éclairées" in page.text or "Roads lit" in page.text
    assert "36,0" in page.text  # 108 m of 300 m lit: 36.0 %
    assert 'href="/reports/"' in page.text  # the top bar's link


def test_a_councillor_cannot_read_another_communes_dashboard(client, login_as, lit_street):
    login_as("councillor", communes=[TALANT])
    assert client.get(f"/reports/communes/{HOME}").status_code == 404
    assert client.get(f"/reports/communes/{HOME}/figures.csv").status_code == 404
    assert client.get(f"/reports/communes/{HOME}/report.pdf").status_code == 404
    assert client.get(f"/reports/communes/{HOME}/coverage.geojson").status_code == 404
    metropole = client.get("/reports/")
    assert metropole.status_code == 200
    assert "Talant" in metropole.text and f"/reports/communes/{HOME}" not in metropole.text


def test_a_field_agent_has_no_reports(client, login_as):
    login_as("field_agent")
    assert client.get("/reports/").status_code == 403


def test_bad_period_and_date_are_named_at_their_field(client, login_as):
    login_as("councillor")
    page = client.get("/reports/?period=12&as_of=2026-13-45")
    assert page.status_code == 200
    assert page.text.count('class="field-error"') == 2


def test_camera_positions_reach_only_the_roles_that_may_see_them(client, login_as, lit_street, settings):
    _lights, camera = lit_street
    login_as("councillor", communes=[HOME])
    assert client.get(f"/api/v1/assets/{camera.id}").status_code == 404
    listed = client.get("/api/v1/assets?type=cctv_camera").get_json()
    assert listed["features"] == []
    assert client.get(f"/ogc/collections/cctv_camera/items/{camera.id}").status_code == 404
    assert client.get("/ogc/collections/cctv_camera/items").get_json()["features"] == []
    assert client.get("/inventory/export?format=geojson&type=cctv_camera").status_code == 403
    assert client.get("/api/v1/assets/export?format=geojson&type=cctv_camera").status_code == 403
    everything = client.get("/api/v1/assets/export?format=geojson").get_json()
    assert {f["properties"]["type"] for f in everything["features"]} == {"street_light", "road_segment"}
    coverage_layers = client.get(f"/reports/communes/{HOME}/coverage.geojson").get_json()
    assert {f["properties"]["layer"] for f in coverage_layers["features"]} == {"lit", "dark"}
    street_lights = client.get("/api/v1/assets?type=street_light").get_json()
    assert len(street_lights["features"]) == 3  # the rest of the registry is still there


def test_a_dispatcher_sees_the_camera(client, login_as, lit_street):
    _lights, camera = lit_street
    login_as("dispatcher")
    assert client.get(f"/api/v1/assets/{camera.id}").status_code == 200
    layers = client.get(f"/reports/communes/{HOME}/coverage.geojson").get_json()
    assert {f["properties"]["layer"] for f in layers["features"]} == {"lit", "dark", "cctv"}


def _tile_ids(client, db, asset_id: int, z: int = 18) -> set[int]:
    """The feature ids of the z-18 asset tile holding the asset."""
    import math

    import mapbox_vector_tile
    from sqlalchemy import text

    lon, lat = db.execute(text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(geom, 4326) AS p FROM assets "
                               "WHERE id = :id) AS q"), {"id": asset_id}).one()
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    response = client.get(f"/tiles/assets/{z}/{x}/{y}.mvt")
    assert response.status_code == 200
    layers = mapbox_vector_tile.decode(response.data)
    return {feature["id"] for feature in layers.get("assets", {}).get("features", [])}


def test_detail_tiles_leave_cameras_out_for_a_councillor(client, login_as, lit_street, db):
    lights, camera = lit_street
    login_as("councillor", communes=[HOME])
    assert camera.id not in _tile_ids(client, db, camera.id)
    assert lights[1].id in _tile_ids(client, db, lights[1].id)


def test_detail_tiles_show_cameras_to_a_field_agent(client, login_as, lit_street, db):
    _lights, camera = lit_street
    login_as("field_agent")
    assert camera.id in _tile_ids(client, db, camera.id)


def test_the_csv_holds_the_figures(client, login_as, lit_street):
    login_as("councillor", communes=[HOME])
    response = client.get(f"/reports/communes/{HOME}/figures.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0]["insee"] == HOME
    assert float(rows[0]["lit_share"]) == pytest.approx(0.36)
    assert float(rows[0]["road_length_m"]) == pytest.approx(300.0)
    assert rows[0]["lights_in_service"] == "3"


def test_the_pdf_report_has_its_figures_and_renders(client, login_as, lit_street, tmp_path):
    login_as("dispatcher")
    response = client.get(f"/reports/communes/{HOME}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = ROOT / "test-artifacts" / "reports-commune.pdf"  # kept to be looked at
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(response.data)
    words = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert QUIET_NAME in words
    assert "36,0" in words
    assert "Zone éclairée" in words or "Lit area" in words
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
                   check=True)
    from PIL import Image

    page = Image.open(tmp_path / "page-1.png").convert("RGB")
    width, height = page.size
    pixels = page.crop((0, int(height * 0.30), width, int(height * 0.72))).getdata()  # the map, not its legend
    amber = sum(1 for r, g, b in pixels if r > 230 and 150 < g < 215 and b < 90)  # the lit disks, #ffbf00
    red = sum(1 for r, g, b in pixels if r > 140 and g < 70 and b < 80)  # the dark stretches, #b2182b
    blue = sum(1 for r, g, b in pixels if b > r + 40)  # the camera's sector (a dispatcher sees it)
    assert amber > 10 and red > 10 and blue > 10, (amber, red, blue)


def test_a_past_day_not_computed_yet_is_asked_of_the_worker_once(client, login_as, redis):
    from rq.job import Job

    from app.reports.coverage import territory_day

    # Long before any asset: if a test worker runs the job, it stores empty figures for a
    # day no other test reads.
    day = "2001-01-15"
    redis.delete(f"vigie:coverage-day:{day}")
    login_as("councillor")
    enqueued = []
    for _ in range(2):  # a reload does not queue it again
        page = client.get(f"/reports/?as_of={day}")
        assert page.status_code == 200
        assert "en cours de calcul" in page.text or "being computed" in page.text
        job = Job.fetch(f"coverage-day-{day}", connection=redis)  # queued, or already taken by a worker
        assert (job.func_name, job.args) == ("app.jobs.coverage.compute_past_day", (day,))
        enqueued.append(job.enqueued_at)
    assert enqueued[0] == enqueued[1]
    today = client.get(f"/reports/?as_of={territory_day().isoformat()}")
    assert "en cours de calcul" not in today.text and "being computed" not in today.text
