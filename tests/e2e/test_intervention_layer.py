"""Interventions on the map in a real browser: markers from the intervention tiles, and a
click on one opens its card (never the card of the asset underneath).

The test commits a team and interventions in Dijon centre and deletes them at the end, so
that the other tests never see them; the street light under one of them stays (asset
history is append-only), at a spot no other test counts.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.demo.dijon import DEMO_PASSWORD
from app.interventions import services
from app.interventions.models import Team
from app.inventory import services as inventory_services
from tests.conftest import storage_point

pytestmark = pytest.mark.browser

LIGHT = (5.0368, 47.3232)  # rue de la Liberté side: the street light of the overdue intervention
# (place, status, priority, kind, hours since reported): one of each status the map shows.
CENTRE = [
    ((5.0415, 47.3245), "planned", "P3", "preventive", 30),
    ((5.0455, 47.3215), "assigned", "P2", "corrective", 20),  # 24 h SLA, 4 h left: at risk
    ((5.0330, 47.3205), "in_progress", "P2", "inspection", 2),
    ((5.0440, 47.3185), "on_hold", "P3", "corrective", 50),
    ((5.0395, 47.3190), "completed", "P4", "installation", 70),
    ((5.0490, 47.3240), "reopened", "P2", "corrective", 3),
]
PATHS = {"new": [], "planned": ["planned"], "assigned": ["assigned"], "in_progress": ["assigned", "in_progress"],
         "on_hold": ["assigned", "in_progress", "on_hold"], "completed": ["assigned", "in_progress", "completed"],
         "reopened": ["assigned", "in_progress", "completed", "reopened"]}
REPORT = {"cause": "Câble sectionné", "action_taken": "Câble remplacé", "time_spent_minutes": 45,
          "outcome": "no_change"}


def _advance(session, actor, item, team, status: str) -> None:
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).replace(hour=8, minute=0).isoformat(timespec="minutes")
    for target in PATHS[status]:
        details = {"team_id": team.id, **({"planned_start": tomorrow} if target == "planned" else {}),
                   **(REPORT if target == "completed" else {})}
        comment = "En attente de pièces" if target in ("on_hold", "reopened") else None
        services.perform_transition(session, actor, item.id, item.version, target, comment, details)


@pytest.fixture()
def dijon_interventions(engine, settings):
    """Seven interventions around Dijon centre (committed), the overdue P1 one on a street
    light; yields that one's id and reference, deletes them all at the end."""
    made: list[int] = []
    now = datetime.now(timezone.utc)
    with Session(engine) as session:
        dispatcher = session.query(User).filter_by(login="dispatcher").one()
        manager = session.query(User).filter_by(login="manager").one()
        team = Team(name=f"Éclairage centre · {uuid.uuid4().hex[:4]}", daily_capacity_hours=14, members=[])
        session.add(team)
        light = inventory_services.create_asset(session, manager, "street_light", storage_point(settings, *LIGHT),
                                                settings.storage_srid, {"height_m": 6})
        overdue = services.create_intervention(session, dispatcher, kind="corrective", priority="P1",
                                               srid=settings.storage_srid, asset_ids=[light.id], problem="out_of_order",
                                               description="Mât penché", reported_at=now - timedelta(hours=6))
        made.append(overdue.id)
        for place, status, priority, kind, hours in CENTRE:
            item = services.create_intervention(
                session, dispatcher, kind=kind, priority=priority, srid=settings.storage_srid,
                geom=storage_point(settings, *place), problem="damaged" if kind == "corrective" else None,
                description="Test carte", reported_at=now - timedelta(hours=hours))
            made.append(item.id)
            _advance(session, dispatcher, item, team, status)
        session.commit()
        chosen = overdue.id, overdue.reference
        team_id = team.id
    try:
        yield chosen
    finally:
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM interventions WHERE id = ANY(:ids)"), {"ids": made})
            connection.execute(text("DELETE FROM teams WHERE id = :id"), {"id": team_id})


def _log_in(page, live_server: str, login: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector("#map[data-types-loaded=true][data-loaded=true]", timeout=15000)


def _show(page, centre, zoom: float, lonlat, intervention_id: int) -> tuple[float, float]:
    """Centre the map, wait until the intervention's marker is drawn at ``lonlat``; its
    coordinates in the page."""
    page.evaluate("""([lon, lat, zoom]) => new Promise((done) => {
        const map = window.vigie.map;
        map.once("rendercomplete", done);  // hit detection and pixels then see the new view
        map.getView().setCenter(ol.proj.fromLonLat([lon, lat]));
        map.getView().setZoom(zoom);
    })""", [*centre, zoom])
    page.wait_for_function(
        """([lon, lat, id]) => {
            const map = window.vigie.map;
            const pixel = map.getPixelFromCoordinate(ol.proj.fromLonLat([lon, lat]));
            const hit = map.forEachFeatureAtPixel(pixel, (f) => f,
                { layerFilter: (l) => l === window.vigie.interventionLayer, hitTolerance: 2 });
            return Boolean(hit) && hit.getId() === id;
        }""", arg=[*lonlat, intervention_id], timeout=15000)
    x, y = page.evaluate("([lon, lat]) => window.vigie.map.getPixelFromCoordinate(ol.proj.fromLonLat([lon, lat]))",
                         list(lonlat))
    box = page.locator("#map").bounding_box()
    return box["x"] + x, box["y"] + y


def test_an_intervention_shows_on_the_map_and_opens_its_card(page, live_server, artifacts, dijon_interventions):
    intervention_id, reference = dijon_interventions
    _log_in(page, live_server, "dispatcher")
    assert page.is_checked("#interventions-toggle")
    assert page.locator("#interventions-legend li").count() == 9  # seven statuses, overdue, at risk

    marker = _show(page, (5.0380, 47.3218), 14, LIGHT, intervention_id)
    page.mouse.click(*marker)
    page.wait_for_selector(f"[data-testid=intervention-reference]:has-text('{reference}')")
    assert page.locator("[data-testid=intervention-overdue]").count() == 1
    assert "P1" in page.inner_text("#panel-content .badges")
    assert page.get_attribute("#panel-content a.button", "href") == f"/interventions/{intervention_id}"
    page.screenshot(path=str(artifacts / "map-interventions-fr.png"))

    # Over its street light, from tiles (zoom 17) or loaded assets (zoom 18), the intervention wins.
    for zoom in (17, 18):
        page.evaluate("() => { document.getElementById('panel-content').replaceChildren(); }")
        marker = _show(page, LIGHT, zoom, LIGHT, intervention_id)
        if zoom == 18:
            page.wait_for_function("Number(document.querySelector('#map').dataset.assetsLoaded || 0) >= 1")
        page.mouse.click(*marker)
        page.wait_for_selector(f"[data-testid=intervention-reference]:has-text('{reference}')")
        page.wait_for_timeout(500)  # time enough for an asset card to replace it, were one opened
        assert page.locator("[data-testid=asset-reference]").count() == 0
        assert page.inner_text("[data-testid=intervention-reference]") == reference

    page.uncheck("#interventions-toggle")
    assert page.is_hidden("#interventions-legend")
    assert page.evaluate("() => window.vigie.interventionLayer.getVisible()") is False
