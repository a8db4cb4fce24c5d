"""POST /api/v1/field/positions: a crew's tablet posts one fix or replays its queue; each
client id is stored once; a wrong item is a 400 naming its index and field and nothing
is stored; only field agents of an active team post; old fixes are purged, the last
position stays."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from app.dispatch.services import RETENTION_DAYS, purge_old_positions
from tests.conftest import csrf_token_from
from tests.dispatch.conftest import CENTRE, EAST, WEST

URL = "/api/v1/field/positions"


def fix(lonlat=CENTRE, minutes_ago: float = 0, **extra) -> dict:
    at = datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)
    return {"id": str(uuid.uuid4()), "longitude": lonlat[0], "latitude": lonlat[1], "accuracy_m": 6.5,
            "recorded_at": at.isoformat(), **extra}


def post(client, positions, csrf: bool = True):
    headers = {"X-CSRFToken": csrf_token_from(client.get("/").text)} if csrf else {}
    return client.post(URL, headers=headers, json={"positions": positions})


def stored_count(db, user_id: int) -> int:
    return db.execute(text("SELECT count(*) FROM crew_positions WHERE user_id = :u"), {"u": user_id}).scalar_one()


def last_position(db, user_id: int):
    return db.execute(text(
        "SELECT ST_X(ST_Transform(geom, 4326)) AS lon, ST_Y(ST_Transform(geom, 4326)) AS lat, accuracy_m, recorded_at "
        "FROM crew_last_positions WHERE user_id = :u"), {"u": user_id}).one_or_none()


@pytest.fixture()
def agent(client, login_as, make_crew):
    """The test client logged in as a field agent of an active crew."""
    user = login_as("field_agent")
    make_crew(members=[user])
    return user


def test_a_replayed_queue_stores_each_fix_once(client, db, agent):
    first = fix(WEST, minutes_ago=2)
    response = post(client, [first])
    assert response.status_code == 200, response.text
    assert response.json == {"stored": 1}
    # Back online, the tablet sends its whole queue again, with one more fix.
    second = fix(EAST, minutes_ago=1)
    response = post(client, [first, second, second])
    assert response.status_code == 200 and response.json == {"stored": 1}
    assert post(client, [first, second]).json == {"stored": 0}
    assert stored_count(db, agent.id) == 2
    last = last_position(db, agent.id)
    assert abs(last.lon - EAST[0]) < 1e-6 and abs(last.lat - EAST[1]) < 1e-6 and last.accuracy_m == 6.5


def test_a_late_older_fix_does_not_replace_the_last_position(client, db, agent):
    assert post(client, [fix(EAST, minutes_ago=1)]).json == {"stored": 1}
    assert post(client, [fix(WEST, minutes_ago=30)]).json == {"stored": 1}  # kept in the history…
    last = last_position(db, agent.id)
    assert abs(last.lon - EAST[0]) < 1e-6  # …but the crew is where it was seen last
    assert stored_count(db, agent.id) == 2


def test_wrong_items_are_named_by_index_and_field_and_nothing_is_stored(client, db, agent):
    naive = fix()
    naive["recorded_at"] = naive["recorded_at"][:19]  # no offset
    response = post(client, [fix(), fix(latitude=95), naive, fix(id="not-a-uuid"), fix(accuracy_m=-3),
                             fix(longitude="5.04"), "nonsense"])
    assert response.status_code == 400
    fields = response.json["fields"]
    assert set(fields) == {"positions[1].latitude", "positions[2].recorded_at", "positions[3].id",
                           "positions[4].accuracy_m", "positions[5].longitude", "positions[6].id"}
    assert "latitude" in fields["positions[1].latitude"] and "Position 1" in fields["positions[1].latitude"]
    assert "décalage" in fields["positions[2].recorded_at"] or "ISO 8601" in fields["positions[2].recorded_at"]
    assert stored_count(db, agent.id) == 0  # not even the good first one


def test_a_fix_far_outside_the_territory_or_with_swapped_axes_is_refused(client, db, agent):
    paris = fix((2.3522, 48.8566))
    swapped = fix((CENTRE[1], CENTRE[0]))
    response = post(client, [paris, swapped])
    assert response.status_code == 400
    assert set(response.json["fields"]) == {"positions[0].longitude", "positions[1].longitude"}
    assert "2.3522" in response.json["fields"]["positions[0].longitude"]
    assert stored_count(db, agent.id) == 0


def test_times_in_the_future_or_beyond_the_retention_are_refused(client, agent):
    response = post(client, [fix(minutes_ago=-60), fix(minutes_ago=(RETENTION_DAYS + 1) * 24 * 60)])
    assert response.status_code == 400
    assert set(response.json["fields"]) == {"positions[0].recorded_at", "positions[1].recorded_at"}


def test_an_empty_or_missing_list_is_refused(client, agent):
    assert post(client, []).status_code == 400
    response = client.post(URL, headers={"X-CSRFToken": csrf_token_from(client.get("/").text)}, json={"fix": 1})
    assert response.status_code == 400 and "positions" in response.json["fields"]


def test_only_field_agents_of_an_active_team_post(client, db, switch_to, make_crew):
    switch_to("dispatcher")
    assert post(client, [fix()]).status_code == 403
    loner = switch_to("field_agent")
    response = post(client, [fix()])
    assert response.status_code == 403 and ("équipe" in response.json["message"] or "team" in response.json["message"])
    team = make_crew(members=[loner])
    team.is_active = False
    db.flush()
    assert post(client, [fix()]).status_code == 403
    assert stored_count(db, loner.id) == 0


def test_the_csrf_header_and_a_login_are_needed(client, agent, db):
    assert post(client, [fix()], csrf=False).status_code == 400
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/").text)})
    assert client.post(URL, json={"positions": [fix()]}).status_code in (400, 401)
    assert stored_count(db, agent.id) == 0


def test_an_agent_of_another_team_moves_only_their_own_crew(client, db, switch_to, make_crew):
    first = switch_to("field_agent")
    team_a = make_crew(members=[first])
    post(client, [fix(WEST, minutes_ago=3)])
    second = switch_to("field_agent")
    team_b = make_crew(members=[second])
    post(client, [fix(EAST, minutes_ago=1)])
    stored = dict(db.execute(text("SELECT user_id, team_id FROM crew_positions WHERE user_id IN (:a, :b)"),
                             {"a": first.id, "b": second.id}).all())
    assert stored == {first.id: team_a.id, second.id: team_b.id}
    switch_to("dispatcher")
    crews = {crew["id"]: crew for crew in client.get("/api/v1/dispatch/crews").json["crews"]}
    assert abs(crews[team_a.id]["last_position"]["longitude"] - WEST[0]) < 1e-6
    assert abs(crews[team_b.id]["last_position"]["longitude"] - EAST[0]) < 1e-6
    assert crews[team_b.id]["last_position"]["posted_by"] == second.display_name


def test_old_positions_are_purged_and_the_last_one_stays(db, make_crew, post_fix):
    from tests.dispatch.conftest import NOW

    team = make_crew()
    agent = team.members[0]
    long_ago = NOW - timedelta(days=RETENTION_DAYS + 2)
    post_fix(agent, WEST, at=long_ago, now=long_ago)
    post_fix(agent, EAST, at=long_ago + timedelta(minutes=1), now=long_ago)
    post_fix(agent, CENTRE, at=NOW - timedelta(minutes=5))
    db.execute(text("UPDATE crew_positions SET received_at = recorded_at WHERE user_id = :u"), {"u": agent.id})
    assert purge_old_positions(db, now=NOW, batch=1) == 1  # a batch at a time
    assert purge_old_positions(db, now=NOW) == 1
    assert purge_old_positions(db, now=NOW) == 0  # idempotent
    assert stored_count(db, agent.id) == 1
    assert abs(last_position(db, agent.id).lon - CENTRE[0]) < 1e-6
