"""GET /api/v1/field/day: the agent's team's work of the day in visiting order, with the
mission sheets; only their team's; 304 while nothing changed. And the tablet's pages."""
from __future__ import annotations

from datetime import timedelta

from app.dispatch.days import day_order
from app.interventions import services
from tests.conftest import DIJON_CENTRE, TALANT


def test_the_day_lists_the_teams_work_in_the_days_order_with_the_sheets(
        client, db, agent, crew, assign, make_asset, make_intervention, today):
    far = make_asset("bench", lonlat=TALANT, properties={"manufacturer": "Area", "model": "Silaos"})
    near = make_asset("bench", lonlat=DIJON_CENTRE)
    first = assign(make_intervention(assets=[far], description="Lame cassée"), crew, hour=8)
    second = assign(make_intervention(assets=[near], kind="preventive"), crew, hour=11)
    services.add_note(db, agent, second.id, "Clé du coffret au dépôt")

    answer = client.get("/api/v1/field/day")

    assert answer.status_code == 200, answer.text
    day = answer.json
    assert day["day"] == today.isoformat() and day["teams"] == [{"id": crew.id, "name": crew.name}]
    ids = [sheet["id"] for sheet in day["interventions"]]
    assert sorted(ids) == sorted([first.id, second.id])
    assert ids == day_order(db, agent, crew.id, today)
    sheet = {s["id"]: s for s in day["interventions"]}
    assert sheet[first.id]["description"] == "Lame cassée" and sheet[first.id]["status"] == "assigned"
    assert sheet[first.id]["assets"][0]["reference"] == far.reference
    assert sheet[first.id]["assets"][0]["manufacturer"] == "Area"
    assert sheet[first.id]["assets"][0]["history"][0]["change"] == "created"
    assert abs(sheet[first.id]["longitude"] - TALANT[0]) < 1e-5 and abs(sheet[first.id]["latitude"] - TALANT[1]) < 1e-5
    assert sheet[second.id]["checklist"] and all(task["done"] is False for task in sheet[second.id]["checklist"])
    assert [n["comment"] for n in sheet[second.id]["notes"]] == ["Clé du coffret au dépôt"]
    assert day["crew_steps"] == {"assigned": ["in_progress"], "in_progress": ["on_hold", "completed"],
                                 "on_hold": ["in_progress"]}
    west, south, east, north = day["bbox"]
    assert west <= TALANT[0] <= east and south <= DIJON_CENTRE[1] <= north


def test_an_agent_sees_only_their_teams_work_of_that_day(client, agent, crew, assign, make_team,
                                                         make_intervention, today):
    ours = assign(make_intervention(), crew)
    assign(make_intervention(), make_team())  # another crew's
    assign(make_intervention(), crew, day=today + timedelta(days=1))  # tomorrow's
    make_intervention()  # not assigned

    assert [s["id"] for s in client.get("/api/v1/field/day").json["interventions"]] == [ours.id]
    tomorrow = client.get(f"/api/v1/field/day?date={today + timedelta(days=1)}").json["interventions"]
    assert len(tomorrow) == 1 and tomorrow[0]["id"] != ours.id


def test_work_started_on_an_earlier_day_and_unfinished_opens_todays_day(client, db, agent, crew, assign,
                                                                          make_intervention, today):
    started = assign(make_intervention(), crew, day=today - timedelta(days=1))
    started = services.perform_transition(db, agent, started.id, started.version, "in_progress", None, {})
    todays = assign(make_intervention(), crew)
    finished = assign(make_intervention(), crew, day=today - timedelta(days=1))
    finished = services.perform_transition(db, agent, finished.id, finished.version, "in_progress", None, {})
    finished = services.perform_transition(db, agent, finished.id, finished.version, "completed", None,
                                           {"cause": "Usure", "action_taken": "Vis resserrées", "time_spent_minutes": 5,
                                            "outcome": "back_in_service"})

    ids = [s["id"] for s in client.get("/api/v1/field/day").json["interventions"]]
    assert ids == [started.id, todays.id]  # the unfinished one first; the finished one stays on its day
    tomorrow = client.get(f"/api/v1/field/day?date={today + timedelta(days=1)}").json["interventions"]
    assert tomorrow == []


def test_an_agent_in_no_team_has_an_empty_day(client, agent):
    day = client.get("/api/v1/field/day").json
    assert day["teams"] == [] and day["interventions"] == [] and day["bbox"] is None


def test_an_unchanged_day_answers_304_and_a_change_gives_a_new_etag(client, db, agent, crew, assign,
                                                                    make_intervention):
    item = assign(make_intervention(), crew)
    first = client.get("/api/v1/field/day")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "private, no-cache"

    again = client.get("/api/v1/field/day", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""

    services.add_note(db, agent, item.id, "Accès par la cour")
    changed = client.get("/api/v1/field/day", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.json["interventions"][0]["notes"][0]["comment"] == "Accès par la cour"


def test_the_day_is_for_field_agents(client, login_as):
    login_as("councillor")
    assert client.get("/api/v1/field/day").status_code == 403


def test_a_wrong_date_is_refused_at_its_parameter(client, agent):
    answer = client.get("/api/v1/field/day?date=22/11/2026")
    assert answer.status_code == 422 and set(answer.json["fields"]) == {"date"}


def test_the_app_shell_manifest_and_service_worker(client, agent):
    page = client.get("/field/")
    assert page.status_code == 200 and 'rel="manifest"' in page.text and 'id="day-list"' in page.text
    assert page.text.startswith("<!doctype html>\n<html lang=\"fr\">")  # French first
    manifest = client.get("/field/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    assert manifest.json["scope"] == "/field/" and manifest.json["start_url"] == "/field/"
    for icon in manifest.json["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    worker = client.get("/field/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert "keep-tiles" in worker.text


def test_the_work_orders_qr_code_opens_the_mission_sheet_on_the_tablet(client, agent, crew, assign,
                                                                        make_intervention):
    item = assign(make_intervention(), crew)
    page = client.get(f"/field/interventions/{item.id}")
    assert page.status_code == 200 and f'data-open-intervention="{item.id}"' in page.text
    sheet = client.get(f"/api/v1/field/interventions/{item.id}")
    assert sheet.status_code == 200 and sheet.json["reference"] == item.reference


def test_the_qr_code_leads_a_dispatcher_to_the_intervention_page(client, login_as, make_intervention):
    item = make_intervention()
    assert client.get(f"/field/interventions/{item.id}").status_code == 302  # to the login first
    login_as("dispatcher")
    response = client.get(f"/field/interventions/{item.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/interventions/{item.id}")


def test_opening_the_app_makes_the_login_cookie_last_beyond_the_browser_session(client, agent):
    response = client.get("/field/")
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("vigie_session="))
    assert "Expires=" in cookie
