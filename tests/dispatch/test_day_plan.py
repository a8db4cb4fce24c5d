"""A crew's day in optimised order (OR-Tools), on crafted days in Dijon (no street network
there: straight-line travel), stored and re-planned when the day changes."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from geoalchemy2.shape import from_shape
from shapely.geometry import Point
from sqlalchemy import text

from app.dispatch.days import crew_day, day_order
from app.dispatch.travel import DETOUR_FACTOR, URBAN_SPEED_M_PER_S
from app.interventions.board import LOCAL_ZONE
from tests.conftest import DIJON_CENTRE, storage_point

DAY = date(2030, 3, 5)  # a Tuesday far from today (today's re-plan starts from now)
KM = 1000 / (URBAN_SPEED_M_PER_S / DETOUR_FACTOR)  # seconds of straight-line travel per km


@pytest.fixture()
def depot(settings):
    return storage_point(settings, *DIJON_CENTRE)


@pytest.fixture()
def team(db, settings, make_team, depot):
    team = make_team()
    team.depot = from_shape(depot, srid=settings.storage_srid)
    db.flush()
    return team


@pytest.fixture()
def job(db, settings, make_intervention, team, depot):
    """job(km_east, priority=3, slot=("13:00", "14:00"), minutes=30): a job of the team on DAY."""

    def make(km_east: float, priority: int = 3, slot: tuple[str, str] | None = None, minutes: int = 30,
             on_team=None):
        item = make_intervention(assets=[], kind="inspection", priority=f"P{priority}", problem=None,
                                 geom=Point(depot.x + 1000 * km_east, depot.y), estimated_minutes=minutes)
        start = time.fromisoformat(slot[0]) if slot else time(8, 0)
        item.team_id = (on_team or team).id
        item.status = "planned"
        item.planned_start = datetime.combine(DAY, start, tzinfo=LOCAL_ZONE)
        item.planned_end = datetime.combine(DAY, time.fromisoformat(slot[1]), tzinfo=LOCAL_ZONE) if slot else None
        item.due_at = None
        db.flush()
        return item

    return make


def test_the_day_starts_and_ends_at_the_depot_in_the_shortest_order(db, team, job):
    # Created (so planned, the naive order) 3 km, 1 km, 4 km, 2 km east of the depot.
    jobs = {km: job(km) for km in (3, 1, 4, 2)}
    plan = crew_day(db, team.id, DAY)
    assert sorted(plan.ids) == sorted(j.id for j in jobs.values())
    assert plan.stops[0].travel_seconds == pytest.approx(1 * KM, rel=1e-6)  # from the depot, to the nearest
    assert plan.travel_seconds == pytest.approx(8 * KM, rel=1e-6)
    assert plan.naive_travel_seconds == pytest.approx((3 + 2 + 3 + 2 + 2) * KM, rel=1e-6)
    assert plan.travel_seconds <= plan.naive_travel_seconds and plan.method == "straight_line"
    # Times: from the shift start (07:30), 30 minutes on site each.
    assert plan.stops[0].arrival == datetime.combine(DAY, time(7, 30), tzinfo=LOCAL_ZONE) + timedelta(seconds=round(KM))
    assert all(b.arrival >= a.departure for a, b in zip(plan.stops, plan.stops[1:]))


def test_urgent_work_comes_first_even_when_it_is_farther(db, team, job):
    near = [job(km) for km in (1, 2, 3)]
    urgent = job(4, priority=1)
    assert crew_day(db, team.id, DAY).ids == [urgent.id, near[2].id, near[1].id, near[0].id]


def test_a_time_slot_is_kept_even_against_priority(db, team, job):
    slot = job(1, slot=("13:00", "14:00"))
    urgent = job(4, priority=1)
    others = [job(km) for km in (2, 3)]
    plan = crew_day(db, team.id, DAY)
    assert plan.ids[0] == urgent.id and set(plan.ids) == {slot.id, urgent.id, *(o.id for o in others)}
    visit = next(stop for stop in plan.stops if stop.id == slot.id)
    assert visit.arrival >= datetime.combine(DAY, time(13, 0), tzinfo=LOCAL_ZONE)
    assert visit.departure <= datetime.combine(DAY, time(14, 0), tzinfo=LOCAL_ZONE) and visit.late_seconds == 0


def test_the_plan_is_stored_and_an_urgent_job_inserted_re_plans_the_day(db, team, job, dispatcher):
    routine = [job(km) for km in (1, 2, 3)]
    first = crew_day(db, team.id, DAY)
    stored = db.execute(text("SELECT fingerprint, computed_at FROM crew_day_plans WHERE team_id = :t AND day = :d"),
                        {"t": team.id, "d": DAY}).one()
    assert crew_day(db, team.id, DAY).computed_at == first.computed_at  # unchanged day: read back, not re-planned
    urgent = job(2.5, priority=1)
    assert day_order(db, dispatcher, team.id, DAY) == [urgent.id, routine[2].id, routine[1].id, routine[0].id]
    again = db.execute(text("SELECT fingerprint, stops FROM crew_day_plans WHERE team_id = :t AND day = :d"),
                       {"t": team.id, "d": DAY}).one()
    assert again.fingerprint != stored.fingerprint and again.stops[0]["id"] == urgent.id


def test_work_already_started_keeps_its_place_when_the_day_is_re_planned(db, team, job):
    far, near = job(3), job(1)
    assert crew_day(db, team.id, DAY).ids == [near.id, far.id]
    far.status = "in_progress"  # the crew went to the far one first after all
    db.flush()
    middle = job(2)
    assert crew_day(db, team.id, DAY).ids == [far.id, middle.id, near.id]


def test_a_day_whose_jobs_are_all_done_still_counts_the_way_back_to_the_depot(db, team, job):
    done = job(3)
    done.status = "completed"
    db.flush()
    plan = crew_day(db, team.id, DAY)
    assert plan.ids == [done.id]
    assert plan.return_travel_seconds == pytest.approx(3 * KM, rel=1e-6)
    assert plan.travel_seconds == pytest.approx(6 * KM, rel=1e-6)


def test_without_a_depot_the_day_starts_at_its_first_stop(db, make_team, job):
    team = make_team()
    jobs = [job(km, on_team=team) for km in (2.5, 1, 4)]
    plan = crew_day(db, team.id, DAY)
    assert plan.depot is None and plan.ids in ([jobs[1].id, jobs[0].id, jobs[2].id], [jobs[2].id, jobs[0].id, jobs[1].id])
    assert plan.stops[0].travel_seconds == 0 and plan.return_travel_seconds == 0
    assert plan.travel_seconds == pytest.approx(3 * KM, rel=1e-6)


def test_day_order_keeps_only_what_the_reader_may_see_and_refuses_an_unknown_team(db, team, job, dispatcher):
    from app.errors import NotFound

    ids = [job(km).id for km in (1, 2)]
    assert day_order(db, dispatcher, team.id, DAY) == ids
    assert day_order(db, dispatcher, team.id, DAY + timedelta(days=1)) == []
    with pytest.raises(NotFound):
        day_order(db, dispatcher, 999_999, DAY)


def test_the_crew_day_page_lists_the_stops_in_order_and_re_optimises(db, client, login_as, team, job):
    from tests.conftest import csrf_token_from

    jobs = [job(km) for km in (3, 1, 2)]
    login_as("dispatcher")
    url = f"/dispatch/teams/{team.id}/days/{DAY.isoformat()}"
    page = client.get(url)
    assert page.status_code == 200
    order = crew_day(db, team.id, DAY).ids
    positions = [page.text.index(f'data-id="{i}"') for i in order]
    assert positions == sorted(positions) and set(order) == {j.id for j in jobs}
    assert 'data-testid="naive"' in page.text and "crew-day-route" in page.text
    before = crew_day(db, team.id, DAY).computed_at
    answer = client.post(url + "/reoptimise", data={"csrf_token": csrf_token_from(page.text)})
    assert answer.status_code == 303 and answer.headers["Location"].endswith(url)
    assert crew_day(db, team.id, DAY).computed_at > before
    assert client.get(f"/dispatch/teams/{team.id}/days/not-a-day").status_code == 404


def test_field_agents_do_not_open_the_dispatch_page(client, login_as, team):
    login_as("field_agent")
    assert client.get(f"/dispatch/teams/{team.id}/days/{DAY.isoformat()}").status_code == 403
