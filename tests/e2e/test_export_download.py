"""From the inventory list, in Chromium: filter, open the export, pick GeoPackage and CC47, download."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pyogrio
import pytest
import shapely
from pyogrio.raw import read
from pyproj import Transformer
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.demo.dijon import DEMO_PASSWORD
from app.inventory import services
from tests.conftest import storage_point

pytestmark = pytest.mark.browser

# Hauteville-lès-Dijon: committed test data lives here, where no other test looks.
HAUTEVILLE = (4.9763, 47.3787)
HAUTEVILLE_INSEE = "21315"
MAKER = "Fonderie de Hauteville-lès-Dijon"


def test_export_a_filtered_list_as_a_geopackage_in_cc47(page, live_server, artifacts, engine, settings, tmp_path):
    with Session(engine) as session:
        manager = session.scalar(select(User).where(User.login == "manager"))
        references = sorted(
            services.create_asset(session, manager, "bench", storage_point(settings, HAUTEVILLE[0] + i * 0.0005, HAUTEVILLE[1]),
                                  settings.storage_srid, {"manufacturer": MAKER, "seats": 3}).reference
            for i in range(3))
        session.commit()

    page.goto(f"{live_server}/login")
    page.fill("input[name=login]", "councillor")  # read-only, yet allowed to export
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector("#map")
    page.goto(f"{live_server}/inventory")
    page.select_option("#commune", HAUTEVILLE_INSEE)
    page.select_option("#type", "bench")
    page.click("form.filters:not(.export-form) button[type=submit]")
    page.wait_for_selector(f"text={references[0]}")
    page.click("[data-testid=export-panel] summary")
    page.select_option("#export-format", "gpkg")
    page.select_option("#export-crs", "3947")
    page.screenshot(path=str(artifacts / "inventory-export-fr.png"))
    with page.expect_download() as event:
        page.click("[data-testid=export-submit]")
    download = event.value
    today = datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()  # file names are dated in the territory
    assert download.suggested_filename == f"vigie-assets-{today}.gpkg"
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    assert list(pyogrio.list_layers(path)[:, 0]) == ["bench"]
    meta, _fids, geometry, data = read(path, layer="bench")
    assert meta["crs"] == "EPSG:3947"
    rows = [dict(zip(meta["fields"], values)) for values in zip(*data)]
    assert [r["reference"] for r in rows] == references
    assert {(r["manufacturer"], r["commune"], r["seats"]) for r in rows} == {(MAKER, HAUTEVILLE_INSEE, 3)}
    first = shapely.from_wkb(geometry[0])
    x, y = Transformer.from_crs(4326, 3947, always_xy=True).transform(*HAUTEVILLE)
    assert abs(first.x - x) < 0.01 and abs(first.y - y) < 0.01
