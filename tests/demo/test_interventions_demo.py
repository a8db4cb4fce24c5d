"""The demo's teams and interventions: plausible volumes, a live backlog in every status,
timelines that follow the workflow, history rows that keep the registry's story
consistent, references that the app numbers on from, and the same output from the same
seed.

One inventory is generated at a small scale in a transaction of this module (rolled back
at the end), then the interventions as of a fixed ``NOW``; the determinism runs happen
first, each in a savepoint rolled back.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.roles import Permission
from app.auth.services import users_still_on_password
from app.demo.dijon import DEMO_PASSWORD
from app.demo.interventions import load_demo_interventions
from app.demo.interventions.backlog import MINIMUM_AT_RISK, MINIMUM_BY_STATUS
from app.demo.interventions.crews import CREW_ACCOUNTS, TEAMS, ensure_crews
from app.demo.inventory import DEFAULT_SEED, generate_inventory
from app.interventions import services, workflow
from app.interventions.models import OPEN_STATUSES, SlaRule
from app.interventions.sla import sla_due

SCALE = 0.05
NOW = datetime(2026, 11, 18, 10, 15, tzinfo=timezone.utc)  # a Wednesday, three weeks after the inventory's last day
PARIS = ZoneInfo("Europe/Paris")
BACKLOG = (*OPEN_STATUSES, "completed")  # what the dispatchers still have to deal with
OUTCOME_CHANGES = {"back_in_service": "repaired", "replaced": "replaced", "decommissioned": "decommissioned"}


@dataclass
class Demo:
    session: Session
    counts: dict[str, int]
    digests: dict[str, list]


def digest(session: Session) -> list:
    """The generated interventions (without their ids) and the assets' resulting state."""
    interventions = rows(session, """
        SELECT i.reference, i.status, i.kind, i.priority, i.problem, i.reported_at, i.due_at, t.name, i.planned_start,
               i.outcome, (SELECT array_agg(asset_id ORDER BY asset_id) FROM intervention_assets
                           WHERE intervention_id = i.id),
               (SELECT array_agg(coalesce(e.to_status, '-') || e.at::text || e.actor_id ORDER BY e.at, e.id)
                FROM intervention_events e WHERE e.intervention_id = i.id)
        FROM interventions i LEFT JOIN teams t ON t.id = i.team_id ORDER BY i.reference""")
    return interventions + rows(session, "SELECT id, status, version, installed_on FROM assets ORDER BY id")


@pytest.fixture(scope="module")
def demo(engine, settings):
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    # Whatever other tests committed is set aside (rolled back at the end).
    session.execute(text("TRUNCATE interventions, asset_history, assets, reference_counters CASCADE"))
    generate_inventory(session, settings.storage_srid, scale=SCALE)
    ensure_crews(session)  # once: hashing the crews' passwords is slow on purpose
    digests = {}
    for label, seed in (("first", DEFAULT_SEED), ("again", DEFAULT_SEED), ("other seed", 7)):
        savepoint = session.begin_nested()
        load_demo_interventions(session, NOW, seed)
        digests[label] = digest(session)
        savepoint.rollback()
    counts = load_demo_interventions(session, NOW)
    yield Demo(session, counts, digests)
    session.close()
    transaction.rollback()
    connection.close()


def rows(session: Session, sql: str, **params) -> list:
    return session.execute(text(sql), params).all()


def test_the_same_seed_gives_the_same_interventions(demo):
    assert demo.digests["first"] == demo.digests["again"]
    assert len(demo.digests["first"]) > 100
    assert demo.digests["other seed"] != demo.digests["first"]


def test_volumes_are_a_few_thousand_at_demo_scale(demo):
    # The work done in two years grows with the inventory: about 5,000 at the demo's scale
    # (a small inventory has a few more: its catch-up rounds are smaller).
    done = demo.counts["closed"] + demo.counts["cancelled"]
    assert 4_000 < done / SCALE < 6_500
    assert 0 < demo.counts["cancelled"] / done < 0.08
    stored = dict(rows(demo.session, "SELECT status, count(*) FROM interventions GROUP BY 1"))
    assert stored == demo.counts
    assert load_demo_interventions(demo.session, NOW) is None  # only fills a registry without interventions


def test_the_backlog_has_every_status_overdue_and_at_risk_work(demo):
    backlog = {status: n for status, n in demo.counts.items() if status in BACKLOG}
    assert sum(MINIMUM_BY_STATUS.values()) <= sum(backlog.values()) <= 200
    assert all(backlog.get(status, 0) >= minimum for status, minimum in MINIMUM_BY_STATUS.items()), backlog
    overdue, at_risk = rows(demo.session, """
        SELECT count(*) FILTER (WHERE due_at < :now),
               count(*) FILTER (WHERE due_at >= :now AND :now >= due_at - (due_at - reported_at) / 4)
        FROM interventions WHERE status = ANY(:open)""", now=NOW, open=list(OPEN_STATUSES))[0]
    assert overdue > 0 and at_risk >= MINIMUM_AT_RISK
    coming = rows(demo.session, """
        SELECT DISTINCT team_id, planned_start FROM interventions
        WHERE status IN ('planned', 'assigned') AND planned_start >= :now""", now=NOW)
    assert len({team for team, _ in coming}) >= 4
    assert len({start.astimezone(PARIS).date() for _, start in coming}) >= 3


def test_priorities_kinds_and_report_hours_are_plausible(demo):
    session = demo.session
    priorities = dict(rows(session, "SELECT priority, count(*) FROM interventions GROUP BY 1"))
    assert 0 < priorities.get(1, 0) < 0.03 * sum(priorities.values())
    assert priorities[3] > priorities[2]
    kinds = dict(rows(session, "SELECT kind, count(*) FROM interventions GROUP BY 1"))
    assert {"corrective", "preventive", "inspection"} <= set(kinds) and kinds["corrective"] > sum(kinds.values()) / 2
    hours = [reported.astimezone(PARIS).hour for (reported,) in rows(session, "SELECT reported_at FROM interventions")]
    assert sum(7 <= hour < 19 for hour in hours) > 0.7 * len(hours)
    first, last = rows(session, "SELECT min(reported_at), max(reported_at) FROM interventions")[0]
    assert NOW - timedelta(days=731) < first < NOW - timedelta(days=700) and NOW - timedelta(hours=2) < last <= NOW


def test_routine_visits_of_types_with_a_maintenance_plan_are_the_plans(demo):
    session = demo.session
    visits = rows(session, """
        SELECT p.name, p.kind, i.kind AS visit_kind, p.interval_months, t.code, i.plan_group, i.plan_due_on,
               i.status, i.completed_at, (SELECT array_agg(a.type_id) FROM intervention_assets ia
                                          JOIN assets a ON a.id = ia.asset_id WHERE ia.intervention_id = i.id) AS types
        FROM interventions i JOIN maintenance_plans p ON p.id = i.plan_id
        JOIN asset_types t ON t.id = p.asset_type_id""")
    assert {visit.code for visit in visits} >= {"traffic_junction", "defibrillator", "bollard", "cctv_camera"}
    type_ids = dict(rows(session, "SELECT code, id FROM asset_types"))
    for visit in visits:
        assert visit.visit_kind == visit.kind and set(visit.types) == {type_ids[visit.code]}, visit
        assert re.fullmatch(r"(asset|commune):\d+", visit.plan_group), visit
    # Each group is visited about once an interval: its last visit is recent enough for the plan.
    last = {}
    for visit in visits:
        if visit.completed_at:
            last[visit.plan_group] = max(last.get(visit.plan_group, visit.completed_at), visit.completed_at)
    interval = {visit.plan_group: visit.interval_months for visit in visits}
    assert last and all(NOW - done < timedelta(days=31 * interval[group] + 31) for group, done in last.items())
    # No routine visit of those types outside the plans.
    assert rows(session, """
        SELECT count(*) FROM interventions i JOIN intervention_assets ia ON ia.intervention_id = i.id
        JOIN assets a ON a.id = ia.asset_id JOIN maintenance_plans p ON p.asset_type_id = a.type_id
        WHERE i.kind <> 'corrective' AND i.plan_id IS NULL AND p.is_active AND p.model IS NULL""")[0][0] == 0


def test_teams_and_crews(demo):
    session = demo.session
    teams = rows(session, """
        SELECT t.name, t.daily_capacity_hours, array_agg(u.login ORDER BY u.login), array_agg(DISTINCT u.role)
        FROM teams t JOIN team_members m ON m.team_id = t.id JOIN users u ON u.id = m.user_id GROUP BY 1, 2""")
    assert {team.name for team in teams} == {spec.name for spec in TEAMS} and len(teams) == 7
    assert all(team.daily_capacity_hours > 0 and team[3] == ["field_agent"] for team in teams)
    assert "agent" in next(team[2] for team in teams if team.name == "Éclairage Nord")
    # The crews' accounts never accept the public demo password.
    assert users_still_on_password(session, [account.login for account in CREW_ACCOUNTS], DEMO_PASSWORD) == []


def test_crews_have_trades_a_depot_in_dijon_hours_and_a_position_near_their_work(demo):
    session = demo.session
    teams = {row.name: row for row in rows(session, """
        SELECT t.name, t.skills, t.vehicle, t.shift_start, t.shift_end, c.insee AS depot_insee,
               (SELECT min(ST_Distance(l.geom, ST_PointOnSurface(i.geom)))
                FROM team_members m JOIN crew_last_positions l ON l.user_id = m.user_id
                JOIN interventions i ON i.team_id = t.id AND i.status IN ('in_progress', 'assigned')
                WHERE m.team_id = t.id) AS metres_from_work,
               (SELECT max(l.recorded_at) FROM team_members m JOIN crew_last_positions l ON l.user_id = m.user_id
                WHERE m.team_id = t.id) AS seen_at
        FROM teams t LEFT JOIN communes c ON ST_Contains(c.geom, t.depot)""")}
    for spec in TEAMS:
        team = teams[spec.name]
        assert team.skills == list(spec.skills) and team.vehicle and team.shift_start < team.shift_end
        assert team.depot_insee == "21231"  # Dijon
        assert NOW - timedelta(minutes=30) < team.seen_at <= NOW
        assert team.metres_from_work is None or team.metres_from_work < 100
    assert sum(team.metres_from_work is not None for team in teams.values()) >= 5  # most crews are at work
    positions = session.execute(text("SELECT count(*) FROM crew_positions")).scalar_one()
    load_demo_interventions(session, NOW)  # again: the same fixes are not stored twice
    assert session.execute(text("SELECT count(*) FROM crew_positions")).scalar_one() == positions


def test_timelines_follow_the_workflow_and_due_dates_the_sla_rules(demo):
    session = demo.session
    users = {user.id: user for user in session.scalars(select(User))}
    rules = list(session.scalars(select(SlaRule)))
    members = {team: set(ids) for team, ids in rows(session,
                                                    "SELECT team_id, array_agg(user_id) FROM team_members GROUP BY 1")}
    interventions = rows(session, """
        SELECT i.*, (SELECT array_agg(DISTINCT a.type_id) FROM intervention_assets ia
                     JOIN assets a ON a.id = ia.asset_id WHERE ia.intervention_id = i.id) AS type_ids
        FROM interventions i""")
    events = {}
    for event in rows(session, "SELECT * FROM intervention_events ORDER BY intervention_id, at, id"):
        events.setdefault(event.intervention_id, []).append(event)
    for item in interventions:
        timeline = events[item.id]
        assert (timeline[0].from_status, timeline[0].to_status) == (None, "new"), item.reference
        creator = users[timeline[0].actor_id]
        assert creator.can(Permission.CREATE_INTERVENTIONS) and item.created_by_id == creator.id
        assert item.reported_at <= timeline[0].at == item.created_at and timeline[-1].at == item.updated_at <= NOW
        for before, after in zip(timeline, timeline[1:]):
            step = workflow.transition(after.from_status, after.to_status)
            assert step is not None and after.from_status == before.to_status and after.at > before.at, item.reference
            assert workflow.may_perform(users[after.actor_id], step, members.get(item.team_id, set())), item.reference
            assert not step.needs_comment or after.comment, item.reference
        assert timeline[-1].to_status == item.status
        if item.plan_id is None:
            rule, due = sla_due(rules, item.priority, set(item.type_ids or ()), item.reported_at)
            assert (item.sla_rule_id, item.due_at) == (rule.id, due), item.reference
        else:  # a maintenance plan's visit is due at the end of its day
            due = datetime.combine(item.plan_due_on, time(23, 59, 59), PARIS)
            assert (item.sla_rule_id, item.due_at) == (None, due), item.reference
        if item.status in ("completed", "closed"):
            assert item.started_at < item.completed_at and item.action_taken and item.time_spent_minutes > 0
            assert item.outcome and (item.cause or item.kind != "corrective") and all(t["done"] for t in item.checklist)
        if item.status == "closed":
            assert item.completed_at < item.closed_at
        if item.status in ("planned", "assigned", "in_progress", "on_hold", "completed"):
            assert item.team_id is not None and item.planned_start is not None, item.reference


def test_references_are_unique_yearly_and_the_app_numbers_on(demo, settings):
    session = demo.session
    found = rows(session, "SELECT reference, reported_at FROM interventions ORDER BY reported_at, id")
    assert len({reference for reference, _ in found}) == len(found)
    numbers: dict[int, list[int]] = {}
    for reference, reported_at in found:
        match = re.fullmatch(r"INT-(\d{4})-(\d{6})", reference)
        assert match and int(match[1]) == reported_at.year, reference
        numbers.setdefault(reported_at.year, []).append(int(match[2]))
    assert all(listed == list(range(1, len(listed) + 1)) for listed in numbers.values())
    counters = dict(rows(session, "SELECT year, last_number FROM reference_counters WHERE series = 'INT'"))
    assert counters == {year: len(listed) for year, listed in numbers.items()}
    savepoint = session.begin_nested()
    dispatcher = session.scalar(select(User).where(User.login == "dispatcher"))
    asset_id = rows(session, "SELECT id FROM assets WHERE status = 'in_service' ORDER BY id LIMIT 1")[0][0]
    created = services.create_intervention(session, dispatcher, kind="inspection", priority="P4",
                                           srid=settings.storage_srid,
                                           asset_ids=[asset_id], reported_at=NOW)
    assert created.reference == f"INT-{NOW.year}-{counters[NOW.year] + 1:06d}"
    savepoint.rollback()


def test_closings_are_in_the_asset_history_with_the_intervention(demo):
    session = demo.session
    closings = rows(session, """
        SELECT i.id, i.reference, i.outcome, i.closed_at, ia.asset_id, h.change, h.recorded_at, h.reason, h.status
        FROM interventions i JOIN intervention_assets ia ON ia.intervention_id = i.id
        LEFT JOIN asset_history h ON h.intervention_id = i.id AND h.asset_id = ia.asset_id
        WHERE i.status IN ('closed', 'reopened') AND i.closed_at IS NOT NULL""")
    outcomes = Counter(row.outcome for row in closings)
    assert outcomes["back_in_service"] > 0 and outcomes["replaced"] > 0 and outcomes["no_change"] > 0
    for row in closings:
        if row.outcome in OUTCOME_CHANGES:
            assert (row.change, row.recorded_at) == (OUTCOME_CHANGES[row.outcome], row.closed_at), row
            assert row.reason.startswith(f"{row.reference}: ") and row.status in ("in_service", "decommissioned"), row
        else:
            assert row.change is None, row
    linked = rows(session, "SELECT count(*) FROM asset_history WHERE intervention_id IS NOT NULL")[0][0]
    assert linked == sum(row.outcome in OUTCOME_CHANGES for row in closings)


def test_history_stays_one_consistent_story_per_asset(demo):
    session = demo.session
    assert rows(session, """
        SELECT count(*) FROM assets a LEFT JOIN (
            SELECT asset_id, count(*) AS n, max(version) AS hi, count(DISTINCT version) AS d
            FROM asset_history GROUP BY asset_id) h ON h.asset_id = a.id
        WHERE h.n IS NULL OR a.version <> h.n OR h.hi <> h.n OR h.d <> h.n""")[0][0] == 0
    latest_differs = rows(session, """
        SELECT count(*) FROM assets a JOIN asset_history h ON h.asset_id = a.id AND h.version = a.version
        WHERE (h.status, h.installed_on, h.manufacturer, h.model, h.attributes, h.parent_id)
              IS DISTINCT FROM (a.status, a.installed_on, a.manufacturer, a.model, a.attributes, a.parent_id)""")
    assert latest_differs[0][0] == 0
    broken = rows(session, """
        SELECT * FROM (
            SELECT h.asset_id, h.version, h.change, h.changes, h.status, h.recorded_at,
                   lag(h.status) OVER w AS before, lag(h.recorded_at) OVER w AS previous_at
            FROM asset_history h WINDOW w AS (PARTITION BY h.asset_id ORDER BY h.version)) s
        WHERE s.version > 1 AND (s.recorded_at <= s.previous_at
              OR CASE WHEN s.changes ? 'status' THEN s.changes -> 'status' <> jsonb_build_array(s.before, s.status)
                      ELSE s.status <> s.before END)""")
    assert broken == []


def test_open_work_is_on_working_assets_and_every_fault_is_being_mended(demo):
    session = demo.session
    open_statuses = list(OPEN_STATUSES)
    assert rows(session, """
        SELECT ia.asset_id, i.problem FROM intervention_assets ia JOIN interventions i ON i.id = ia.intervention_id
        WHERE i.kind = 'corrective' AND i.status = ANY(:open) GROUP BY 1, 2 HAVING count(*) > 1""",
                open=open_statuses) == []
    assert rows(session, """
        SELECT i.reference FROM interventions i JOIN intervention_assets ia ON ia.intervention_id = i.id
        JOIN assets a ON a.id = ia.asset_id WHERE i.status = ANY(:open) AND a.status = 'decommissioned'""",
                open=open_statuses) == []
    faulty = rows(session, "SELECT count(*) FROM assets WHERE status = 'faulty'")[0][0]
    mended = rows(session, """
        SELECT count(DISTINCT a.id) FILTER (WHERE a.status = 'faulty'), count(*) FILTER (WHERE a.status <> 'faulty')
        FROM interventions i JOIN intervention_assets ia ON ia.intervention_id = i.id
        JOIN assets a ON a.id = ia.asset_id
        WHERE i.kind = 'corrective' AND i.problem = 'out_of_order' AND i.status = ANY(:backlog)""",
                  backlog=list(BACKLOG))[0]
    assert faulty > 0 and tuple(mended) == (faulty, 0)
