"""The tablet app in headless Chromium at tablet size, with a touch screen and an emulated
GPS: a field agent opens the day, loses the network, completes a work order with a photo
and a signature, gets the network back, and the server has all of it exactly once.

The test commits its data in Sennecey-lès-Dijon (no other test uses it), planned today
for a team of its own with a field agent of its own; at the end the intervention and the
agent's field actions are deleted, and the team and the agent deactivated.
"""
from __future__ import annotations

import base64
import struct
import uuid
from datetime import datetime, time

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.services import create_user
from app.interventions import services
from app.interventions.board import LOCAL_ZONE
from app.interventions.models import Team
from app.inventory import services as inventory
from tests.conftest import storage_point

pytestmark = pytest.mark.browser

SENNECEY = (5.1050, 47.2918)
AGENT_AT = (5.1022, 47.2927)  # the tablet's GPS: a street away from the job
PASSWORD = "field-agent-e2e-password"


def _jpeg_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a JPEG, read from its frame header."""
    index = 2
    while index < len(data):
        marker, length = data[index + 1], struct.unpack(">H", data[index + 2:index + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            height, width = struct.unpack(">HH", data[index + 5:index + 9])
            return width, height
        index += 2 + length
    raise AssertionError("no JPEG frame header")


@pytest.fixture()
def crew_day(engine, settings):
    """A field agent, their team and one corrective intervention planned for them today."""
    suffix = uuid.uuid4().hex[:6]
    with Session(engine) as session:
        manager = session.query(User).filter_by(login="manager").one()
        dispatcher = session.query(User).filter_by(login="dispatcher").one()
        agent = create_user(session, f"tablet-{suffix}", PASSWORD, "field_agent", "Camille Terrain")
        team = Team(name=f"Mobilier Sud-Est · {suffix}", daily_capacity_hours=7, members=[agent])
        session.add(team)
        session.flush()
        bench = inventory.create_asset(session, manager, "bench", storage_point(settings, *SENNECEY),
                                       settings.storage_srid, {"status": "faulty", "manufacturer": "Area"})
        item = services.create_intervention(session, dispatcher, kind="corrective", priority="P2",
                                            srid=settings.storage_srid, asset_ids=[bench.id], problem="damaged",
                                            description="Lame du dossier cassée, côté rue")
        start = datetime.combine(datetime.now(LOCAL_ZONE).date(), time(10), tzinfo=LOCAL_ZONE)
        services.perform_transition(session, dispatcher, item.id, item.version, "assigned", None,
                                    {"team_id": team.id, "planned_start": start.isoformat()})
        session.commit()
        ids = {"agent": agent.id, "login": agent.login, "team": team.id, "item": item.id,
               "reference": item.reference}
    yield ids
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM field_actions WHERE user_id = :id"), {"id": ids["agent"]})
        connection.execute(text("DELETE FROM interventions WHERE id = :id"), {"id": ids["item"]})
        connection.execute(text("UPDATE teams SET is_active = false WHERE id = :id"), {"id": ids["team"]})
        connection.execute(text("UPDATE users SET is_active = false WHERE id = :id"), {"id": ids["agent"]})


def test_complete_a_work_order_offline_and_the_server_gets_it_once(browser, live_server, engine, crew_day,
                                                                   artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True, locale="fr-FR",
                                  geolocation={"longitude": AGENT_AT[0], "latitude": AGENT_AT[1], "accuracy": 12},
                                  permissions=["geolocation"], timezone_id="Europe/Paris")
    try:
        page = context.new_page()
        page.goto(f"{live_server}/login?next=/field/")
        page.fill("input[name=login]", crew_day["login"])
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit].primary")
        page.wait_for_url(f"{live_server}/field/")
        row = page.locator(f"[data-testid=day-row][data-reference='{crew_day['reference']}']")
        row.wait_for()
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        page.wait_for_function("document.getElementById('field-app').dataset.ready === 'true'")
        # The tablet's position reaches the server (posted at the first fix).
        page.wait_for_function("fieldStore.all('positions').then(p => p.length === 0)")
        page.screenshot(path=str(artifacts / "field-day-fr.png"))

        row.click()
        page.wait_for_selector(f"[data-testid=sheet-reference]:has-text('{crew_day['reference']}')")
        assert "Area" in page.inner_text("[data-testid=sheet]")
        assert page.get_attribute("[data-testid=navigate]", "href").startswith("geo:47.2918,5.105")
        page.screenshot(path=str(artifacts / "field-sheet-fr.png"))

        # --- the network goes --------------------------------------------------------------
        context.set_offline(True)
        page.wait_for_selector("#net-status.offline")
        page.click("[data-step=start]")
        page.wait_for_selector("[data-step=complete]")
        photo = base64.b64decode(page.evaluate("""() => {
            const canvas = Object.assign(document.createElement('canvas'), { width: 3200, height: 2400 });
            const c = canvas.getContext('2d');
            c.fillStyle = '#6b8e23'; c.fillRect(0, 0, 3200, 2400);
            c.fillStyle = '#8b4513'; c.fillRect(600, 900, 2000, 300);
            return canvas.toDataURL('image/jpeg', 0.9).split(',')[1];
        }"""))
        with page.expect_file_chooser() as chooser:
            page.click("[data-testid=take-photo]")
        chooser.value.set_files(files=[{"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": photo}])
        page.wait_for_selector("[data-testid=attachments] li.pending")

        page.click("[data-testid=sign]")
        pad = page.locator("[data-testid=signature-pad]").bounding_box()
        page.mouse.move(pad["x"] + 40, pad["y"] + pad["height"] * 0.6)
        page.mouse.down()
        for step in range(1, 12):
            page.mouse.move(pad["x"] + 40 + step * 50, pad["y"] + pad["height"] * (0.6 - 0.3 * (step % 2)))
        page.mouse.up()
        page.click("[data-testid=signature-save]")
        page.wait_for_function("document.querySelectorAll('[data-testid=attachments] li.pending').length === 2")

        page.click("[data-step=complete]")
        dialog = page.locator("[data-testid=complete-dialog]")
        dialog.locator("textarea[name=cause]").fill("Choc de véhicule")
        dialog.locator("textarea[name=action_taken]").fill("Lame remplacée, visserie resserrée")
        dialog.locator("textarea[name=parts_used]").fill("Lame chêne 180 cm × 1")
        dialog.locator("input[name=time_spent_minutes]").fill("35")
        dialog.locator("select[name=outcome]").select_option("back_in_service")
        dialog.locator("[data-testid=complete-send]").click()
        page.wait_for_selector("[data-testid=sheet-status].badge.status-completed")
        assert page.get_attribute("[data-testid=pending]", "data-count") == "4"
        with engine.connect() as connection:  # nothing reached the server
            status = connection.execute(text("SELECT status FROM interventions WHERE id = :id"),
                                        {"id": crew_day["item"]}).scalar_one()
        assert status == "assigned"

        # --- the network returns: the queue is replayed ------------------------------------
        context.set_offline(False)
        page.wait_for_selector("[data-testid=pending]", state="hidden", timeout=30_000)
        page.wait_for_selector("#net-status.online")
        # A second replay (the tablet unsure it was heard) changes nothing.
        page.evaluate("fieldQueue.replay()")

        with engine.connect() as connection:
            item = connection.execute(text(
                "SELECT status, action_taken, time_spent_minutes, parts_used, outcome, started_at, completed_at "
                "FROM interventions WHERE id = :id"), {"id": crew_day["item"]}).mappings().one()
            files = connection.execute(text(
                "SELECT filename, content_type, data FROM intervention_attachments WHERE intervention_id = :id "
                "ORDER BY content_type"), {"id": crew_day["item"]}).all()
            steps = connection.execute(text(
                "SELECT to_status FROM intervention_events WHERE intervention_id = :id AND to_status IS NOT NULL "
                "ORDER BY at, id"), {"id": crew_day["item"]}).scalars().all()
            actions = connection.execute(text(
                "SELECT kind, status FROM field_actions WHERE user_id = :id ORDER BY kind"),
                {"id": crew_day["agent"]}).all()
        assert page.locator("[data-testid=review]").is_hidden(), page.inner_text("[data-testid=review]")
        assert item["status"] == "completed" and item["action_taken"] == "Lame remplacée, visserie resserrée"
        assert item["time_spent_minutes"] == 35 and item["outcome"] == "back_in_service"
        assert item["parts_used"] == [{"name": "Lame chêne 180 cm", "quantity": 1}]
        assert item["started_at"] <= item["completed_at"]  # done offline, dated on the tablet's clock
        assert [(f.filename, f.content_type) for f in files] == [
            ("IMG_2041.jpg", "image/jpeg"), (f"signature-{crew_day['reference']}.png", "image/png")]
        assert max(_jpeg_size(bytes(files[0].data))) == 1600  # resized on the tablet
        assert steps == ["new", "assigned", "in_progress", "completed"]
        assert actions == [("complete", "applied"), ("photo", "applied"), ("signature", "applied"),
                           ("start", "applied")]
        page.wait_for_selector("[data-testid=attachments] img")
        assert page.locator("[data-testid=review]").is_hidden()

        # The dispatcher's map shows the crew where the tablet was, and the job done.
        dispatcher = browser.new_context(viewport={"width": 1366, "height": 850}, locale="fr-FR")
        try:
            desk = dispatcher.new_page()
            desk.goto(f"{live_server}/login?next=/dispatch")
            desk.fill("input[name=login]", "dispatcher")
            desk.fill("input[name=password]", "vigie-demo")
            desk.click("button[type=submit].primary")
            desk.wait_for_selector("#map[data-crews-loaded=true][data-loaded=true]", timeout=15000)
            crew = desk.locator(f"#crew-list li[data-crew-id='{crew_day['team']}']")
            assert "il y a" in crew.locator("[data-testid=crew-age]").inner_text()
            where = desk.evaluate("""(id) => {
                const feature = window.vigie.crewLayer.getSource().getFeatureById(`crew-${id}`);
                return ol.proj.toLonLat(feature.getGeometry().getCoordinates());
            }""", crew_day["team"])
            assert abs(where[0] - AGENT_AT[0]) < 1e-4 and abs(where[1] - AGENT_AT[1]) < 1e-4
            desk.evaluate("""([lon, lat]) => new Promise((done) => {
                const map = window.vigie.map;
                map.once("rendercomplete", done);
                map.getView().setCenter(ol.proj.fromLonLat([lon, lat]));
                map.getView().setZoom(16);
            })""", list(SENNECEY))
            desk.wait_for_function("""([lon, lat, id]) => {
                const map = window.vigie.map;
                const pixel = map.getPixelFromCoordinate(ol.proj.fromLonLat([lon, lat]));
                const hit = map.forEachFeatureAtPixel(pixel, (f) => f,
                    { layerFilter: (l) => l === window.vigie.interventionLayer, hitTolerance: 4 });
                return Boolean(hit) && hit.getId() === id && hit.get("status") === "completed";
            }""", arg=[*SENNECEY, crew_day["item"]], timeout=15000)
            desk.screenshot(path=str(artifacts / "field-dispatch-after-fr.png"))
        finally:
            dispatcher.close()
    finally:
        context.close()
