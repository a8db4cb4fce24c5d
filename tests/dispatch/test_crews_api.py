"""GET /api/v1/dispatch/crews: every active crew with members, trades, depot, last known
position (age, who posted it) and current intervention; a weak ETag that changes when
anything but the ages changes (304 meanwhile); dispatchers and administrators only."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from app.interventions import services
from tests.dispatch.conftest import CENTRE, EAST, WEST

URL = "/api/v1/dispatch/crews"


def test_a_crew_with_its_members_trades_depot_position_and_current_job(
        client, db, login_as, make_crew, post_fix, make_intervention, dispatcher):
    login_as("dispatcher")
    team = make_crew(skills=["street_lighting", "cctv"], depot=WEST)
    team.vehicle = "Nacelle 12 m"
    agent = team.members[0]
    now = datetime.now(timezone.utc)
    post_fix(agent, EAST, at=now - timedelta(minutes=4), now=now, accuracy=12)
    item = make_intervention()
    services.perform_transition(db, dispatcher, item.id, item.version, "assigned", None, {"team_id": team.id})
    services.perform_transition(db, dispatcher, item.id, item.version, "in_progress")
    crews = {crew["id"]: crew for crew in client.get(URL).json["crews"]}
    crew = crews[team.id]
    assert crew["name"] == team.name and crew["skills"] == ["street_lighting", "cctv"]
    assert crew["vehicle"] == "Nacelle 12 m" and crew["shift_start"] == "07:30" and crew["shift_end"] == "16:00"
    assert crew["members"] == [{"id": agent.id, "name": agent.display_name}]
    assert abs(crew["depot"]["longitude"] - WEST[0]) < 1e-6
    position = crew["last_position"]
    assert abs(position["longitude"] - EAST[0]) < 1e-6 and abs(position["latitude"] - EAST[1]) < 1e-6
    assert position["accuracy_m"] == 12 and position["posted_by"] == agent.display_name
    assert 4 * 60 - 5 <= position["age_seconds"] <= 4 * 60 + 60
    assert crew["current_intervention"] == {"id": item.id, "reference": item.reference, "status": "in_progress"}


def test_a_crew_never_seen_has_no_position_and_inactive_crews_are_left_out(client, login_as, make_crew, db):
    login_as("dispatcher")
    seen_never, retired = make_crew(), make_crew()
    retired.is_active = False
    db.flush()
    crews = {crew["id"]: crew for crew in client.get(URL).json["crews"]}
    assert crews[seen_never.id]["last_position"] is None and crews[seen_never.id]["current_intervention"] is None
    assert retired.id not in crews


def test_pollers_get_304_until_a_crew_moves(client, login_as, make_crew, post_fix):
    login_as("dispatcher")
    team = make_crew()
    now = datetime.now(timezone.utc)
    post_fix(team.members[0], WEST, at=now - timedelta(minutes=1), now=now)
    first = client.get(URL)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag.startswith('W/"') and "no-cache" in first.headers["Cache-Control"]
    again = client.get(URL, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    post_fix(team.members[0], CENTRE, at=now, now=now)  # the crew moved
    moved = client.get(URL, headers={"If-None-Match": etag})
    assert moved.status_code == 200 and moved.headers["ETag"] != etag
    assert client.get(URL, headers={"If-None-Match": moved.headers["ETag"]}).status_code == 304


def test_only_those_who_plan_read_the_crews(client, login_as):
    assert client.get(URL).status_code == 401
    login_as("field_agent")
    assert client.get(URL).status_code == 403
