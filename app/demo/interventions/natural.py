"""The everyday flow of the last two years: faults reported on the assets at their types'
rates, routine visits (the maintenance plans' where there are plans), roadwork at places
without an asset; each worked through as a dispatcher and a crew would (the most recent
ones are still under way at ``now``)."""
from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta

from app.demo.interventions import life
from app.demo.interventions.care import (
    CANCEL_REASONS,
    CARE,
    FAULT_REASONS,
    HOLD_REASONS,
    ROADWORK,
    ROADWORK_MINUTES,
    ROADWORK_PER_SIGN_AND_YEAR,
    VISIT_ACTION,
    Care,
    Fix,
    Problem,
)
from app.demo.interventions.clock import LOCAL, after_working, before_working, office_moment, report_moment, rounded_up
from app.demo.interventions.context import Context
from app.demo.interventions.life import AssetChange, Draft, Report
from app.demo.interventions.plans import Visit, plan_visit, plan_visits
from app.demo.interventions.seeds import STREAM_FLOW, STREAM_PLANS, STREAM_SPECS, stream

YEARS = 2
CANCELLED_SHARE = 0.03
HOLD_SHARE = 0.08
WINTER_PEAK = 0.4  # lighting faults: up to 40% more in winter than on average

# (reported at, order, type code or "roadwork", "corrective", "routine" or "plan", a plan's visit)
Spec = tuple[datetime, int, str, str, Visit | None]


def natural_drafts(ctx: Context, seed: int) -> list[Draft]:
    """Every intervention of the everyday flow reported in the last two years, by report time."""
    specs = sorted(_specs(ctx, seed))
    rnd = stream(seed, STREAM_FLOW)
    drafts = []
    for reported_at, _, code, what, visit in specs:
        if code == "roadwork":
            draft = _roadwork(ctx, rnd, reported_at)
        elif what == "plan":
            draft = _plan_visit(ctx, rnd, code, visit)
        elif what == "routine":
            draft = _routine(ctx, rnd, code, reported_at)
        else:
            draft = _corrective(ctx, rnd, code, reported_at)
        if draft is not None and life.settle(draft, ctx.now, ctx.pool):
            drafts.append(draft)
    return drafts


def _specs(ctx: Context, seed: int) -> list[Spec]:
    """When each intervention is reported: the types' yearly rates spread over the window."""
    first_day = (ctx.now - timedelta(days=365 * YEARS)).astimezone(LOCAL).date()
    last_day = ctx.now.astimezone(LOCAL).date()
    specs: list[Spec] = []
    for number, (code, what, per_year) in enumerate(_streams(ctx)):
        rnd = stream(seed, STREAM_SPECS + number)
        care = CARE["road_sign" if code == "roadwork" else code]
        for _ in range(round(per_year * YEARS)):
            day = _day(rnd, first_day, last_day, care.seasonal and what == "corrective")
            moment = report_moment(rnd, day, care.alarm) if what == "corrective" else office_moment(rnd, day)
            specs.append((moment, len(specs), code, what, None))
    for number, (code, plan) in enumerate(sorted(ctx.plans.items())):
        rnd = stream(seed, STREAM_PLANS + number)
        specs.extend((visit[0], len(specs) + k, code, "plan", visit)
                     for k, visit in enumerate(plan_visits(ctx, rnd, plan, code, first_day)))
    return [spec for spec in specs if spec[0] < ctx.now]


def _streams(ctx: Context) -> list[tuple[str, str, float]]:
    """(type code or "roadwork", what, how many a year) of each random reporting stream."""
    streams = [(code, "corrective", care.per_year * ctx.pool.count(code)) for code, care in CARE.items()]
    streams += [(code, "routine", care.routine.per_year * ctx.pool.count(code)) for code, care in CARE.items()
                if care.routine and code not in ctx.plans]
    streams.append(("roadwork", "corrective", ROADWORK_PER_SIGN_AND_YEAR * ctx.pool.count("road_sign")))
    return streams


def _day(rnd: random.Random, first: date, last: date, seasonal: bool) -> date:
    """A day of the window; with ``seasonal``, more often in winter."""
    while True:
        day = first + timedelta(days=rnd.randint(0, (last - first).days))
        if not seasonal:
            return day
        winter = math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365.25)
        if rnd.random() * (1 + WINTER_PEAK) < 1 + WINTER_PEAK * winter:
            return day


def _corrective(ctx: Context, rnd: random.Random, code: str, reported_at: datetime) -> Draft | None:
    care = CARE[code]
    asset = ctx.pool.pick(rnd, code, reported_at)
    if asset is None:
        return None
    problem = _weighted(rnd, care.problems)
    fix = rnd.choice(problem.fixes)
    if fix.outcome == "decommissioned" and ctx.pool.children.get(asset.id):
        fix = problem.fixes[0]
    creator = ctx.desk(reported_at)
    draft = ctx.draft("corrective", _priority(rnd, problem), problem.code, rnd.choice(problem.descriptions),
                      ctx.team_for(care.team, asset), [asset], reported_at, care.minutes, creator)
    cancelled = rnd.random() < CANCELLED_SHARE
    faults = () if cancelled else fault_of(rnd, draft)
    created = life.create(draft, reported_at + timedelta(minutes=rnd.randint(2, 12)), creator, faults)
    if cancelled:
        at = after_working(created, rnd.uniform(0.2, 8))
        life.cancel(draft, at, ctx.desk(at), rnd.choice(CANCEL_REASONS))
    else:
        work_through(ctx, rnd, draft, _report(rnd, care, fix, asset.model))
    return draft


def _routine(ctx: Context, rnd: random.Random, code: str, reported_at: datetime) -> Draft | None:
    care = CARE[code]
    routine = care.routine
    asset = ctx.pool.pick(rnd, code, reported_at)
    if asset is None:
        return None
    assets = [asset] + [child for child in ctx.pool.children.get(asset.id, ()) if child.free_at(reported_at)]
    creator = ctx.crews.manager_id if rnd.random() < 0.5 else ctx.crews.dispatcher_id
    minutes = routine.minutes + 15 * (len(assets) - 1)
    draft = ctx.draft(routine.kind, 4, None, routine.description, ctx.team_for(care.team, asset), assets,
                      reported_at, minutes, creator)
    life.create(draft, reported_at + timedelta(minutes=rnd.randint(1, 5)), creator)
    work_through(ctx, rnd, draft, Report(None, routine.action, _spent(rnd, minutes), "no_change"))
    return draft


def _plan_visit(ctx: Context, rnd: random.Random, code: str, visit: Visit) -> Draft | None:
    draft = plan_visit(ctx, ctx.plans[code], code, visit)
    if draft is None:
        return None
    life.create(draft, draft.reported_at, draft.created_by_id)
    routine = CARE[code].routine
    action = routine.action if routine else VISIT_ACTION
    report = Report(None, action, _spent(rnd, draft.estimated_minutes), "no_change")
    work_through(ctx, rnd, draft, report)
    return draft


def _roadwork(ctx: Context, rnd: random.Random, reported_at: datetime) -> Draft | None:
    signs = ctx.pool.by_type.get("road_sign")
    if not signs:
        return None
    place = signs[rnd.randrange(len(signs))]
    creator = ctx.desk(reported_at)
    draft = ctx.draft("corrective", _priority(rnd, ROADWORK), ROADWORK.code, rnd.choice(ROADWORK.descriptions),
                      "roads", [], reported_at, ROADWORK_MINUTES, creator, place=place)
    life.create(draft, reported_at + timedelta(minutes=rnd.randint(2, 12)), creator)
    fix = rnd.choice(ROADWORK.fixes)
    work_through(ctx, rnd, draft, Report(fix.cause, fix.action, _spent(rnd, ROADWORK_MINUTES), fix.outcome, fix.part))
    return draft


def work_through(ctx: Context, rnd: random.Random, draft: Draft, report: Report) -> None:
    """Dispatch, do and close a created intervention: urgent ones at once at any hour, P3
    within days, P4 and plan visits planned weeks ahead and given to the crew the day before."""
    team_id = ctx.crews.team_ids[draft.team]
    crew = ctx.crew(rnd, draft.team)
    created = draft.steps[-1].at
    if draft.priority <= 2 and draft.plan is None:
        at = created + timedelta(minutes=rnd.uniform(5, 25) if draft.priority == 1 else rnd.uniform(15, 150))
        at = life.assign(draft, at, ctx.desk(at), team_id, rounded_up(at, 5))
        began = at + timedelta(minutes=rnd.uniform(20, 60) if draft.priority == 1 else rnd.uniform(30, 240))
    elif draft.priority == 3 and draft.plan is None:
        at = after_working(created, rnd.uniform(0.2, 6))
        day = rounded_up(after_working(at, rnd.uniform(1, 20)))
        at = life.assign(draft, at, ctx.desk(at), team_id, day)
        began = day + timedelta(minutes=rnd.uniform(0, 40))
    else:
        at = after_working(created, rnd.uniform(0.5, 8))
        day = rounded_up(after_working(at, rnd.uniform(16, 120)))
        at = life.plan(draft, at, ctx.desk(at), team_id, day)
        at = max(before_working(day, rnd.uniform(1, 6)), at)
        life.assign(draft, at, ctx.desk(at), team_id, day)
        began = day + timedelta(minutes=rnd.uniform(0, 40))
    began = life.start(draft, began, crew)
    if rnd.random() < HOLD_SHARE:
        held = life.hold(draft, began + timedelta(minutes=rnd.uniform(20, 60)), crew, hold_reason(rnd, report.part))
        began = life.resume(draft, after_working(held, rnd.uniform(4, 40)), crew)
    done = life.complete(draft, began + timedelta(minutes=report.minutes), crew, report)
    at = after_working(done, rnd.uniform(0.3, 12))
    life.close(draft, at, ctx.desk(at))


def fault_of(rnd: random.Random, draft: Draft) -> tuple[AssetChange, ...]:
    """An out-of-order report marks its working assets faulty."""
    if draft.problem != "out_of_order":
        return ()
    reason = rnd.choice(FAULT_REASONS)
    return tuple(AssetChange(asset, "status_changed", {"status": "faulty"}, reason)
                 for asset in draft.assets if asset.status == "in_service")


def hold_reason(rnd: random.Random, part: str | None) -> str:
    reasons = HOLD_REASONS if part else HOLD_REASONS[1:]
    return rnd.choice(reasons).format(part=part)


def _report(rnd: random.Random, care: Care, fix: Fix, model: str | None) -> Report:
    return Report(fix.cause, fix.action, _spent(rnd, care.minutes), fix.outcome, fix.part, model or fix.part)


def _spent(rnd: random.Random, estimate: int) -> int:
    """Time spent: around the estimate, in five minutes."""
    return max(10, 5 * round(estimate * rnd.lognormvariate(0, 0.35) / 5))


def _priority(rnd: random.Random, problem: Problem) -> int:
    return rnd.choices((1, 2, 3, 4), weights=problem.priorities)[0]


def _weighted(rnd: random.Random, problems: tuple[Problem, ...]) -> Problem:
    return rnd.choices(problems, weights=[p.weight for p in problems])[0]
