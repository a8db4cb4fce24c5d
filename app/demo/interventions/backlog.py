"""The live backlog's guaranteed content: long-standing repairs waiting for a part on assets
the inventory recorded as faulty, enough interventions in every open status (and
completed, awaiting closure), and urgent ones at risk of missing their due date, whatever
the day and hour the demo is generated at."""
from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta

from app.demo.interventions import life
from app.demo.interventions.care import CARE, REOPEN_REASON, Fix, Problem
from app.demo.interventions.clock import after_working, before_working, rounded_up
from app.demo.interventions.context import Context
from app.demo.interventions.life import Draft, Report
from app.demo.interventions.natural import fault_of, hold_reason
from app.interventions.models import OPEN_STATUSES
from app.interventions.sla import sla_due

WAITING_FOR_PARTS = 6
# At least this many interventions in each status once generated.
MINIMUM_BY_STATUS = {"new": 20, "planned": 15, "assigned": 25, "in_progress": 6, "on_hold": 8, "completed": 10,
                     "reopened": 3}
MINIMUM_AT_RISK = 4  # open, due soon: less than a quarter of their SLA time left
# How long ago (in working hours before the last working moment) each status's interventions were reported.
REPORTED_WORKING_HOURS_AGO = {"planned": (1, 30), "assigned": (1, 30), "in_progress": (2, 24), "on_hold": (8, 60),
                              "completed": (4, 30), "reopened": (30, 80)}


def waiting_for_parts(ctx: Context, rnd: random.Random) -> list[Draft]:
    """Repairs of faulty assets started long ago and put on hold until a part comes."""
    candidates = [asset for asset in ctx.pool.faulty()
                  if _repair_with_part(CARE[asset.code].problems) and asset.free_from < ctx.now - timedelta(days=7)]
    drafts = []
    for asset in rnd.sample(candidates, min(WAITING_FOR_PARTS, len(candidates))):
        problem = _repair_with_part(CARE[asset.code].problems)
        fix = rnd.choice([fix for fix in problem.fixes if fix.part])
        reported_at = asset.free_from + timedelta(minutes=rnd.randint(5, 90))
        creator = ctx.desk(reported_at)
        draft = ctx.draft("corrective", 3, problem.code, rnd.choice(problem.descriptions),
                          ctx.team_for(CARE[asset.code].team, asset), [asset], reported_at, CARE[asset.code].minutes,
                          creator)
        crew = ctx.crew(rnd, draft.team)
        at = life.create(draft, reported_at, creator)
        at = after_working(at, rnd.uniform(1, 8))
        at = life.assign(draft, at, ctx.desk(at), ctx.crews.team_ids[draft.team], rounded_up(after_working(at, 4)))
        at = life.start(draft, draft.fields["planned_start"] + timedelta(minutes=rnd.uniform(0, 40)), crew)
        life.hold(draft, at + timedelta(minutes=rnd.uniform(20, 60)), crew, hold_reason(rnd, fix.part))
        if draft.steps[-1].at < ctx.now and life.settle(draft, ctx.now, ctx.pool):
            drafts.append(draft)
    return drafts


def top_ups(ctx: Context, rnd: random.Random, drafts: list[Draft]) -> list[Draft]:
    """Interventions brought to the statuses that have fewer than their minimum, and urgent
    ones at risk if too few are."""
    counts = Counter(draft.status for draft in drafts)
    codes = [code for code, care in CARE.items() if ctx.pool.count(code)]
    weights = [CARE[code].per_year * ctx.pool.count(code) for code in codes]
    added: list[Draft] = []

    def add(draft: Draft | None) -> None:
        if draft is not None and life.settle(draft, ctx.now, ctx.pool):  # settled at once: keeps its asset
            added.append(draft)

    for status, minimum in MINIMUM_BY_STATUS.items():
        for _ in range(max(0, minimum - counts[status])):
            add(_brought_to(ctx, rnd, status, rnd.choices(codes, weights=weights)[0]))
    urgent = [code for code in codes if any(problem.priorities[1] for problem in CARE[code].problems)]
    for _ in range(max(0, MINIMUM_AT_RISK - sum(_at_risk(draft, ctx.now) for draft in drafts))):
        add(_at_risk_repair(ctx, rnd, rnd.choice(urgent)))
    return added


def _at_risk(draft: Draft, now: datetime) -> bool:
    """Open and due within the last quarter of its SLA time (as the intervention lists say)."""
    return (draft.status in OPEN_STATUSES and draft.due_at is not None
            and draft.due_at - (draft.due_at - draft.reported_at) / 4 <= now <= draft.due_at)


def _at_risk_repair(ctx: Context, rnd: random.Random, code: str) -> Draft | None:
    """A P2 repair reported 78-95 % of its SLA time ago, assigned to a crew due soon."""
    care = CARE[code]
    asset = ctx.pool.pick(rnd, code, ctx.now - timedelta(days=2))
    if asset is None:
        return None
    rule, due = sla_due(ctx.rules, 2, {asset.type_id}, ctx.now)
    if rule is None or rule.counting != "calendar":
        return None
    reported_at = ctx.now - (due - ctx.now) * rnd.uniform(0.78, 0.95)
    problem = rnd.choice([problem for problem in care.problems if problem.priorities[1]])
    creator = ctx.desk(reported_at)
    draft = ctx.draft("corrective", 2, problem.code, rnd.choice(problem.descriptions),
                      ctx.team_for(care.team, asset), [asset], reported_at, care.minutes, creator)
    created = life.create(draft, reported_at + timedelta(minutes=3), creator, fault_of(rnd, draft))
    at = min(created + timedelta(minutes=rnd.uniform(10, 40)), ctx.now)
    life.assign(draft, at, ctx.desk(at), ctx.crews.team_ids[draft.team], rounded_up(ctx.now + timedelta(hours=1)))
    return draft


def _brought_to(ctx: Context, rnd: random.Random, status: str, code: str) -> Draft | None:
    """A corrective intervention on an asset of ``code`` that has just reached ``status``.

    Its steps fall at working moments between its report and the last working moment
    before ``now``, in the order of the workflow."""
    care = CARE[code]
    last_work = before_working(ctx.now, 0)
    if status == "new":
        reported_at = ctx.now - timedelta(minutes=rnd.uniform(10, 90 if rnd.random() < 0.3 else 1800))
    else:
        reported_at = before_working(last_work, rnd.uniform(*REPORTED_WORKING_HOURS_AGO[status]))
    asset = ctx.pool.pick(rnd, code, reported_at)
    if asset is None:
        return None
    problem = rnd.choices(care.problems, weights=[p.weight for p in care.problems])[0]
    fix = rnd.choice([fix for fix in problem.fixes if fix.outcome != "decommissioned"])  # it may be reopened
    priority = max(2 if status == "new" else 3, rnd.choices((1, 2, 3, 4), weights=problem.priorities)[0])
    creator = ctx.desk(reported_at)
    draft = ctx.draft("corrective", priority, problem.code, rnd.choice(problem.descriptions),
                      ctx.team_for(care.team, asset), [asset], reported_at, care.minutes, creator)
    life.create(draft, min(reported_at + timedelta(minutes=3), ctx.now), creator, fault_of(rnd, draft))
    if status != "new":
        _advance(ctx, rnd, draft, status, fix, last_work)
    return draft


def _advance(ctx: Context, rnd: random.Random, draft: Draft, status: str, fix: Fix, last_work: datetime) -> None:
    """Take a created intervention to ``status`` through the workflow's steps."""
    team_id, crew = ctx.crews.team_ids[draft.team], ctx.crew(rnd, draft.team)
    created = draft.steps[-1].at
    span = _working_hours_between(created, last_work)
    ages = sorted((rnd.uniform(0.02, 0.95) * span for _ in range(3)), reverse=True)  # step moments, oldest first
    assigned, began, closed = (before_working(last_work, age) for age in ages)
    minutes = max(10, 5 * round(CARE[draft.assets[0].code].minutes / 5))
    if status in ("completed", "reopened"):  # done before the last working moment
        began = min(began, before_working(last_work, minutes / 60 + 0.25))
    if status == "planned":
        life.plan(draft, assigned, ctx.desk(assigned), team_id, _coming_slot(rnd, ctx.now))
        return
    day = _coming_slot(rnd, ctx.now) if status == "assigned" else rounded_up(began - timedelta(minutes=40))
    life.assign(draft, assigned, ctx.desk(assigned), team_id, day)
    if status == "assigned":
        return
    began = life.start(draft, began, crew)
    if status == "on_hold":
        life.hold(draft, began + timedelta(minutes=rnd.uniform(20, 60)), crew, hold_reason(rnd, fix.part))
        return
    if status == "in_progress":
        return
    report = Report(fix.cause, fix.action, minutes, fix.outcome, fix.part, draft.assets[0].model or fix.part)
    done = life.complete(draft, began + timedelta(minutes=report.minutes), crew, report)
    if status == "completed":
        return
    closed = max(closed, after_working(done, 0.5))
    life.close(draft, closed, ctx.desk(closed))
    reopened_at = min(after_working(draft.steps[-1].at, rnd.uniform(2, 16)), ctx.now)
    life.reopen(draft, reopened_at, ctx.desk(reopened_at), REOPEN_REASON, fault_of(rnd, draft))


def _coming_slot(rnd: random.Random, now: datetime) -> datetime:
    """A window start in the coming working days."""
    return rounded_up(after_working(now, rnd.uniform(0.5, 40)), 30)


def _working_hours_between(start: datetime, end: datetime) -> float:
    """Working hours from ``start`` to ``end`` (to a minute)."""
    low, high = 0.0, max((end - start).total_seconds() / 3600, 0.0)
    while high - low > 1 / 60:
        middle = (low + high) / 2
        low, high = (middle, high) if after_working(start, middle) <= end else (low, middle)
    return low


def _repair_with_part(problems: tuple[Problem, ...]) -> Problem | None:
    """The type's out-of-order problem if some of its repairs need a part."""
    return next((p for p in problems if p.code == "out_of_order" and any(f.part for f in p.fixes)), None)
