"""The councillors' dashboard in a real browser: the figures, the choropleth drawn by
OpenLayers, the metric picker, a commune's page from a click on the map.

The test commits a month of coverage figures for every commune (two snapshot days) and
deletes them at the end; the registry itself is left alone (its history cannot be erased).
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.demo.dijon import DEMO_PASSWORD
from app.reports.coverage import territory_day

pytestmark = pytest.mark.browser

_SNAPSHOTS = """
INSERT INTO coverage_snapshots (commune_id, day, assets_total, assets_faulty, assets_out_of_service, lights_total,
    lights_in_service, cameras_total, cameras_in_service, area_m2, built_up_area_m2, lit_built_up_area_m2,
    road_length_m, lit_road_length_m, dark_length_m, lit_area_m2, public_area_m2, cctv_public_area_m2,
    cctv_built_up_area_m2)
SELECT id, :day, 1000 + id * 10, id % 7 + :shift, id % 3, 400, 380 - id % 11 - :shift, 10, 9, ST_Area(geom),
       1000000, 600000 + (id * 7919) % 300000 - :shift * 5000, 0, 0, 0, 500000, 0, 0, 40000 + (id * 104729) % 90000
FROM communes
"""


@pytest.fixture()
def committed_figures(engine):
    today = territory_day()
    with Session(engine) as session:
        session.execute(text(_SNAPSHOTS), {"day": today, "shift": 0})
        session.execute(text(_SNAPSHOTS), {"day": today - timedelta(days=30), "shift": 2})
        session.commit()
    yield
    with Session(engine) as session:
        session.execute(text("DELETE FROM coverage_snapshots WHERE day IN (:a, :b)"),
                        {"a": today, "b": today - timedelta(days=30)})
        session.commit()


def test_the_dashboard_draws_the_communes_and_leads_to_one(page, live_server, artifacts, committed_figures):
    page.goto(f"{live_server}/login")
    page.fill("input[name=login]", "councillor")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{live_server}/")
    page.click("nav.topnav a[href='/reports/']")
    page.wait_for_url(f"{live_server}/reports/")
    page.locator("#report-map[data-ready=true]").wait_for()
    page.wait_for_timeout(500)  # the vector layer's first render
    lit = page.locator(".headline[data-key=lit_share]")
    assert lit.locator(".headline-value").inner_text().endswith("%")
    assert "▲" in lit.inner_text() and "better" in lit.get_attribute("class")
    rows = page.locator("[data-testid=communes-table] tbody tr")
    assert rows.count() == 23
    # The map is painted: some canvas pixels carry the ramp's darker blues.
    painted = page.evaluate("""() => {
        const canvas = document.querySelector('#report-map canvas');
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let blue = 0;
        for (let i = 0; i < data.length; i += 4) { if (data[i + 2] > 100 && data[i] < 120) blue += 1; }
        return blue;
    }""")
    assert painted > 1000
    page.screenshot(path=str(artifacts / "reports-dashboard-fr.png"), full_page=False)
    page.select_option("[data-testid=metric]", "out_of_order")
    assert page.locator("#report-legend .legend-item").count() == 5
    # A click on the map's centre opens that commune's dashboard.
    box = page.locator("#report-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(f"{live_server}/reports/communes/*")
    assert page.locator("h1").inner_text() != "Métropole"
    page.locator("#report-map[data-ready=true]").wait_for()
    page.screenshot(path=str(artifacts / "reports-commune-fr.png"), full_page=False)
