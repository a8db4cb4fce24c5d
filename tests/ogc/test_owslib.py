"""A real OGC API - Features client (OWSLib) reads /ogc from a live server, with an API token.

The data is committed (the server has its own sessions): a user limited to Magny-sur-Tille
(21370), its token, a few assets and an intervention there, in a commune no other test
counts. The assets stay (history is append-only); the intervention is deleted and the
token revoked at the end.
"""
from __future__ import annotations


import pytest
import requests
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from app.auth import services as auth_services
from app.auth.models import ApiToken, User
from app.interventions import services as intervention_services
from app.interventions.models import Intervention
from app.inventory import services as inventory_services
from tests.conftest import storage_point

MAGNY = (5.1645, 47.2835)
MAGNY_BBOX = [5.15, 47.27, 5.18, 47.30]


@pytest.fixture(scope="module")
def ogc_server(live_server):
    """The OGC API root of the live server."""
    return f"{live_server}/ogc/"


@pytest.fixture(scope="module")
def magny(engine, settings):
    """A token for a councillor limited to Magny-sur-Tille, and benches there (committed)."""
    with Session(engine) as session:
        manager = auth_services.create_user(session, "ogc-owslib-manager", "correct-horse-battery", "asset_manager")
        reader = auth_services.create_user(session, "ogc-owslib", "correct-horse-battery", "councillor",
                                           commune_insee=["21370"])
        benches = [inventory_services.create_asset(
            session, manager, "bench", storage_point(settings, MAGNY[0] + 0.0003 * i, MAGNY[1]),
            settings.storage_srid, {"seats": i + 2}) for i in range(5)]
        token = auth_services.create_api_token(session, reader, "OWSLib test")
        session.commit()
        ids = sorted(bench.id for bench in benches)
    yield token, ids
    with Session(engine) as session:
        session.execute(update(ApiToken).where(ApiToken.name == "OWSLib test").values(revoked_at=func.now()))
        session.commit()


@pytest.fixture(scope="module")
def magny_intervention(engine, settings, magny):
    """An inspection at Magny-sur-Tille (committed, deleted at the end): its id and reference."""
    with Session(engine) as session:
        manager = session.scalar(select(User).where(User.login == "ogc-owslib-manager"))
        item = intervention_services.create_intervention(
            session, manager, kind="inspection", priority="P3", srid=settings.storage_srid,
            geom=storage_point(settings, MAGNY[0] + 0.001, MAGNY[1]), description="OWSLib")
        session.commit()
        created = item.id, item.reference
    yield created
    with Session(engine) as session:
        session.execute(delete(Intervention).where(Intervention.id == created[0]))
        session.commit()


@pytest.fixture()
def features(ogc_server, magny):
    from owslib import ogcapi
    from owslib.ogcapi.features import Features

    yield Features(ogc_server, headers={"Authorization": f"Bearer {magny[0]}"})
    ogcapi.REQUEST_HEADERS.pop("Authorization", None)  # OWSLib shares its headers across instances


def test_owslib_lists_the_collections(features):
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in features.conformance()["conformsTo"]
    collections = features.collections()["collections"]
    assert len(collections) == 21 and {"bench", "interventions"} <= {c["id"] for c in collections}
    assert features.collection("bench")["title"] == "Banc"
    assert "bench" in features.feature_collections()


def test_owslib_reads_items_by_bbox_and_pages_with_offset(features, magny):
    _, ids = magny
    first = features.collection_items("bench", bbox=MAGNY_BBOX, limit=2)
    assert first["type"] == "FeatureCollection" and first["numberMatched"] == 5 and first["numberReturned"] == 2
    assert "next" in {link["rel"] for link in first["links"]}
    seen = [f["id"] for f in first["features"]]
    seen += [f["id"] for f in features.collection_items("bench", bbox=MAGNY_BBOX, limit=2, offset=2)["features"]]
    seen += [f["id"] for f in features.collection_items("bench", bbox=MAGNY_BBOX, limit=2, offset=4)["features"]]
    assert sorted(seen) == ids
    lon, lat = first["features"][0]["geometry"]["coordinates"]
    assert lon == pytest.approx(MAGNY[0], abs=0.002) and lat == pytest.approx(MAGNY[1], abs=1e-5)
    one = features.collection_item("bench", str(ids[0]))
    assert one["id"] == ids[0] and one["properties"]["commune"] == "21370"
    assert [f["id"] for f in features.collection_items("bench", seats="2")["features"]] == [ids[0]]


def test_owslib_reads_the_interventions(features, magny_intervention):
    intervention_id, reference = magny_intervention
    assert "interventions" in features.feature_collections()
    assert features.collection("interventions")["title"] == "Interventions"
    found = features.collection_items("interventions", bbox=MAGNY_BBOX, status="new", priority="P3")
    assert [f["id"] for f in found["features"]] == [intervention_id] and found["numberMatched"] == 1
    one = features.collection_item("interventions", str(intervention_id))
    assert one["properties"]["reference"] == reference and one["properties"]["commune"] == "21370"
    lon, lat = one["geometry"]["coordinates"]
    assert lon == pytest.approx(MAGNY[0] + 0.001, abs=1e-6) and lat == pytest.approx(MAGNY[1], abs=1e-6)


def test_the_token_users_scope_applies(features, magny):
    everything = features.collection_items("bench", limit=10_000)
    assert {f["properties"]["commune"] for f in everything["features"]} == {"21370"}


def test_without_or_with_a_bad_token_the_server_answers_401(ogc_server):
    assert requests.get(ogc_server + "collections", timeout=10).status_code == 401
    bad = requests.get(ogc_server + "collections", headers={"Authorization": "Bearer vgt_bad"}, timeout=10)
    assert bad.status_code == 401 and bad.json()["error"] == "invalid_token"
