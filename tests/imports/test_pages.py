"""The import pages through HTTP: upload, mapping with errors at their field, report, commit, undo."""
from __future__ import annotations

import io
import json

from sqlalchemy import text

from tests.conftest import csrf_token_from
from tests.imports.conftest import DATA

DIJON_BENCHES = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [5.0415 + i * 0.0003, 47.3220]},
         "properties": {"id": f"B{i}", "matériau": ["bois", "métal", "béton"][i % 3], "places": i % 4 + 2}}
        for i in range(12)
    ],
}


def _upload(client, filename: str, content: bytes):
    page = client.get("/imports")
    return client.post("/imports", data={"csrf_token": csrf_token_from(page.text),
                                         "file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def _import_id(response) -> int:
    assert response.status_code == 302, response.text
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_upload_map_validate_commit_and_undo_a_geojson(client, login_as, db, app, settings, run_step):
    from app.imports.models import Import

    login_as("asset_manager")
    import_id = _import_id(_upload(client, "bancs.geojson", json.dumps(DIJON_BENCHES).encode()))
    page = client.get(f"/imports/{import_id}?asset_type=bench")
    assert page.status_code == 200 and "matériau" in page.text
    form = {"csrf_token": csrf_token_from(page.text), "layer": "upload", "crs": "file", "asset_type": "bench",
            "map.external_ref": "id", "map.attributes.material": "matériau", "proximity_m": "0", "on_match": "update"}
    answer = client.post(f"/imports/{import_id}/settings", data=form)
    assert answer.status_code == 302, answer.text
    imp = db.get(Import, import_id)
    assert imp.status == "validating" and imp.job_id
    run_step(imp, "validate")
    page = client.get(f"/imports/{import_id}")
    # bois/métal/béton are not the type's values: refused, and listed for the value table.
    assert imp.counts["error"] == 12 and set(imp.counts["unmapped"]["attributes.material"]) == {"bois", "métal", "béton"}
    assert "bois" in page.text
    form.update({"values.attributes.material.1.from": "bois", "values.attributes.material.1.to": "wood",
                 "values.attributes.material.2.from": "métal", "values.attributes.material.2.to": "metal",
                 "values.attributes.material.3.from": "béton", "values.attributes.material.3.to": "concrete"})
    assert client.post(f"/imports/{import_id}/settings", data=form).status_code == 302
    run_step(imp, "validate")
    assert imp.counts["create"] == 12 and imp.counts["error"] == 0, imp.counts
    preview = client.get(f"/imports/{import_id}/preview.geojson").get_json()
    assert len(preview["features"]) == 12 and preview["features"][0]["properties"]["action"] == "create"
    page = client.get(f"/imports/{import_id}")
    assert client.post(f"/imports/{import_id}/commit", data={"csrf_token": csrf_token_from(page.text)}).status_code == 302
    run_step(imp, "commit")
    materials = db.execute(text("SELECT a.attributes->>'material' FROM asset_history h JOIN assets a ON a.id = h.asset_id "
                                "WHERE h.import_id = :id ORDER BY a.external_ref"), {"id": import_id}).scalars().all()
    assert sorted(set(materials)) == ["concrete", "metal", "wood"] and len(materials) == 12
    page = client.get(f"/imports/{import_id}")
    assert "12" in page.text and 'data-testid="undo"' in page.text
    assert client.post(f"/imports/{import_id}/undo", data={"csrf_token": csrf_token_from(page.text)}).status_code == 302
    run_step(imp, "undo")
    assert imp.status == "undone"
    statuses = db.execute(text("SELECT DISTINCT a.status FROM asset_history h JOIN assets a ON a.id = h.asset_id "
                               "WHERE h.import_id = :id"), {"id": import_id}).scalars().all()
    assert statuses == ["decommissioned"]


def test_a_bad_choice_is_shown_at_its_field_and_nothing_changes(client, login_as, db):
    from app.imports.models import Import

    login_as("asset_manager")
    import_id = _import_id(_upload(client, "bancs.geojson", json.dumps(DIJON_BENCHES).encode()))
    page = client.get(f"/imports/{import_id}")
    token = csrf_token_from(page.text)
    answer = client.post(f"/imports/{import_id}/settings", data={
        "csrf_token": token, "crs": "EPSG:999999", "asset_type": "", "proximity_m": "0"})
    assert answer.status_code == 422
    assert 'data-for="crs"' in answer.text and 'data-for="asset_type"' in answer.text
    assert "EPSG:999999" in answer.text
    answer = client.post(f"/imports/{import_id}/settings", data={
        "csrf_token": token, "crs": "file", "asset_type": "bench", "map.external_ref": "id", "proximity_m": "abc"})
    assert answer.status_code == 422 and 'data-for="proximity_m"' in answer.text
    answer = client.post(f"/imports/{import_id}/settings", data={
        "csrf_token": token, "crs": "file", "asset_type": "bench", "map.external_ref": "nope", "proximity_m": "1"})
    assert answer.status_code == 422 and 'data-for="map.external_ref"' in answer.text
    assert db.get(Import, import_id).status == "uploaded"


def test_an_unreadable_upload_is_refused_at_the_file_field_and_leaves_nothing(client, login_as, db, settings):
    login_as("asset_manager")
    before = db.execute(text("SELECT count(*) FROM imports")).scalar_one()
    for name, content in (("notes.txt", b"hello"), ("vide.zip", b"PK\x05\x06" + b"\0" * 18),
                          ("tronque.zip", (DATA / "fontaines.zip").read_bytes()[:1500])):
        answer = _upload(client, name, content)
        assert answer.status_code == 422, name
        assert 'class="field-error"' in answer.text, name
    assert db.execute(text("SELECT count(*) FROM imports")).scalar_one() == before


def test_only_inventory_editors_may_import(client, login_as):
    login_as("dispatcher")
    assert client.get("/imports").status_code == 403


def test_an_upload_over_the_limit_is_refused_with_the_limit(client, login_as, app, db):
    import dataclasses

    services = app.extensions["vigie"]
    app.extensions["vigie"] = dataclasses.replace(services, settings=dataclasses.replace(services.settings, import_max_mb=1))
    login_as("asset_manager")
    before = db.execute(text("SELECT count(*) FROM imports")).scalar_one()
    answer = _upload(client, "huge.geojson", b" " * (2 * 1024**2))  # checked while it is received
    assert answer.status_code == 422
    assert "Le fichier dépasse 1 Mo." in answer.text and 'class="field-error"' in answer.text
    assert db.execute(text("SELECT count(*) FROM imports")).scalar_one() == before
    app.config["MAX_CONTENT_LENGTH"] = 1024**2  # the application's limit, before the page is reached
    answer = _upload(client, "huge.geojson", b" " * (2 * 1024**2))
    assert answer.status_code == 413 and "Le fichier dépasse 1 Mo." in answer.text
    assert db.execute(text("SELECT count(*) FROM imports")).scalar_one() == before


def test_a_step_whose_job_died_is_offered_again(client, login_as, db, redis):
    from app.imports.models import Import

    login_as("asset_manager")
    import_id = _import_id(_upload(client, "bancs.geojson", json.dumps(DIJON_BENCHES).encode()))
    page = client.get(f"/imports/{import_id}?asset_type=bench")
    assert client.post(f"/imports/{import_id}/settings", data={
        "csrf_token": csrf_token_from(page.text), "crs": "file", "asset_type": "bench", "map.external_ref": "id",
        "proximity_m": "0", "on_match": "update"}).status_code == 302
    imp = db.get(Import, import_id)
    assert client.get(f"/imports/{import_id}/status").get_json()["status"] == "validating"  # queued, no worker
    redis.delete(f"rq:job:{imp.job_id}")  # the job is lost, as when Redis was flushed or the worker killed
    assert client.get(f"/imports/{import_id}/status").get_json()["status"] == "stalled"
    page = client.get(f"/imports/{import_id}")
    db.refresh(imp)
    assert imp.status == "uploaded" and "Rien n&#39;a été écrit" in page.text and 'data-testid="validate"' in page.text


def test_the_report_gives_each_reason_in_the_users_language(client, login_as, db, run_step):
    from app.imports.models import Import

    login_as("asset_manager")
    twice = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [5.0415 + i * 0.0003, 47.3220]},
         "properties": {"id": "B1"}} for i in range(2)]}
    import_id = _import_id(_upload(client, "bancs.geojson", json.dumps(twice).encode()))
    page = client.get(f"/imports/{import_id}?asset_type=bench")
    assert client.post(f"/imports/{import_id}/settings", data={
        "csrf_token": csrf_token_from(page.text), "crs": "file", "asset_type": "bench", "map.external_ref": "id",
        "proximity_m": "0", "on_match": "update"}).status_code == 302
    run_step(db.get(Import, import_id), "validate")
    report = client.get(f"/imports/{import_id}").text
    assert "La même référence qu&#39;à la ligne 1." in report
    assert "La même référence qu'à la ligne 1." in client.get(f"/imports/{import_id}/report.csv").text
