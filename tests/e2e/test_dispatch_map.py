"""The dispatch map in a real browser: a crew's position posted by its tablet through the
API shows on /dispatch as a marker and in the crew list with its age; clicking an open
intervention shows its card, "Suggest a crew" ranks the crew, and "Assign" assigns it.

The test commits a crew (the demo account ``agent`` in it), a place-based intervention in
Dijon centre, and the agent's position; it deletes them all at the end.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from geoalchemy2.shape import from_shape
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.demo.dijon import DEMO_PASSWORD
from app.interventions import services
from app.interventions.models import Team
from tests.conftest import storage_point

pytestmark = pytest.mark.browser

CREW_AT = (5.0432, 47.3236)  # near the Place de la Libération
WORK_AT = (5.0395, 47.3212)
DEPOT = (5.0505, 47.3418)


@pytest.fixture()
def crew_and_work(engine, settings):
    """A lighting crew with the demo ``agent`` and a new intervention in Dijon (committed);
    deleted, with the agent's positions, at the end."""
    name = f"Éclairage Centre · {uuid.uuid4().hex[:4]}"
    with Session(engine) as session:
        agent = session.scalar(select(User).where(User.login == "agent"))
        dispatcher = session.scalar(select(User).where(User.login == "dispatcher"))
        team = Team(name=name, daily_capacity_hours=14, members=[agent], skills=["street_lighting"],
                    depot=from_shape(storage_point(settings, *DEPOT), srid=settings.storage_srid),
                    depot_label="Centre technique municipal", vehicle="Nacelle 12 m")
        session.add(team)
        item = services.create_intervention(
            session, dispatcher, kind="inspection", priority="P2", srid=settings.storage_srid,
            geom=storage_point(settings, *WORK_AT), description="Contrôle après choc")
        session.commit()
        ids = {"team": team.id, "intervention": item.id, "reference": item.reference, "name": name, "agent": agent.id}
    try:
        yield ids
    finally:
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM interventions WHERE id = :id"), {"id": ids["intervention"]})
            connection.execute(text("DELETE FROM crew_positions WHERE user_id = :id"), {"id": ids["agent"]})
            connection.execute(text("DELETE FROM crew_last_positions WHERE user_id = :id"), {"id": ids["agent"]})
            connection.execute(text("DELETE FROM teams WHERE id = :id"), {"id": ids["team"]})


def _log_in(page, live_server: str, login: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{live_server}/")


def _post_position(browser, live_server: str, recorded_at: datetime) -> dict:
    """The agent's tablet posts one fix (its own browser session, CSRF header included)."""
    context = browser.new_context(locale="fr-FR")
    tablet = context.new_page()
    try:
        _log_in(tablet, live_server, "agent")
        token = tablet.get_attribute('meta[name="csrf-token"]', "content")
        response = tablet.request.post(f"{live_server}/api/v1/field/positions", headers={"X-CSRFToken": token},
                                       data={"positions": [{"id": str(uuid.uuid4()), "longitude": CREW_AT[0],
                                                            "latitude": CREW_AT[1], "accuracy_m": 7,
                                                            "recorded_at": recorded_at.isoformat()}]})
        assert response.status == 200, response.text()
        return response.json()
    finally:
        context.close()


def test_a_posted_position_shows_on_the_dispatch_map_with_its_age(page, browser, live_server, artifacts, engine,
                                                                   crew_and_work):
    four_minutes_ago = datetime.now(timezone.utc) - timedelta(minutes=4)
    assert _post_position(browser, live_server, four_minutes_ago) == {"stored": 1}

    _log_in(page, live_server, "dispatcher")
    page.click("nav.topnav a[href='/dispatch']")
    page.wait_for_selector("#map[data-crews-loaded=true][data-loaded=true]", timeout=15000)
    crew = page.locator(f"#crew-list li[data-crew-id='{crew_and_work['team']}']")
    assert crew.locator(".crew-name").inner_text() == crew_and_work["name"]
    age = crew.locator("[data-testid=crew-age]").inner_text()
    assert age.replace("\xa0", " ") in ("il y a 4 min", "il y a 5 min"), age
    assert "stale" not in (crew.get_attribute("class") or "")
    assert "Antoine Agent" in crew.locator(".muted.small").first.inner_text()  # who posted it
    # The marker: on the crews' layer, at the posted place, labelled with the name and the age.
    label = page.evaluate("""(id) => {
        const layer = window.vigie.crewLayer;
        const feature = layer.getSource().getFeatureById(`crew-${id}`);
        return feature && layer.getStyleFunction()(feature).getText().getText();
    }""", crew_and_work["team"])
    assert label.startswith(crew_and_work["name"] + "\n") and label.endswith(age)

    # The intervention's card, "Suggest a crew", and one click to assign.
    page.evaluate("""([lon, lat]) => new Promise((done) => {
        const map = window.vigie.map;
        map.once("rendercomplete", done);
        map.getView().setCenter(ol.proj.fromLonLat([lon, lat]));
        map.getView().setZoom(15.5);
    })""", list(WORK_AT))
    page.wait_for_function("""([lon, lat, id]) => {
        const map = window.vigie.map;
        const pixel = map.getPixelFromCoordinate(ol.proj.fromLonLat([lon, lat]));
        const hit = map.forEachFeatureAtPixel(pixel, (f) => f,
            { layerFilter: (l) => l === window.vigie.interventionLayer, hitTolerance: 2 });
        return Boolean(hit) && hit.getId() === id;
    }""", arg=[*WORK_AT, crew_and_work["intervention"]], timeout=15000)
    x, y = page.evaluate("([lon, lat]) => window.vigie.map.getPixelFromCoordinate(ol.proj.fromLonLat([lon, lat]))",
                         list(WORK_AT))
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_selector(f"[data-testid=intervention-reference]:has-text('{crew_and_work['reference']}')")
    page.click("[data-testid=suggest-crew]")
    mine = page.locator(f"[data-testid=crew-suggestions] li.suggestion[data-team-id='{crew_and_work['team']}']")
    mine.wait_for()
    reasons = mine.locator(".reasons").inner_text()
    assert "dernière position" in reasons or "last position" in reasons
    page.screenshot(path=str(artifacts / "dispatch-map-fr.png"))
    mine.locator("button.assign").click()
    page.wait_for_selector(".suggestion-status.flash")
    with Session(engine) as session:
        status, team_id = session.execute(text("SELECT status, team_id FROM interventions WHERE id = :id"),
                                          {"id": crew_and_work["intervention"]}).one()
    assert (status, team_id) == ("assigned", crew_and_work["team"])
    # The crew list shows it as the crew's job of the day at the next poll.
    crew.locator(".crew-job a", has_text=crew_and_work["reference"]).wait_for(state="attached", timeout=15000)
