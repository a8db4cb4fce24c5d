"""An asset manager imports a CSV in a real browser: upload, type and columns, an unknown
value mapped in the value table, the report with its preview map, then the write and its
result, all through the real rq worker. Committed data lives in Plombières-lès-Dijon."""
from __future__ import annotations

import uuid

import pytest

from app.demo.dijon import DEMO_PASSWORD

pytestmark = pytest.mark.browser
PLOMBIERES = (4.9540, 47.3372)


def test_import_a_csv_from_upload_to_written_assets(page, live_server, rq_worker, artifacts, tmp_path):
    tag = uuid.uuid4().hex[:6]
    rows = ["référence;longitude;latitude;matériau;places"]
    for i in range(8):
        material = ["bois", "métal"][i % 2]
        rows.append(f"{tag}-{i};{PLOMBIERES[0] + i * 0.0004:.6f};{PLOMBIERES[1]:.6f};{material};{i % 3 + 2}")
    rows.append(f"{tag}-x;2,35;48,85;bois;2")  # in Paris: refused, outside the métropole
    csv_file = tmp_path / "bancs-plombieres.csv"
    csv_file.write_text("\n".join(rows) + "\n", encoding="utf-8")

    page.goto(f"{live_server}/login")
    page.fill("input[name=login]", "manager")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.click("nav.topnav >> text=Imports")
    page.set_input_files("input[name=file]", str(csv_file))
    page.click("text=Envoyer le fichier")
    page.wait_for_selector("select[name=asset_type]")
    page.select_option("select[name=asset_type]", "bench")
    page.wait_for_selector("select[name='map.external_ref']")
    assert page.input_value("select[name=csv_x]") == "longitude"
    page.select_option("select[name='map.external_ref']", "référence")
    page.select_option("select[name='map.attributes.material']", "matériau")
    page.select_option("select[name='map.attributes.seats']", "places")
    page.select_option("select[name=crs]", "EPSG:4326")
    page.click("[data-testid=validate]")
    page.wait_for_selector("[data-testid=import-counts]", timeout=30000)
    assert "bois" in page.inner_text(".warning")  # the French words are not the type's values yet
    page.select_option("select[aria-label=bois]", "wood")
    page.select_option("select[aria-label=métal]", "metal")
    page.click("[data-testid=validate]")
    page.wait_for_selector("[data-testid=import-counts]", timeout=30000)
    counts = page.inner_text("[data-testid=import-counts]")
    assert "8 à créer" in counts and "1 refusées" in counts, counts
    assert "Hors de la métropole" in page.inner_text("[data-testid=import-report]")
    page.wait_for_selector("#import-preview[data-loaded='9']", timeout=15000)
    page.screenshot(path=str(artifacts / "import-report.png"), full_page=True)
    page.check("input[name=skip_errors]")
    page.click("[data-testid=commit]")
    page.wait_for_selector("[data-testid=import-result]", timeout=30000)
    assert "8 créés" in page.inner_text("[data-testid=import-result]")
    page.screenshot(path=str(artifacts / "import-written.png"), full_page=True)
