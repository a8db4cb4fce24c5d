"""Intervention tiles: one point per intervention with its properties, filtered like the
API, limited to the user's scope, revalidated by an ETag made of one version for all
interventions and the current 5-minute bucket."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import mapbox_vector_tile
from shapely.geometry import GeometryCollection, LineString

from app.interventions import services
from app.tiles import interventions as intervention_tiles
from tests.conftest import TALANT, storage_point
from tests.tiles.test_tiles import FENAY, _tile_of

URL = "/tiles/interventions/%d/%d/%d.mvt"
COMPLETION = {"cause": "Lamp at end of life", "action_taken": "Lamp replaced", "time_spent_minutes": 40,
              "outcome": "back_in_service"}


def _features(client, lonlat, z: int = 15, query: str = "") -> dict[int, dict]:
    response = client.get(URL % _tile_of(lonlat, z) + query)
    assert response.status_code == 200, response.text
    layer = mapbox_vector_tile.decode(response.data).get("interventions", {"features": []})
    return {f["id"]: f for f in layer["features"]}


def _at_fenay(make_asset, make_intervention, **fields):
    return make_intervention(assets=[make_asset("bench", lonlat=FENAY)], **fields)


def _advance(db, actor, item, team, *targets: str) -> None:
    """Take ``item`` through the workflow steps ``targets``."""
    for target in targets:
        services.perform_transition(db, actor, item.id, item.version, target, None,
                                    {"team_id": team.id, **(COMPLETION if target in ("completed", "closed") else {})})


def test_an_intervention_is_one_point_with_its_properties_at_every_zoom(client, login_as, make_asset,
                                                                        make_intervention, sla_rules):
    login_as("councillor")
    item = _at_fenay(make_asset, make_intervention, priority="P1",
                     reported_at=datetime.now(timezone.utc) - timedelta(hours=5))
    shown = _features(client, FENAY)[item.id]
    assert shown["geometry"]["type"] == "Point"
    assert shown["properties"] == {"status": "new", "priority": 1, "kind": "corrective", "overdue": True,
                                   "at_risk": False, "reference": item.reference}
    for z in (8, 12, 20):
        assert item.id in _features(client, FENAY, z)
    assert _features(client, FENAY, 7) == {}


def test_at_risk_and_a_collection_of_geometries(client, login_as, make_intervention, sla_rules, settings):
    login_as("councillor")
    collection = GeometryCollection([storage_point(settings, *FENAY),
                                     LineString([storage_point(settings, FENAY[0] + 4e-4, FENAY[1]),
                                                 storage_point(settings, FENAY[0] + 8e-4, FENAY[1])])])
    item = make_intervention(assets=[], kind="inspection", geom=collection,
                             reported_at=datetime.now(timezone.utc) - timedelta(hours=20))  # P2: 24 h, 4 h left
    shown = _features(client, FENAY, 16)[item.id]
    assert shown["geometry"]["type"] == "Point"
    assert shown["properties"]["at_risk"] is True and shown["properties"]["overdue"] is False


def test_filters_and_the_open_statuses_by_default(db, client, login_as, make_asset, make_intervention, make_team,
                                                   dispatcher, sla_rules):
    login_as("councillor")
    team = make_team()
    waiting = _at_fenay(make_asset, make_intervention, priority="P3")
    working = _at_fenay(make_asset, make_intervention, kind="inspection")
    closed = _at_fenay(make_asset, make_intervention)
    _advance(db, dispatcher, working, team, "assigned", "in_progress")
    _advance(db, dispatcher, closed, team, "assigned", "in_progress", "completed", "closed")
    mine = {waiting.id, working.id, closed.id}

    assert mine & set(_features(client, FENAY)) == {waiting.id, working.id}
    assert mine & set(_features(client, FENAY, query="?status=closed")) == {closed.id}
    assert _features(client, FENAY, query="?status=closed")[closed.id]["properties"]["status"] == "closed"
    assert mine & set(_features(client, FENAY, query="?status=in_progress,new")) == {waiting.id, working.id}
    assert mine & set(_features(client, FENAY, query="?priority=P3")) == {waiting.id}
    assert mine & set(_features(client, FENAY, query="?kind=inspection")) == {working.id}
    assert mine & set(_features(client, FENAY, query=f"?team={team.id}")) == {working.id}
    assert mine & set(_features(client, FENAY, query="?overdue=true")) == set()
    assert mine & set(_features(client, FENAY, query="?overdue=false")) == {waiting.id, working.id}
    assert client.get(URL % _tile_of(FENAY, 15) + "?status=lost").status_code == 422
    assert client.get(URL % _tile_of(FENAY, 15) + "?priority=P9").status_code == 422


def test_the_users_commune_scope_applies(client, login_as, make_asset, make_intervention, sla_rules):
    at_fenay = _at_fenay(make_asset, make_intervention)
    at_talant = make_intervention(assets=[make_asset("bench", lonlat=TALANT)])
    login_as("councillor", communes=["21263"])  # Fénay
    assert at_fenay.id in _features(client, FENAY)
    assert at_talant.id not in _features(client, TALANT)


def test_any_intervention_edit_changes_every_intervention_tiles_etag(db, client, login_as, make_asset,
                                                                     make_intervention, dispatcher, editor,
                                                                     sla_rules, settings):
    """One version for all interventions: an edit at Fénay changes the ETag of a tile at
    Talant too (the accepted cost of a single counter at this volume); an asset edit does not."""
    login_as("councillor")
    item = _at_fenay(make_asset, make_intervention)
    here, far = URL % _tile_of(FENAY, 16), URL % _tile_of(TALANT, 16)
    etag_here, etag_far = client.get(here).headers["ETag"], client.get(far).headers["ETag"]
    assert client.get(here).headers["Cache-Control"] == "private, no-cache"
    assert client.get(here, headers={"If-None-Match": etag_here}).status_code == 304
    assert client.get(here + "?priority=P2").headers["ETag"] != etag_here  # the filter is part of it

    from app.inventory import services as inventory_services
    bench = make_asset("bench", lonlat=TALANT)
    inventory_services.update_asset(db, editor, bench.id, 1, settings.storage_srid, properties={"seats": 3})
    assert client.get(far, headers={"If-None-Match": etag_far}).status_code == 304

    services.update_intervention(db, dispatcher, item.id, item.version, {"priority": "P4"})
    fresh = client.get(here, headers={"If-None-Match": etag_here})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag_here
    assert _features(client, FENAY, 16)[item.id]["properties"]["priority"] == 4
    assert client.get(far, headers={"If-None-Match": etag_far}).status_code == 200


def test_the_etag_changes_every_five_minutes(db):
    """Overdue and at risk change with time alone: the ETag carries the 5-minute bucket."""
    start = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
    etag = lambda at: intervention_tiles.tile_etag(db, 16, 33765, 23395, "f", at)  # noqa: E731
    assert etag(start) == etag(start + timedelta(minutes=4, seconds=59))
    assert etag(start) != etag(start + timedelta(minutes=5))
