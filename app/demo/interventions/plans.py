"""Visits of the maintenance plans (app.interventions.maintenance) over the last two years.

Where an active plan visits every asset of a type (of any model), that type's routine
visits are the plan's: each group (an asset, or a commune's assets) visited every
``interval_months`` from a random first date on, each visit raised ``lead_days`` ahead of
its due date as the nightly job raises them, with the plan's kind, priority and name,
``plan_id``, group and due date. The nightly job then finds each asset's last visit and
carries on from it instead of doubling the demo's visits. The visits of plans grouped by
network (street lights) or limited to a model are left to the job.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Iterator

from app.demo.interventions.care import CARE
from app.demo.interventions.clock import LOCAL, UTC, office_moment
from app.demo.interventions.context import Context
from app.demo.interventions.life import Draft
from app.demo.interventions.pool import PoolAsset
from app.interventions.models import MaintenancePlan

GROUPINGS = ("asset", "commune")  # the plans' groupings whose past visits the demo makes
END_OF_DAY = time(23, 59, 59)
DAYS_A_MONTH = 30.44

Visit = tuple[datetime, tuple[PoolAsset, ...], date]  # (raised at, the group's assets, due on)


def plan_visits(ctx: Context, rnd: random.Random, plan: MaintenancePlan, code: str, first_day: date) -> Iterator[Visit]:
    """Every visit of the plan raised from ``first_day`` up to now, group by group (none for
    a plan grouped otherwise than by asset or commune)."""
    if plan.group_by not in GROUPINGS:
        return
    interval = timedelta(days=plan.interval_months * DAYS_A_MONTH)
    for group in _groups(ctx, plan, code):
        due_on = first_day + timedelta(days=plan.lead_days + rnd.uniform(0, interval.days))
        while (raised_at := office_moment(rnd, due_on - timedelta(days=plan.lead_days))) < ctx.now:
            yield raised_at, group, due_on
            due_on += interval


def plan_visit(ctx: Context, plan: MaintenancePlan, code: str, visit: Visit) -> Draft | None:
    """The draft of one visit, on the group's assets still in place."""
    raised_at, group, due_on = visit
    assets = [asset for asset in group if asset.status != "decommissioned"]
    if not assets:
        return None
    label = assets[0].reference if plan.group_by == "asset" else ctx.communes[assets[0].commune_id]
    key = f"asset:{assets[0].id}" if plan.group_by == "asset" else f"commune:{assets[0].commune_id}"
    draft = ctx.draft(plan.kind, plan.priority, None, f"{plan.name} — {label}",
                      ctx.team_for(CARE[code].team, assets[0]), assets, raised_at,
                      plan.estimated_minutes_per_asset * len(assets), ctx.crews.dispatcher_id)
    draft.plan = (plan.id, key, due_on)
    draft.sla_rule_id, draft.due_at = None, datetime.combine(due_on, END_OF_DAY, LOCAL).astimezone(UTC)
    return draft


def _groups(ctx: Context, plan: MaintenancePlan, code: str) -> list[tuple[PoolAsset, ...]]:
    """The plan's groups: each asset, or each commune's assets."""
    assets = ctx.pool.by_type.get(code, [])
    if plan.group_by == "asset":
        return [(asset,) for asset in assets]
    communes: dict[int, list[PoolAsset]] = {}
    for asset in assets:
        communes.setdefault(asset.commune_id, []).append(asset)
    return [tuple(members) for _, members in sorted(communes.items())]
