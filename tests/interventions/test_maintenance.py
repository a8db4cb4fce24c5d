"""Preventive maintenance plans: which assets fall due, how they are grouped, and that a
run (in the test transaction, through a real rq worker, from the command line) never
creates a visit twice."""
from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from rq.cron import CronScheduler
from rq.job import JobStatus
from shapely.geometry import LineString
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from app.interventions import services
from app.interventions.maintenance import generate_due_interventions, load_default_maintenance_plans
from app.interventions.models import Intervention, MaintenancePlan
from app.inventory.models import AssetType
from app.queue import PendingJob, enqueue_now
from tests.conftest import DIJON_CENTRE, ROOT, storage_point

PARIS = ZoneInfo("Europe/Paris")
FLAVIGNEROT = (4.9213, 47.2775)  # committed test data lives here, where no other test looks
_names = itertools.count(1)


@pytest.fixture()
def make_plan(db):
    """make_plan("traffic_junction", interval_months=12, ...): a plan; the others are paused."""
    db.execute(update(MaintenancePlan).values(is_active=False))

    def make(type_code: str, **fields) -> MaintenancePlan:
        values = dict(name=f"Test plan {next(_names)}", kind="inspection", interval_months=12, lead_days=30,
                      group_by="asset", priority=4, estimated_minutes_per_asset=15, starts_on=date(2026, 1, 1))
        values.update(fields)
        plan = MaintenancePlan(asset_type_id=db.scalar(select(AssetType.id).where(AssetType.code == type_code)),
                               **values)
        db.add(plan)
        db.flush()
        return plan

    return make


def near(dx: float, dy: float = 0.0, origin=DIJON_CENTRE) -> tuple[float, float]:
    return origin[0] + dx, origin[1] + dy


def junction(make_asset, dx: float, **properties):
    return make_asset("traffic_junction", near(dx), {"connected": True, **properties})


def luminaire(make_asset, dx: float, model: str = "Iridium SON-T", **properties):
    return make_asset("luminaire", near(dx, 0.0003), {"lamp_technology": "hps", "power_w": 150, "model": model,
                                                      **properties})


def visits(db, plan) -> list[Intervention]:
    return list(db.scalars(select(Intervention).where(Intervention.plan_id == plan.id).order_by(Intervention.id)))


def asset_sets(items: list[Intervention]) -> set[frozenset[int]]:
    return {frozenset(a.id for a in item.assets) for item in items}


REPORT = {"action_taken": "Contrôle fait", "time_spent_minutes": 30, "outcome": "no_change"}


def close(db, dispatcher, team, item, on: datetime):
    """Do the visit and close it on ``on``."""
    steps = (("assigned", {"team_id": team.id}), ("in_progress", None), ("completed", REPORT), ("closed", None))
    for target, details in steps:
        services.perform_transition(db, dispatcher, item.id, item.version, target, None, details, now=on)


def test_assets_due_within_the_lead_time_get_a_visit_due_on_its_date_and_the_others_wait(db, make_plan, make_asset):
    plan = make_plan("traffic_junction", interval_months=12, lead_days=30, priority=3, estimated_minutes_per_asset=90,
                     starts_on=date(2026, 1, 1))
    soon = junction(make_asset, 0.000, installed_on="2020-02-10")  # anniversary 2026-02-10: inside 30 days
    later = junction(make_asset, 0.001, installed_on="2020-06-10")  # 2026-06-10: outside
    unknown = junction(make_asset, 0.002)  # no installation date: due when the plan starts

    summary = generate_due_interventions(db, date(2026, 1, 20))

    made = visits(db, plan)
    assert asset_sets(made) == {frozenset({soon.id}), frozenset({unknown.id})}
    assert later.id not in {a.id for item in made for a in item.assets}
    by_asset = {item.assets[0].id: item for item in made}
    item = by_asset[soon.id]
    assert (item.kind, item.priority, item.status, item.estimated_minutes) == ("inspection", 3, "new", 90)
    assert (item.plan_group, item.plan_due_on) == (f"asset:{soon.id}", date(2026, 2, 10))
    assert item.due_at == datetime(2026, 2, 10, 23, 59, 59, tzinfo=PARIS) and item.sla_rule_id is None
    assert plan.name in item.description and soon.reference in item.description
    assert item.created_by_id is None and item.commune_id == soon.commune_id
    assert item.checklist and all(task["done"] is False for task in item.checklist)
    assert by_asset[unknown.id].plan_due_on == date(2026, 1, 1)
    assert sorted(v.reference for v in summary.created) == sorted(i.reference for i in made)
    assert summary.deferred_assets == 0 and summary.failures == []


def test_lights_are_grouped_per_circuit_luminaires_too_and_lone_ones_per_commune(db, settings, make_plan, make_asset,
                                                                                 editor):
    from app.inventory.services import create_asset

    cabinet = make_asset("lighting_cabinet", near(0.0))
    circuits = [create_asset(db, editor, "lighting_circuit",
                             LineString([storage_point(settings, *near(0.001 * k)),
                                         storage_point(settings, *near(0.001 * k + 0.0008))]),
                             settings.storage_srid, {"circuit_number": k + 1, "parent_id": cabinet.id})
                for k in range(2)]
    masts = {circuit.id: [make_asset("street_light", near(0.001 * k + 0.0002 * n),
                                     {"height_m": 8, "parent_id": circuit.id}) for n in range(3 - k)]
             for k, circuit in enumerate(circuits)}
    lone = make_asset("street_light", near(0.004), {"height_m": 6})
    lamps = {circuit_id: [luminaire(make_asset, 0.0, parent_id=mast.id) for mast in circuit_masts]
             for circuit_id, circuit_masts in masts.items()}
    mast_plan = make_plan("street_light", group_by="parent", estimated_minutes_per_asset=10)
    lamp_plan = make_plan("luminaire", group_by="parent", kind="preventive")

    generate_due_interventions(db, date(2026, 1, 1))

    by_group = {item.plan_group: item for item in visits(db, mast_plan)}
    assert set(by_group) == {f"parent:{c.id}" for c in circuits} | {f"commune:{lone.commune_id}"}
    for circuit in circuits:
        item = by_group[f"parent:{circuit.id}"]
        assert {a.id for a in item.assets} == {m.id for m in masts[circuit.id]}
        assert item.estimated_minutes == 10 * len(masts[circuit.id]) and circuit.reference in item.description
    # The commune's group holds the lone light (and any street light other tests committed there).
    in_commune = {a.id for a in by_group[f"commune:{lone.commune_id}"].assets}
    assert lone.id in in_commune and not in_commune & {m.id for group in masts.values() for m in group}
    assert asset_sets(visits(db, lamp_plan)) == {frozenset(a.id for a in group) for group in lamps.values()}


def test_a_group_visit_takes_along_the_assets_that_would_fall_due_before_its_next_visit(
        db, make_plan, make_asset, dispatcher, make_team):
    plan = make_plan("traffic_junction", group_by="commune", interval_months=12, lead_days=30)
    installed = ("2020-01-10", "2020-06-01", "2020-12-20", "2026-03-01")  # due 2026-01-10, -06-01, -12-20, 2027-03-01
    first, second, third, recent = (junction(make_asset, 0.001 * k, installed_on=day)
                                    for k, day in enumerate(installed))

    [visit] = generate_due_interventions(db, date(2026, 1, 1)).created
    item = visits(db, plan)[0]
    close(db, dispatcher, make_team(), item, on=datetime(2026, 1, 12, 9, 0, tzinfo=timezone.utc))
    [next_visit] = generate_due_interventions(db, date(2026, 12, 20)).created  # all due 2027-01-12 now

    assert (visit.due_on, {a.id for a in item.assets}) == (date(2026, 1, 10), {first.id, second.id, third.id})
    assert (next_visit.due_on, {a.id for a in visits(db, plan)[1].assets}) == (
        date(2027, 1, 12), {first.id, second.id, third.id, recent.id})


def test_running_twice_creates_nothing_the_second_time(db, make_plan, make_asset):
    plan = make_plan("traffic_junction", group_by="commune")
    for dx in (0.0, 0.001, 0.002):
        junction(make_asset, dx)
    first = generate_due_interventions(db, date(2026, 1, 1))
    count = db.scalar(select(func.count()).select_from(Intervention).where(Intervention.plan_id == plan.id))

    second = generate_due_interventions(db, date(2026, 1, 1))
    later_that_month = generate_due_interventions(db, date(2026, 1, 25))

    assert len(first.created) == count == 1 and len(visits(db, plan)[0].assets) == 3
    assert second.created == [] and later_that_month.created == []
    assert db.scalar(select(func.count()).select_from(Intervention).where(Intervention.plan_id == plan.id)) == count


def test_after_the_visit_is_closed_the_next_one_comes_when_its_date_enters_the_lead_time(
        db, make_plan, make_asset, dispatcher, make_team):
    plan = make_plan("traffic_junction", interval_months=12, lead_days=30)
    asset = junction(make_asset, 0.0)
    [first] = generate_due_interventions(db, date(2026, 1, 1)).created
    close(db, dispatcher, make_team(), visits(db, plan)[0], on=datetime(2026, 2, 15, 9, 0, tzinfo=timezone.utc))

    assert generate_due_interventions(db, date(2026, 3, 1)).created == []
    assert generate_due_interventions(db, date(2027, 1, 15)).created == []  # due 2027-02-15: 31 days ahead
    [second] = generate_due_interventions(db, date(2027, 1, 16)).created

    assert (first.due_on, second.due_on) == (date(2026, 1, 1), date(2027, 2, 15))
    assert [a.id for a in visits(db, plan)[1].assets] == [asset.id]


def test_a_cancelled_visit_skips_its_occurrence(db, make_plan, make_asset, dispatcher):
    plan = make_plan("traffic_junction", interval_months=6, lead_days=10)
    junction(make_asset, 0.0)
    generate_due_interventions(db, date(2026, 1, 1))
    cancelled = visits(db, plan)[0]
    services.perform_transition(db, dispatcher, cancelled.id, cancelled.version, "cancelled", "Chantier voisin")

    assert generate_due_interventions(db, date(2026, 1, 2)).created == []
    [next_one] = generate_due_interventions(db, date(2026, 6, 25)).created
    assert next_one.due_on == date(2026, 7, 1)


def test_an_asset_joining_a_group_after_its_visit_was_made_waits_for_that_date_then_gets_its_own(
        db, make_plan, make_asset):
    plan = make_plan("traffic_junction", group_by="commune", starts_on=date(2026, 2, 1))
    junction(make_asset, 0.0)
    generate_due_interventions(db, date(2026, 1, 10))
    newcomer = junction(make_asset, 0.001)  # same commune, same due date (the plan's start)

    waiting = generate_due_interventions(db, date(2026, 1, 11))
    after = generate_due_interventions(db, date(2026, 2, 3))

    assert waiting.created == [] and waiting.deferred_assets == 1
    assert [(v.due_on, v.asset_count) for v in after.created] == [(date(2026, 2, 3), 1)]
    assert [a.id for a in visits(db, plan)[-1].assets] == [newcomer.id]


def test_only_assets_of_the_plan_model_are_visited(db, make_plan, make_asset):
    plan = make_plan("luminaire", model="Iridium SON-T", kind="preventive", group_by="commune")
    wanted = [luminaire(make_asset, dx) for dx in (0.0, 0.001)]
    luminaire(make_asset, 0.002, model="Teceo", lamp_technology="led")
    luminaire(make_asset, 0.003, model=None)

    generate_due_interventions(db, date(2026, 1, 1))

    assert asset_sets(visits(db, plan)) == {frozenset(a.id for a in wanted)}


def test_decommissioned_and_planned_assets_are_not_visited(db, settings, make_plan, make_asset, editor):
    from app.inventory.services import decommission_asset

    plan = make_plan("traffic_junction", group_by="commune")
    kept = junction(make_asset, 0.0)
    gone = junction(make_asset, 0.001)
    junction(make_asset, 0.002, status="planned")
    decommission_asset(db, editor, gone.id, None, settings.storage_srid, "Carrefour supprimé")

    generate_due_interventions(db, date(2026, 1, 1))

    assert asset_sets(visits(db, plan)) == {frozenset({kept.id})}


def test_a_refused_group_is_reported_and_the_others_are_made(db, make_plan, make_asset):
    too_long = make_plan("traffic_junction", group_by="commune", estimated_minutes_per_asset=60_000)
    fine = make_plan("traffic_junction", group_by="asset")
    first, _ = junction(make_asset, 0.0), junction(make_asset, 0.001)

    summary = generate_due_interventions(db, date(2026, 1, 1))

    assert visits(db, too_long) == [] and len(visits(db, fine)) == 2
    assert [(f["plan"], f["group"]) for f in summary.failures] == [(too_long.name, f"commune:{first.commune_id}")]
    assert "estimated_minutes" in summary.failures[0]["message"]


def test_the_default_plans_load_once_on_the_demo_types(db):
    db.execute(delete(MaintenancePlan))
    added = load_default_maintenance_plans(db, date(2026, 12, 1))
    again = load_default_maintenance_plans(db, date(2026, 12, 1))

    assert len(added) >= 5 and again == []
    assert {p.group_by for p in added} == {"asset", "parent", "commune"}
    assert all(p.starts_on == date(2026, 12, 1) and p.is_active for p in added)
    relamping = next(p for p in added if p.model)
    assert (relamping.asset_type.code, relamping.model, relamping.interval_months) == ("luminaire", "Iridium SON-T", 48)


# --- committed data: the job in a real rq worker, the command line, the cron process -----------

@pytest.fixture()
def committed_plan(engine, settings):
    """A plan with two defibrillators of a model of its own, committed; its visits are
    deleted after the test. Its dates lie in 2001, before any other plan starts."""
    from app.auth.models import User
    from app.inventory.services import create_asset

    name = f"Worker test plan {os.getpid()}-{next(_names)}"
    with Session(engine) as session:
        manager = session.scalars(select(User).where(User.login == "manager")).one()
        assets = [create_asset(session, manager, "defibrillator",
                               storage_point(settings, *near(0.0003 * k, 0, FLAVIGNEROT)),
                               settings.storage_srid, {"model": name}) for k in range(2)]
        plan = MaintenancePlan(name=name, asset_type_id=assets[0].type_id, model=name, kind="preventive",
                               interval_months=12, lead_days=30, group_by="commune", priority=4,
                               estimated_minutes_per_asset=20, starts_on=date(2001, 1, 1))
        session.add(plan)
        session.commit()
        plan_id, asset_ids = plan.id, sorted(a.id for a in assets)
    yield plan_id, asset_ids
    with Session(engine) as session:
        session.execute(delete(Intervention).where(Intervention.plan_id == plan_id))
        session.execute(delete(MaintenancePlan).where(MaintenancePlan.id == plan_id))
        session.commit()


def _finished(job, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while job.get_status() not in (JobStatus.FINISHED, JobStatus.FAILED):
        assert time.monotonic() < deadline, f"job still {job.get_status()}"
        time.sleep(0.1)
    assert job.get_status() == JobStatus.FINISHED, job.latest_result().exc_string
    return job.return_value()


def test_the_job_runs_in_a_real_worker_commits_its_visits_and_makes_them_once(rq_worker, redis, engine,
                                                                              committed_plan):
    plan_id, asset_ids = committed_plan
    job = PendingJob("app.jobs.maintenance.generate_preventive_interventions", ("2001-01-10",), retries=0, timeout=300)

    first = _finished(enqueue_now(redis, job))
    second = _finished(enqueue_now(redis, job))

    with Session(engine) as session:
        made = list(session.scalars(select(Intervention).where(Intervention.plan_id == plan_id)))
        assert [(i.reference, i.plan_due_on, sorted(a.id for a in i.assets)) for i in made] == [
            (first["created"][0]["reference"], date(2001, 1, 1), asset_ids)]
    assert first["today"] == "2001-01-10" and [v["assets"] for v in first["created"]] == [2]
    assert second["created"] == [] and second["failures"] == []


def test_two_runs_at_once_wait_for_each_other_and_the_second_makes_nothing(engine, committed_plan):
    outcome = {}

    def second_run():
        with Session(engine) as second:
            outcome["second"] = generate_due_interventions(second, date(2001, 1, 10))
            second.commit()

    with Session(engine) as first:
        made = generate_due_interventions(first, date(2001, 1, 10))
        runner = threading.Thread(target=second_run)
        runner.start()
        runner.join(1.0)
        assert runner.is_alive()  # it waits for the first run's lock
        first.commit()
    runner.join(30)

    assert len(made.created) == 1 and outcome["second"].created == []


def test_the_command_line_prints_what_it_created(engine, committed_plan):
    from app.cli import cli

    first = CliRunner().invoke(cli, ["run-maintenance-plans", "--today", "2001-01-10"])
    again = CliRunner().invoke(cli, ["run-maintenance-plans", "--today", "2001-01-10"])
    refused = CliRunner().invoke(cli, ["run-maintenance-plans", "--today", "10/01/2001"])

    with Session(engine) as session:
        reference = session.scalar(select(Intervention.reference).where(Intervention.plan_id == committed_plan[0]))
    assert first.exit_code == 0, first.output
    assert reference in first.output and "due 2001-01-01" in first.output and "2 assets" in first.output
    assert "1 intervention created as of 2001-01-10." in first.output
    assert again.exit_code == 0 and "0 interventions created" in again.output
    assert refused.exit_code != 0 and "--today" in refused.output


def test_the_cron_process_schedules_the_job_every_night_at_half_past_two_territory_time(redis):
    process = subprocess.Popen([sys.executable, "-m", "app.cron"], env={**os.environ, "TZ": "UTC"}, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not (mine := [s for s in CronScheduler.all(redis) if s.pid == process.pid]):
            assert process.poll() is None and time.monotonic() < deadline, "vigie-cron did not start"
            time.sleep(0.2)
        [nightly] = [j for j in mine[0].get_jobs()
                     if j.func_name == "app.jobs.maintenance.generate_preventive_interventions"]
        assert nightly.queue_name == "vigie" and nightly.cron == "30 2 * * *"
        local = nightly.next_enqueue_time.astimezone(PARIS)
        assert (local.hour, local.minute) == (2, 30)
        assert timedelta(0) < nightly.next_enqueue_time - datetime.now(timezone.utc) <= timedelta(days=1)
    finally:
        process.terminate()
        process.wait(timeout=30)
