"""Suggest a crew: teams lacking the trade or not serving the commune are left out with
why; the others are ranked by travel time (from a fresh position, else the depot, via
app.dispatch.travel), working hours, today's load and whether they are busy; the API
serves the ranking and the dispatcher assigns in one call (optimistic locking kept)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.dispatch.ranking import FRESH_POSITION, suggest_crews
from app.dispatch.travel import DETOUR_FACTOR
from app.interventions import services
from tests.conftest import csrf_token_from, storage_point
from tests.dispatch.conftest import CENTRE, EAST, FAR_EAST, NOW, WEST


def ranking(db, actor, item):
    return suggest_crews(db, actor, item.id, NOW)


def ranked_ids(result, teams) -> list[int]:
    """The order of ``teams`` in the ranking (other crews of the database left aside)."""
    mine = {team.id for team in teams}
    return [s.team_id for s in result.ranked if s.team_id in mine]


def suggestion(result, team):
    return next(s for s in [*result.ranked, *result.excluded] if s.team_id == team.id)


def codes(s) -> dict:
    return {reason.code: reason for reason in s.reasons}


@pytest.fixture()
def light_at_centre(make_asset, make_intervention):
    """An out-of-order street light at the Place de la Libération (Dijon)."""
    return make_intervention(assets=[make_asset("street_light", lonlat=CENTRE, properties={"height_m": 8})])


def test_a_crew_lacking_the_trade_is_left_out_with_why(db, dispatcher, make_crew, light_at_centre):
    lighting = make_crew(skills=["street_lighting"], depot=EAST)
    furniture = make_crew(skills=["street_furniture", "green_spaces"], depot=CENTRE)
    result = ranking(db, dispatcher, light_at_centre)
    assert result.skills_needed == ["street_lighting"]
    assert ranked_ids(result, [lighting, furniture]) == [lighting.id]
    left_out = suggestion(result, furniture)
    assert left_out.score is None and codes(left_out)["lacks_trade"].values == {"skills": ["street_lighting"]}
    assert codes(suggestion(result, lighting))["has_trade"].values == {"skills": ["street_lighting"]}


def test_work_needing_no_trade_goes_to_any_crew(db, dispatcher, make_crew, make_intervention, settings):
    place = make_intervention(assets=[], kind="inspection", problem=None,
                              geom=storage_point(settings, *CENTRE))
    crews = [make_crew(skills=[], depot=EAST), make_crew(skills=["cctv"], depot=FAR_EAST)]
    result = ranking(db, dispatcher, place)
    assert result.skills_needed == [] and ranked_ids(result, crews) == [crews[0].id, crews[1].id]
    assert "any_trade" in codes(suggestion(result, crews[1]))


def test_a_crew_not_serving_the_commune_is_left_out(db, dispatcher, make_crew, light_at_centre):
    talant_only = make_crew(communes=["21617"], depot=CENTRE)
    dijon_and_talant = make_crew(communes=["21231", "21617"], depot=FAR_EAST)
    everywhere = make_crew(communes=[], depot=FAR_EAST)
    result = ranking(db, dispatcher, light_at_centre)
    assert set(ranked_ids(result, [talant_only, dijon_and_talant, everywhere])) == {dijon_and_talant.id, everywhere.id}
    assert "commune_not_served" in codes(suggestion(result, talant_only))


def test_the_nearer_crew_ranks_first_by_travel_time(db, dispatcher, make_crew, post_fix, light_at_centre, settings):
    far, near = make_crew(depot=WEST), make_crew(depot=WEST)
    post_fix(far.members[0], FAR_EAST, at=NOW - timedelta(minutes=3))
    post_fix(near.members[0], EAST, at=NOW - timedelta(minutes=3))
    result = ranking(db, dispatcher, light_at_centre)
    assert ranked_ids(result, [far, near]) == [near.id, far.id]
    travel = codes(suggestion(result, near))["travel_from_position"]
    assert travel.values["method"] == "straight_line"
    straight = storage_point(settings, *EAST).distance(storage_point(settings, *CENTRE))
    assert suggestion(result, near).travel.metres == pytest.approx(straight * DETOUR_FACTOR, rel=1e-3)
    assert suggestion(result, near).score > suggestion(result, far).score


def test_a_busy_crew_ranks_below_an_idle_one_at_the_same_place(
        db, dispatcher, make_crew, post_fix, make_intervention, light_at_centre):
    busy, idle = make_crew(), make_crew()
    for team in (busy, idle):
        post_fix(team.members[0], EAST, at=NOW - timedelta(minutes=2))
    job = make_intervention()
    services.perform_transition(db, dispatcher, job.id, job.version, "assigned", None,
                                {"team_id": busy.id, "planned_start": (NOW - timedelta(hours=1)).isoformat()}, now=NOW)
    services.perform_transition(db, dispatcher, job.id, job.version, "in_progress", now=NOW)
    result = ranking(db, dispatcher, light_at_centre)
    assert ranked_ids(result, [busy, idle]) == [idle.id, busy.id]
    assert "busy" in codes(suggestion(result, busy)) and "busy" not in codes(suggestion(result, idle))


def test_a_crew_whose_day_is_full_ranks_lower(db, dispatcher, make_crew, post_fix, make_intervention, make_asset,
                                              light_at_centre):
    full, free = make_crew(capacity=7), make_crew(capacity=7)
    for team in (full, free):
        post_fix(team.members[0], EAST, at=NOW - timedelta(minutes=2))
    for hour in (8, 11, 14):
        job = make_intervention(estimated_minutes=150)
        start = NOW.replace(hour=hour - 1)  # UTC: 8, 11 and 14 h in Dijon today
        services.perform_transition(db, dispatcher, job.id, job.version, "planned", None,
                                    {"team_id": full.id, "planned_start": start.isoformat()}, now=NOW)
    result = ranking(db, dispatcher, light_at_centre)
    assert ranked_ids(result, [full, free]) == [free.id, full.id]
    over = codes(suggestion(result, full))["over_capacity"]
    assert over.values["planned_hours"] == 7.5 and over.values["capacity_hours"] == 7.0
    assert codes(suggestion(result, free))["load"].values["planned_hours"] == 0


def test_a_stale_position_falls_back_to_the_depot(db, dispatcher, make_crew, post_fix, light_at_centre, settings):
    team = make_crew(depot=FAR_EAST)
    post_fix(team.members[0], CENTRE, at=NOW - FRESH_POSITION - timedelta(minutes=1))  # on the spot, but long ago
    s = suggestion(ranking(db, dispatcher, light_at_centre), team)
    assert "travel_from_depot" in codes(s) and "travel_from_position" not in codes(s)
    depot_distance = storage_point(settings, *FAR_EAST).distance(storage_point(settings, *CENTRE))
    assert s.travel.metres == pytest.approx(depot_distance * DETOUR_FACTOR, rel=1e-3)
    # Fresh again: from the position (right there).
    post_fix(team.members[0], CENTRE, at=NOW - timedelta(minutes=1))
    s = suggestion(ranking(db, dispatcher, light_at_centre), team)
    assert "travel_from_position" in codes(s) and s.travel.metres < 50


def test_without_position_nor_depot_travel_is_unknown(db, dispatcher, make_crew, light_at_centre):
    team = make_crew()
    s = suggestion(ranking(db, dispatcher, light_at_centre), team)
    assert "travel_unknown" in codes(s) and s.travel is None and s.score is not None


def test_a_crew_off_duty_ranks_below_one_on_duty(db, dispatcher, make_crew, light_at_centre):
    weekend = make_crew(depot=EAST, working_days=[6, 7])  # NOW is a Wednesday
    weekday = make_crew(depot=FAR_EAST)
    result = ranking(db, dispatcher, light_at_centre)
    assert ranked_ids(result, [weekend, weekday]) == [weekday.id, weekend.id]
    assert "off_duty" in codes(suggestion(result, weekend)) and "on_duty" in codes(suggestion(result, weekday))


def test_the_api_ranks_with_reasons_and_the_dispatcher_assigns_in_one_call(
        client, db, login_as, make_crew, light_at_centre, switch_to):
    login_as("dispatcher")
    lighting, furniture = make_crew(depot=EAST), make_crew(skills=["street_furniture"], depot=EAST)
    url = f"/api/v1/interventions/{light_at_centre.id}/crew-suggestions"
    body = client.get(url).json
    assert body["intervention"]["can_assign"] is True and body["intervention"]["skills_needed"] == ["street_lighting"]
    mine = next(s for s in body["ranked"] if s["team_id"] == lighting.id)
    assert mine["travel"]["method"] == "straight_line"
    assert mine["travel"]["method_label"] in ("à vol d'oiseau", "as the crow flies")  # French once translated
    assert {"has_trade", "travel_from_depot", "load"} <= {r["code"] for r in mine["reasons"]}
    assert all(r["text"] and r["text"] != r["code"] for r in mine["reasons"])
    assert any(s["team_id"] == furniture.id for s in body["excluded"])
    # Assign through the workflow: with the version read, then again with that stale version.
    token = {"X-CSRFToken": csrf_token_from(client.get("/").text)}
    transition = f"/api/v1/interventions/{light_at_centre.id}/transitions"
    version = body["intervention"]["version"]
    done = client.post(transition, headers=token, json={"to": "assigned", "team_id": lighting.id, "version": version})
    assert done.status_code == 200 and done.json["properties"]["status"] == "assigned"
    stale = client.post(transition, headers=token, json={"to": "assigned", "team_id": lighting.id, "version": version})
    assert stale.status_code == 409
    assert client.get(url).json["intervention"]["can_assign"] is False
    switch_to("field_agent")
    assert client.get(url).status_code == 403


def test_every_reason_reads_as_a_sentence_in_both_languages(app):
    from flask_babel import force_locale

    from app.dispatch.labels import reason_text
    from app.dispatch.ranking import Reason

    travel = {"minutes": 7, "km": 2.5, "method": "network"}
    load = {"planned_hours": 3.5, "capacity_hours": 7.0, "percent": 64}
    reasons = [Reason("lacks_trade", {"skills": ["cctv"]}), Reason("commune_not_served"),
               Reason("has_trade", {"skills": ["street_lighting"]}), Reason("any_trade"),
               Reason("travel_from_position", travel), Reason("travel_from_depot", travel), Reason("travel_unknown"),
               Reason("on_duty", {"start": "07:30", "end": "16:00"}), Reason("off_duty", {"start": "07:30", "end": "16:00"}),
               Reason("load", load), Reason("over_capacity", load), Reason("busy")]
    with app.test_request_context():
        for language in ("en", "fr"):
            with force_locale(language):
                texts = [reason_text(reason) for reason in reasons]
                assert all(text and text != reason.code for text, reason in zip(texts, reasons)), texts
        with force_locale("en"):
            assert reason_text(reasons[4]) == "7 min away from its last position (2.5 km, street network)"
            assert reason_text(reasons[9]) == "Today: 3.5 h planned of 7 h (64 % with this one)"
