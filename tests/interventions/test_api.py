"""/api/v1/interventions over HTTP: create, list with filters, edit, transitions, conflicts."""
from __future__ import annotations

import io

from tests.conftest import DIJON_CENTRE, TALANT, csrf_token_from


def headers(client) -> dict:
    return {"X-CSRFToken": csrf_token_from(client.get("/").text)}


def test_create_list_and_get_an_intervention(client, login_as, make_asset, sla_rules):
    login_as("dispatcher")
    bench = make_asset("bench")
    response = client.post("/api/v1/interventions", headers=headers(client), json={
        "kind": "corrective", "priority": "P2", "asset_ids": [bench.id], "problem": "damaged",
        "description": "Lame cassée"})
    assert response.status_code == 201, response.text
    created = response.json
    assert created["type"] == "Feature" and created["geometry"]["type"] == "Point"
    props = created["properties"]
    assert props["status"] == "new" and props["priority"] == "P2" and props["version"] >= 1
    assert props["reference"].startswith("INT-") and props["due_at"] and props["asset_ids"] == [bench.id]
    listed = client.get("/api/v1/interventions", query_string={"status": "new", "priority": "P2",
                                                               "bbox": "5.0,47.3,5.1,47.35"}).json
    assert created["id"] in [f["id"] for f in listed["features"]] and listed["numberMatched"] >= 1
    assert client.get(f"/api/v1/interventions/{created['id']}").json["properties"]["reference"] == props["reference"]
    details = client.get(f"/api/v1/interventions/{created['id']}?details=1").json["properties"]
    assert details["timeline"][0]["to_status"] == "new" and details["assets"][0]["reference"] == bench.reference


def test_a_place_without_asset_is_given_as_geojson(client, login_as, sla_rules):
    login_as("dispatcher")
    response = client.post("/api/v1/interventions", headers=headers(client), json={
        "kind": "corrective", "priority": "P3", "problem": "damaged", "description": "Nid-de-poule",
        "geometry": {"type": "Point", "coordinates": list(TALANT)}})
    assert response.status_code == 201, response.text
    lon, lat = response.json["geometry"]["coordinates"]
    assert abs(lon - TALANT[0]) < 1e-6 and abs(lat - TALANT[1]) < 1e-6


def test_bad_input_answers_422_with_the_fields(client, login_as):
    login_as("dispatcher")
    response = client.post("/api/v1/interventions", headers=headers(client),
                           json={"kind": "nope", "priority": "P7", "asset_ids": ["x"]})
    assert response.status_code == 422
    assert {"kind", "priority", "asset_ids"} <= set(response.json["fields"])
    assert "priorité" in response.json["fields"]["priority"].lower()  # French by default
    assert client.get("/api/v1/interventions?status=finished").status_code == 422
    assert client.get("/api/v1/interventions?overdue=maybe").status_code == 422


def test_the_workflow_through_the_api_and_a_conflict_for_the_second_dispatcher(
        client, login_as, make_intervention, make_team):
    login_as("dispatcher")
    item = make_intervention()
    team = make_team()
    url = f"/api/v1/interventions/{item.id}/transitions"
    version = client.get(f"/api/v1/interventions/{item.id}").json["properties"]["version"]
    planned = client.post(url, headers=headers(client), json={
        "to": "planned", "version": version, "team_id": team.id, "planned_start": "2026-11-24T08:00"})
    assert planned.status_code == 200, planned.text
    assert planned.json["properties"]["team_id"] == team.id
    # A second dispatcher acting on the version they loaded before: refused, nothing lost.
    late = client.post(url, headers=headers(client), json={"to": "cancelled", "version": version, "comment": "dup"})
    assert late.status_code == 409 and late.json["current"]["status"] == "planned"
    illegal = client.post(url, headers=headers(client), json={"to": "closed", "version": planned.json["properties"]["version"]})
    assert illegal.status_code == 409 and illegal.json["error"] == "InvalidTransition"
    missing = client.post(url, headers=headers(client), json={"to": "planned"})
    assert missing.status_code == 422 and "version" in missing.json["fields"]


def test_patch_edits_planning_fields_with_the_version(client, login_as, make_intervention):
    login_as("dispatcher")
    item = make_intervention(priority="P4")
    version = client.get(f"/api/v1/interventions/{item.id}").json["properties"]["version"]
    response = client.patch(f"/api/v1/interventions/{item.id}", headers=headers(client),
                            json={"version": version, "priority": "P1", "estimated_minutes": 90})
    assert response.status_code == 200, response.text
    assert response.json["properties"]["priority"] == "P1" and response.json["properties"]["estimated_minutes"] == 90
    stale = client.patch(f"/api/v1/interventions/{item.id}", headers=headers(client), json={"version": version, "priority": "P2"})
    assert stale.status_code == 409
    unknown = client.patch(f"/api/v1/interventions/{item.id}", headers=headers(client),
                           json={"version": response.json["properties"]["version"], "status": "closed"})
    assert unknown.status_code == 422 and "status" in unknown.json["fields"]


def test_roles_and_scope(client, login_as, make_intervention, make_asset):
    elsewhere = make_intervention(assets=[make_asset("bench", lonlat=TALANT)])
    here = make_intervention(assets=[make_asset("bench", lonlat=DIJON_CENTRE)])
    login_as("councillor", communes=["21231"])
    assert client.get(f"/api/v1/interventions/{elsewhere.id}").status_code == 404
    assert client.get(f"/api/v1/interventions/{here.id}").status_code == 200
    ids = [f["id"] for f in client.get("/api/v1/interventions?limit=1000").json["features"]]
    assert here.id in ids and elsewhere.id not in ids
    refused = client.post("/api/v1/interventions", headers=headers(client),
                          json={"kind": "inspection", "priority": "P4", "asset_ids": []})
    assert refused.status_code == 403


def test_overdue_filter(client, login_as, make_intervention, db):
    from datetime import datetime, timedelta, timezone

    login_as("dispatcher")
    late, on_time = make_intervention(), make_intervention(problem="dirty")
    late.due_at = datetime.now(timezone.utc) - timedelta(hours=1)
    on_time.due_at = datetime.now(timezone.utc) + timedelta(days=3)
    db.flush()
    overdue = [f["id"] for f in client.get("/api/v1/interventions?overdue=true&limit=1000").json["features"]]
    not_overdue = [f["id"] for f in client.get("/api/v1/interventions?overdue=false&limit=1000").json["features"]]
    assert late.id in overdue and on_time.id not in overdue
    assert on_time.id in not_overdue and late.id not in not_overdue


def test_attachments_upload_and_download(client, login_as, make_intervention):
    login_as("dispatcher")
    item = make_intervention()
    photo = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    response = client.post(f"/api/v1/interventions/{item.id}/attachments", headers=headers(client),
                           data={"file": (io.BytesIO(photo), "lampe.png", "image/png")})
    assert response.status_code == 201, response.text
    got = client.get(f"/api/v1/interventions/{item.id}/attachments/{response.json['id']}")
    assert got.status_code == 200 and got.data == photo and got.mimetype == "image/png"
    bad = client.post(f"/api/v1/interventions/{item.id}/attachments", headers=headers(client),
                      data={"file": (io.BytesIO(b"not an image"), "x.png", "image/png")})
    assert bad.status_code == 422 and "file" in bad.json["fields"]
