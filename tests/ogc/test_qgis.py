"""QGIS itself (3.22, Debian's python3-qgis, headless) reads /ogc from a live server.

QGIS authenticates as its users would: a Basic authentication configuration with the
login and an API token as password. The data is committed (the server has its own
sessions): a councillor limited to Bretenière (21106), 12 benches and 2 street lights
there, in a commune no other test counts. The assets stay (history is append-only); the
token is revoked at the end.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, update
from sqlalchemy.orm import Session

from app.auth import services as auth_services
from app.auth.models import ApiToken
from app.inventory import services as inventory_services
from tests.conftest import storage_point

SYSTEM_PYTHON = "/usr/bin/python3"  # the interpreter Debian's python3-qgis is built for
READER = Path(__file__).with_name("qgis_reader.py")
BRETENIERE = (5.1019, 47.2373)
BENCHES = 12
STEP = 0.0004  # degrees of longitude between two benches (about 30 m)


@pytest.fixture(scope="module")
def breteniere(engine, settings):
    """The reader's login and token, and the benches' ids, west to east (committed)."""
    with Session(engine) as session:
        manager = auth_services.create_user(session, "ogc-qgis-manager", "correct-horse-battery", "asset_manager")
        reader = auth_services.create_user(session, "ogc-qgis", "correct-horse-battery", "councillor",
                                           commune_insee=["21106"])
        benches = [inventory_services.create_asset(
            session, manager, "bench", storage_point(settings, BRETENIERE[0] + STEP * i, BRETENIERE[1]),
            settings.storage_srid, {"seats": i + 2}) for i in range(BENCHES)]
        for i in range(2):
            inventory_services.create_asset(
                session, manager, "street_light", storage_point(settings, BRETENIERE[0], BRETENIERE[1] + STEP * (i + 1)),
                settings.storage_srid, {"height_m": 8, "material": "steel"})
        token = auth_services.create_api_token(session, reader, "QGIS test")
        session.commit()
        ids = [bench.id for bench in benches]
    yield "ogc-qgis", token, ids
    with Session(engine) as session:
        session.execute(update(ApiToken).where(ApiToken.name == "QGIS test").values(revoked_at=func.now()))
        session.commit()


def read_with_qgis(live_server: str, collection: str, login: str, token: str, page_size: int = 100,
                   bbox: tuple[float, float, float, float] | None = None) -> dict:
    """What QGIS reads from the collection (see qgis_reader.py)."""
    command = [SYSTEM_PYTHON, str(READER), f"{live_server}/ogc", collection, login, token, str(page_size)]
    command += [str(value) for value in bbox or ()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_qgis_reads_a_collection_page_by_page_in_the_users_scope(live_server, breteniere):
    login, token, ids = breteniere
    seen = read_with_qgis(live_server, "bench", login, token, page_size=5)  # 12 benches: 3 pages
    assert seen["valid"], seen
    assert seen["crs"] == "EPSG:4326"
    assert {"reference", "status", "commune", "seats"} <= set(seen["fields"])
    features = sorted(seen["features"], key=lambda f: f["x"])
    assert len(features) == BENCHES  # every page followed, none twice; only Bretenière (the scope)
    assert {f["attributes"]["commune"] for f in features} == {"21106"}
    assert [f["attributes"]["seats"] for f in features] == [i + 2 for i in range(BENCHES)]
    assert all(f["attributes"]["status"] == "in_service" for f in features)
    for i, feature in enumerate(features):
        assert feature["x"] == pytest.approx(BRETENIERE[0] + STEP * i, abs=1e-6)
        assert feature["y"] == pytest.approx(BRETENIERE[1], abs=1e-6)


def test_qgis_asks_for_the_map_extent_only(live_server, breteniere):
    login, token, _ = breteniere
    west = (BRETENIERE[0] - 0.0001, BRETENIERE[1] - 0.0001, BRETENIERE[0] + STEP * 2.5, BRETENIERE[1] + 0.0001)
    seen = read_with_qgis(live_server, "bench", login, token, bbox=west)
    assert seen["valid"], seen
    assert sorted(f["attributes"]["seats"] for f in seen["features"]) == [2, 3, 4]
    lights = read_with_qgis(live_server, "street_light", login, token)
    assert lights["valid"] and len(lights["features"]) == 2


def test_qgis_with_a_wrong_token_gets_no_layer(live_server, breteniere):
    login, token, _ = breteniere
    seen = read_with_qgis(live_server, "bench", login, token[:-2] + "xx")
    assert not seen["valid"]
