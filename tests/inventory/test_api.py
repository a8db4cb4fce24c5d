"""/api/v1/assets over HTTP: GeoJSON in and out, per-field errors, 409 on stale writes."""
from __future__ import annotations

import pytest

from tests.conftest import csrf_token_from
from tests.conftest import DIJON_CENTRE


def _api_login(app, make_user, role: str, communes=None):
    """A client logged in as a new user of ``role``, with its CSRF token for the API."""
    client = app.test_client()
    user = make_user(role, communes=communes)
    page = client.get("/login")
    client.post("/login", data={"login": user.login, "password": "correct-horse-battery",
                                "csrf_token": csrf_token_from(page.text)})
    token = csrf_token_from(client.get("/").text)
    client.environ_base["HTTP_X_CSRFTOKEN"] = token
    return client


def _point(lon, lat):
    return {"type": "Point", "coordinates": [lon, lat]}


@pytest.fixture()
def manager(app, make_user):
    return _api_login(app, make_user, "asset_manager")


def test_post_with_only_type_and_geometry_then_get(manager):
    response = manager.post("/api/v1/assets", json={"type": "Feature", "geometry": _point(*DIJON_CENTRE),
                                                    "properties": {"type": "bench"}})
    assert response.status_code == 201, response.json
    feature = response.json
    assert feature["properties"]["type"] == "bench" and feature["properties"]["status"] == "in_service"
    assert feature["properties"]["commune"] == "21231" and feature["properties"]["version"] == 1
    assert feature["properties"]["reference"].startswith("BA-21231-")
    again = manager.get(f"/api/v1/assets/{feature['id']}")
    assert again.status_code == 200 and again.json == feature


def test_errors_come_back_per_field_in_french(manager):
    stored_before = manager.get("/api/v1/assets?type=street_light").json["numberMatched"]
    response = manager.post("/api/v1/assets", json={"type": "Feature", "geometry": _point(2.35, 48.85),
                                                    "properties": {"type": "street_light", "material": "gold"}})
    assert response.status_code == 422
    fields = response.json["fields"]
    assert fields["height_m"] == "Ce champ est obligatoire."
    assert fields["material"].startswith("Valeur inconnue gold")
    assert fields["geometry"] == "La géométrie est hors de la métropole."
    assert manager.get("/api/v1/assets?type=street_light").json["numberMatched"] == stored_before


def test_patch_needs_the_version_and_a_stale_one_gets_409_with_both_versions(app, make_user, manager):
    created = manager.post("/api/v1/assets", json={"type": "Feature", "geometry": _point(*DIJON_CENTRE),
                                                   "properties": {"type": "bench", "seats": 2}}).json
    other = _api_login(app, make_user, "asset_manager")
    url = f"/api/v1/assets/{created['id']}"
    assert manager.patch(url, json={"properties": {"seats": 3}}).status_code == 422
    first = manager.patch(url, json={"properties": {"seats": 4, "version": 1}})
    assert first.status_code == 200 and first.json["properties"]["version"] == 2
    second = other.patch(url, json={"properties": {"seats": 6, "version": 1}})
    assert second.status_code == 409
    assert second.json["current"]["properties"]["seats"] == 4
    assert second.json["submitted"]["properties"] == {"seats": 6}
    assert manager.get(url).json["properties"]["seats"] == 4


def test_move_by_patching_geometry_and_read_history(manager):
    created = manager.post("/api/v1/assets", json={"type": "Feature", "geometry": _point(*DIJON_CENTRE),
                                                   "properties": {"type": "bench"}}).json
    url = f"/api/v1/assets/{created['id']}"
    moved = manager.patch(url, json={"geometry": _point(5.0425, 47.3225), "properties": {"version": 1}})
    assert moved.status_code == 200
    assert moved.json["geometry"]["coordinates"] == pytest.approx([5.0425, 47.3225], abs=1e-7)
    history = manager.get(url + "/history").json["history"]
    assert [h["change"] for h in history] == ["created", "moved"]


def test_list_filters_and_pagination(manager):
    for lon in (5.040, 5.041, 5.042):
        manager.post("/api/v1/assets", json={"geometry": _point(lon, 47.322), "properties": {"type": "bench"}})
    manager.post("/api/v1/assets", json={"geometry": _point(5.041, 47.3215), "properties": {"type": "litter_bin"}})
    page = manager.get("/api/v1/assets?type=bench&limit=2&bbox=5.03,47.31,5.05,47.33").json
    assert page["numberMatched"] == 3 and len(page["features"]) == 2
    rest = manager.get("/api/v1/assets?type=bench&limit=2&offset=2&bbox=5.03,47.31,5.05,47.33").json
    assert len(rest["features"]) == 1
    assert manager.get("/api/v1/assets?type=bench&commune=21617").json["numberMatched"] == 0
    assert manager.get("/api/v1/assets?bbox=4.0,47.0").status_code == 422
    assert manager.get("/api/v1/assets?as_of=yesterday").status_code == 422


def test_api_writes_need_the_csrf_token(app, make_user):
    client = _api_login(app, make_user, "asset_manager")
    del client.environ_base["HTTP_X_CSRFTOKEN"]
    response = client.post("/api/v1/assets", json={"geometry": _point(*DIJON_CENTRE), "properties": {"type": "bench"}})
    assert response.status_code == 400


@pytest.mark.parametrize("role", ["councillor", "field_agent"])
def test_read_only_roles_read_but_cannot_write(app, make_user, role):
    client = _api_login(app, make_user, role)
    assert client.get("/api/v1/assets").status_code == 200
    response = client.post("/api/v1/assets", json={"geometry": _point(*DIJON_CENTRE), "properties": {"type": "bench"}})
    assert response.status_code == 403
