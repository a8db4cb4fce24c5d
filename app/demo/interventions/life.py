"""One generated intervention and its timeline, step by step as the workflow allows.

A draft's steps are written as the services would have recorded them (who, when, from →
to, comment, the fields each step changed); ``settle`` keeps the steps that happened by
``now``, so that work still going on is left in the status it has reached, and applies
the kept steps' consequences to the assets.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from app.demo.interventions.clock import LOCAL, MINUTE
from app.demo.interventions.pool import NEVER, AssetPool, PoolAsset

# The history change and state an outcome gives each asset when the intervention closes.
OUTCOME_CHANGES = {"back_in_service": "repaired", "replaced": "replaced", "decommissioned": "decommissioned"}
FINISHED = ("closed", "cancelled")


@dataclass(frozen=True)
class AssetChange:
    asset: PoolAsset
    change: str
    patch: dict
    reason: str | None = None  # None: "<reference>: <action taken>", linked to the intervention


@dataclass
class Step:
    at: datetime
    actor_id: int
    source: str | None
    target: str
    comment: str | None = None
    changes: dict = field(default_factory=dict)
    fields: dict = field(default_factory=dict)
    asset_changes: tuple[AssetChange, ...] = ()


@dataclass(frozen=True)
class Report:
    """The closing report the crew fills in."""

    cause: str | None
    action: str
    minutes: int
    outcome: str
    part: str | None = None
    replacement_model: str | None = None


@dataclass(eq=False)
class Draft:
    kind: str
    priority: int
    problem: str | None
    description: str
    team: str  # a team key
    assets: list[PoolAsset]
    geom: str  # hex EWKB
    commune_id: int
    reported_at: datetime
    estimated_minutes: int
    created_by_id: int
    sla_rule_id: int | None
    due_at: datetime | None
    checklist: list[dict]
    plan: tuple[int, str, date] | None = None  # a maintenance plan's visit: (plan id, group, due on)
    steps: list[Step] = field(default_factory=list)
    fields: dict = field(default_factory=dict)  # what the kept steps set
    id: int | None = None
    reference: str | None = None

    @property
    def status(self) -> str:
        return self.steps[-1].target

    def moment(self, at: datetime) -> datetime:
        """When a step meant for ``at`` happens: on a whole minute, at least one after the previous step."""
        at = at.replace(second=0, microsecond=0)
        return max(at, self.steps[-1].at + MINUTE) if self.steps else at

    def step(self, at: datetime, actor_id: int, target: str, comment: str | None = None, changes: dict | None = None,
             fields: dict | None = None, asset_changes: tuple[AssetChange, ...] = ()) -> datetime:
        """Add a step at ``moment(at)``; returns that moment."""
        at = self.moment(at)
        source = self.steps[-1].target if self.steps else None
        self.steps.append(Step(at, actor_id, source, target, comment, changes or {}, fields or {}, asset_changes))
        self.fields.update(fields or {})
        return at


def create(draft: Draft, at: datetime, actor_id: int, faults: tuple[AssetChange, ...] = ()) -> datetime:
    return draft.step(at, actor_id, "new", asset_changes=faults)


def plan(draft: Draft, at: datetime, actor_id: int, team_id: int, start: datetime, target: str = "planned") -> datetime:
    """Give the intervention a team and a window (planned, or assigned to the crew)."""
    window = {"team_id": team_id, "planned_start": start,
              "planned_end": start + timedelta(minutes=-(-draft.estimated_minutes // 30) * 30)}
    changes = {name: [_iso(draft.fields.get(name)), _iso(value)] for name, value in window.items()
               if draft.fields.get(name) != value}
    return draft.step(at, actor_id, target, changes=changes, fields=window)


def assign(draft: Draft, at: datetime, actor_id: int, team_id: int, start: datetime) -> datetime:
    return plan(draft, at, actor_id, team_id, start, "assigned")


def start(draft: Draft, at: datetime, crew_id: int) -> datetime:
    at = draft.moment(at)
    return draft.step(at, crew_id, "in_progress", fields={"started_at": draft.fields.get("started_at") or at})


def hold(draft: Draft, at: datetime, crew_id: int, reason: str) -> datetime:
    return draft.step(at, crew_id, "on_hold", comment=reason)


def resume(draft: Draft, at: datetime, crew_id: int) -> datetime:
    return draft.step(at, crew_id, "in_progress")


def complete(draft: Draft, at: datetime, crew_id: int, report: Report) -> datetime:
    """The crew's report: cause, action, parts, time spent, outcome (and what replaced the asset)."""
    at = draft.moment(at)
    replacement = None
    if report.outcome == "replaced":
        asset = draft.assets[0]
        replacement = {"manufacturer": asset.manufacturer, "model": report.replacement_model,
                       "installed_on": at.astimezone(LOCAL).date().isoformat()}
    values = {"cause": report.cause, "action_taken": report.action,
              "parts_used": [{"name": report.part, "quantity": 1}] if report.part else [],
              "time_spent_minutes": report.minutes, "outcome": report.outcome, "replacement": replacement}
    changes = {name: [[] if name == "parts_used" else None, value] for name, value in values.items()
               if value not in (None, [])}
    changes["checklist"] = [[False] * len(draft.checklist), [True] * len(draft.checklist)]
    return draft.step(at, crew_id, "completed", changes=changes, fields={**values, "completed_at": at})


def close(draft: Draft, at: datetime, actor_id: int) -> datetime:
    """Close: the outcome of the report changes the assets (one history row each)."""
    at = draft.moment(at)
    outcome = draft.fields["outcome"]
    changes: tuple[AssetChange, ...] = ()
    if outcome in OUTCOME_CHANGES:
        patch = {"status": "decommissioned" if outcome == "decommissioned" else "in_service"}
        if outcome == "replaced":
            patch["installed_on"] = datetime.fromisoformat(draft.fields["replacement"]["installed_on"]).date()
        changes = tuple(AssetChange(asset, OUTCOME_CHANGES[outcome], patch) for asset in draft.assets)
    return draft.step(at, actor_id, "closed", fields={"closed_at": at}, asset_changes=changes)


def cancel(draft: Draft, at: datetime, actor_id: int, reason: str) -> datetime:
    return draft.step(at, actor_id, "cancelled", comment=reason, fields={"cancel_reason": reason})


def reopen(draft: Draft, at: datetime, actor_id: int, reason: str, faults: tuple[AssetChange, ...]) -> datetime:
    return draft.step(at, actor_id, "reopened", comment=reason, asset_changes=faults)


def settle(draft: Draft, now: datetime, pool: AssetPool) -> bool:
    """Keep the steps taken by ``now`` (False if none: not reported yet), apply their asset
    changes, and keep the assets until the intervention ends (for good, if still open)."""
    kept = [step for step in draft.steps if step.at <= now]
    if not kept:
        return False
    draft.steps = kept
    draft.fields = {name: value for step in kept for name, value in step.fields.items()}
    for step in kept:
        for change in step.asset_changes:
            pool.record(change.asset, step.at, step.actor_id, change.change, change.patch, change.reason,
                        None if change.reason else draft)
    until = kept[-1].at if draft.status in FINISHED else NEVER
    for asset in draft.assets:  # a plan's visit may come while the asset is kept by other work
        asset.free_from = max(asset.free_from, until)
    return True


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value
