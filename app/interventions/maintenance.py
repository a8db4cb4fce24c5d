"""Preventive maintenance plans: generate the visits that fall due, ahead of their date.

A plan visits every asset of a type (optionally of one model) every ``interval_months``.
``generate_due_interventions`` runs every night (``app.jobs.maintenance``, scheduled by
``vigie-cron``) or on demand (``vigie run-maintenance-plans``) and creates, for each
active plan, the interventions of the assets due within ``lead_days``, grouped.

When is an asset due?

* visited by the plan before: ``interval_months`` after its last visit, the day (in the
  territory's time zone) its latest completed or closed intervention of the plan was
  completed. A cancelled visit counts as a skipped occurrence: the next one is due
  ``interval_months`` after the cancelled one's due date.
* never visited: on the first anniversary of its installation (every
  ``interval_months``) that falls on or after the plan's ``starts_on``; on ``starts_on``
  itself when its installation date is unknown. So a new plan does not raise the whole
  backlog on its first night: visits spread over the interval as installations did.

Only assets in place are visited (not ``planned``, not ``decommissioned``); an asset
already in an open intervention of the plan is covered and left alone.

Groups (``group_by``): ``asset``, one intervention each; ``commune``, one per commune;
``parent``, one per network the assets hang on: their nearest ancestor that is a line
(a lighting circuit) or that has no parent itself (a cabinet, a junction). A mast on a
circuit is skipped, so luminaires are grouped per circuit like their masts, not one
per mast; assets without a parent are grouped per commune.

A group is due when its earliest asset is due within the lead time, and its visit takes
along the group's other assets that would fall due before the group's next visit (one
interval later): a circuit is done in one trip, not in a trip per mast, and its assets
share their visit dates from then on.

An intervention carries ``plan_id``, ``plan_group`` and ``plan_due_on`` (the earliest due
date of its group), unique together; it is due at the end of that day, not at SLA hours
after its generation. Running twice creates nothing twice: covered assets are skipped,
an existing occurrence is never made again, and a transaction-level advisory lock makes
two runs wait for each other.

Selection is one SQL query per plan (tens of thousands of street lights take well under
a second); creation is one ``create_intervention`` per group, each in a savepoint, so a
group that is refused (reported in the summary) does not stop the others.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.db import STORAGE_SRID
from app.errors import DomainError
from app.interventions.models import OPEN_STATUSES, Intervention, MaintenancePlan
from app.interventions.services import create_intervention
from app.interventions.sla import DEFAULT_CALENDAR
from app.inventory.models import AssetType

# A visit is due by the end of its day, in the territory's time zone.
END_OF_DUE_DAY = time(23, 59, 59)
_LOCK = "SELECT pg_advisory_xact_lock(hashtext('maintenance-plans'))"

# The assets one plan visits now, with their group. ``due``: every candidate asset (the
# plan's type and model, in place, not covered) with its due date; ``ancestry``: the walk
# up from each through point ancestors that have a parent; ``keyed``/``grouped``: each
# with its group and the group's due date. The final select keeps the groups due by the
# horizon, with their assets that would fall due before the group's next visit.
_DUE_ASSETS = text("""
WITH RECURSIVE visits AS (
    SELECT ia.asset_id,
           bool_or(i.status = ANY(:open_statuses)) AS covered,
           max(CASE WHEN i.status = 'cancelled' THEN i.plan_due_on
                    WHEN i.status IN ('completed', 'closed')
                    THEN (coalesce(i.completed_at, i.closed_at) AT TIME ZONE :zone)::date END) AS last_visit
    FROM interventions i JOIN intervention_assets ia ON ia.intervention_id = i.id
    WHERE i.plan_id = :plan_id
    GROUP BY ia.asset_id
), due AS (
    SELECT a.id, a.reference, a.commune_id, a.parent_id,
           CASE WHEN v.last_visit IS NOT NULL THEN (v.last_visit + every.months)::date
                WHEN a.installed_on IS NULL THEN CAST(:starts_on AS date)
                WHEN f.on_or_before >= CAST(:starts_on AS date) THEN f.on_or_before
                ELSE f.after END AS due_on
    FROM assets a
    CROSS JOIN (SELECT make_interval(months => CAST(:months AS integer)) AS months) every
    LEFT JOIN visits v ON v.asset_id = a.id
    -- n: whole intervals from the installation to starts_on, at least one
    CROSS JOIN LATERAL (
        SELECT greatest(1, (extract(year FROM age(CAST(:starts_on AS date), a.installed_on)) * 12
                            + extract(month FROM age(CAST(:starts_on AS date), a.installed_on)))::int
                           / CAST(:months AS integer)) AS n) k
    CROSS JOIN LATERAL (
        SELECT (a.installed_on + every.months * k.n)::date AS on_or_before,
               (a.installed_on + every.months * (k.n + 1))::date AS after) f
    WHERE a.type_id = :type_id
      AND (CAST(:model AS text) IS NULL OR a.model = CAST(:model AS text))
      AND a.status NOT IN ('planned', 'decommissioned')
      AND NOT coalesce(v.covered, false)
), ancestry AS (
    SELECT d.id AS asset_id, p.id AS node_id, p.parent_id AS node_parent, p.reference AS node_reference,
           t.geometry_kind = 'point' AND p.parent_id IS NOT NULL AS passes_up, 1 AS depth
    FROM due d JOIN assets p ON p.id = d.parent_id JOIN asset_types t ON t.id = p.type_id
    WHERE :group_by = 'parent'
    UNION ALL
    SELECT an.asset_id, p.id, p.parent_id, p.reference,
           t.geometry_kind = 'point' AND p.parent_id IS NOT NULL, an.depth + 1
    FROM ancestry an JOIN assets p ON p.id = an.node_parent JOIN asset_types t ON t.id = p.type_id
    WHERE an.passes_up AND an.depth < 16
), keyed AS (
    SELECT d.id AS asset_id, d.due_on, d.reference, d.commune_id, g.node_reference,
           CASE WHEN :group_by = 'asset' THEN 'asset:' || d.id
                WHEN :group_by = 'parent' AND g.node_id IS NOT NULL THEN 'parent:' || g.node_id
                ELSE 'commune:' || coalesce(d.commune_id::text, '-') END AS group_key
    FROM due d LEFT JOIN ancestry g ON g.asset_id = d.id AND NOT g.passes_up
), grouped AS (
    SELECT keyed.*, min(due_on) OVER (PARTITION BY group_key) AS group_due FROM keyed
)
SELECT x.asset_id, x.due_on, x.group_key,
       CASE WHEN :group_by = 'asset' THEN x.reference
            WHEN x.node_reference IS NOT NULL THEN x.node_reference
            ELSE coalesce(c.name, '-') END AS group_label
FROM grouped x
LEFT JOIN communes c ON c.id = x.commune_id
WHERE x.group_due <= :horizon
  AND x.due_on < x.group_due + make_interval(months => CAST(:months AS integer))
ORDER BY x.group_key, x.due_on, x.asset_id
""")


@dataclass(frozen=True)
class DueGroup:
    """The due assets of one plan that one intervention will visit."""

    key: str  # asset:<id>, parent:<id> or commune:<id>
    label: str  # the asset's or parent's reference, or the commune's name
    due_on: date  # the earliest due date of its assets
    asset_ids: tuple[int, ...]


@dataclass(frozen=True)
class GeneratedVisit:
    """One intervention a run created."""

    reference: str
    plan: str
    group: str
    due_on: date
    asset_count: int


@dataclass
class GenerationSummary:
    """What a run did: the interventions it created, the assets it left for later, the
    groups it could not create (with the reason)."""

    today: date
    created: list[GeneratedVisit] = field(default_factory=list)
    # Due assets whose group already has a visit on their date (they became due after
    # it was generated): they get their own visit once that date is past.
    deferred_assets: int = 0
    failures: list[dict] = field(default_factory=list)  # {"plan", "group", "message"}

    def as_dict(self) -> dict:
        """The summary in JSON types (the job's result)."""
        return {
            "today": self.today.isoformat(),
            "created": [{"reference": v.reference, "plan": v.plan, "group": v.group,
                         "due_on": v.due_on.isoformat(), "assets": v.asset_count} for v in self.created],
            "deferred_assets": self.deferred_assets,
            "failures": list(self.failures),
        }


def territory_today() -> date:
    """Today in the territory's time zone (what a nightly run means by today)."""
    return datetime.now(ZoneInfo(DEFAULT_CALENDAR.timezone)).date()


def generate_due_interventions(session: Session, today: date) -> GenerationSummary:
    """Create the interventions of every active plan whose assets are due by ``today``
    plus the plan's lead time and not covered yet; flush, never commit.

    Vigie itself is their author (no user). Two runs at once wait for each other (a
    transaction-level advisory lock), and a second run creates nothing already made.
    """
    session.execute(text(_LOCK))
    summary = GenerationSummary(today=today)
    plans = list(session.scalars(select(MaintenancePlan).where(MaintenancePlan.is_active)
                                 .order_by(MaintenancePlan.id)))
    for plan in plans:
        groups = due_groups(session, plan, today)
        taken = _occurrences(session, plan, [g.key for g in groups])
        for group in groups:
            due_on = _free_due_date(group, taken, today)
            if due_on is None:
                summary.deferred_assets += len(group.asset_ids)
                continue
            try:
                item = _create_visit(session, plan, group, due_on)
            except DomainError as refused:
                details = "; ".join(f"{name}: {message}" for name, message in refused.field_errors.items())
                summary.failures.append({"plan": plan.name, "group": group.key,
                                         "message": f"{refused.message} {details}".strip()})
                continue
            taken.add((group.key, due_on))
            summary.created.append(GeneratedVisit(item.reference, plan.name, group.label, due_on,
                                                  len(group.asset_ids)))
    return summary


def due_groups(session: Session, plan: MaintenancePlan, today: date) -> list[DueGroup]:
    """The groups of ``plan`` due by ``today`` + its lead time, each with its uncovered
    assets due before the group's next visit; earliest due first."""
    rows = session.execute(_DUE_ASSETS, {
        "plan_id": plan.id, "type_id": plan.asset_type_id, "model": plan.model, "months": plan.interval_months,
        "starts_on": plan.starts_on, "horizon": today + timedelta(days=plan.lead_days),
        "group_by": plan.group_by, "open_statuses": list(OPEN_STATUSES), "zone": DEFAULT_CALENDAR.timezone,
    }).all()
    groups = []
    for key, members in groupby(rows, key=lambda row: row.group_key):
        members = list(members)
        groups.append(DueGroup(key, members[0].group_label, min(m.due_on for m in members),
                               tuple(m.asset_id for m in members)))
    return sorted(groups, key=lambda g: (g.due_on, g.key))


def _occurrences(session: Session, plan: MaintenancePlan, keys: list[str]) -> set[tuple[str, date]]:
    """The (group, due date) of the plan's interventions already made for these groups."""
    rows = session.execute(select(Intervention.plan_group, Intervention.plan_due_on)
                           .where(Intervention.plan_id == plan.id, Intervention.plan_group.in_(keys)))
    return {(key, due_on) for key, due_on in rows}


def _free_due_date(group: DueGroup, taken: set[tuple[str, date]], today: date) -> date | None:
    """The group's due date, or today when that occurrence exists already and is past
    (assets that joined the group after its visit was made); None to wait."""
    if (group.key, group.due_on) not in taken:
        return group.due_on
    if group.due_on < today and (group.key, today) not in taken:
        return today
    return None


def _create_visit(session: Session, plan: MaintenancePlan, group: DueGroup, due_on: date) -> Intervention:
    """One intervention of ``plan`` on the group's assets, due at the end of ``due_on``."""
    with session.begin_nested():
        item = create_intervention(
            session, None, kind=plan.kind, priority=plan.priority, srid=STORAGE_SRID,
            asset_ids=list(group.asset_ids), description=f"{plan.name} — {group.label}",
            estimated_minutes=plan.estimated_minutes_per_asset * len(group.asset_ids),
        )
        item.plan_id, item.plan_group, item.plan_due_on = plan.id, group.key, due_on
        # Due on the plan's date, not at SLA hours after its generation.
        item.sla_rule_id = None
        item.due_at = datetime.combine(due_on, END_OF_DUE_DAY, ZoneInfo(DEFAULT_CALENDAR.timezone))
        session.flush()
    return item


# --- the demo's plans ------------------------------------------------------------------------

# (name, asset type, model or None, kind, months, lead days, group by, priority, minutes per asset)
DEFAULT_MAINTENANCE_PLANS = (
    ("Nettoyage semestriel des caméras de vidéoprotection", "cctv_camera", None, "preventive", 6, 30,
     "commune", 4, 30),
    ("Inspection annuelle des carrefours à feux", "traffic_junction", None, "inspection", 12, 30, "asset", 3, 120),
    ("Relampage des luminaires Philips Iridium SON-T", "luminaire", "Iridium SON-T", "preventive", 48, 60,
     "parent", 4, 20),
    ("Contrôle semestriel des bornes escamotables", "bollard", None, "inspection", 6, 21, "asset", 3, 60),
    ("Maintenance annuelle des défibrillateurs", "defibrillator", None, "preventive", 12, 30, "asset", 3, 30),
)


def load_default_maintenance_plans(session: Session, starts_on: date | None = None) -> list[MaintenancePlan]:
    """Add the demo's maintenance plans that are not there yet (by name; idempotent),
    starting ``starts_on`` (default: today). Returns the plans added."""
    starts_on = starts_on or territory_today()
    type_ids = dict(session.execute(select(AssetType.code, AssetType.id)).all())
    existing = set(session.scalars(select(MaintenancePlan.name)))
    added = [
        MaintenancePlan(name=name, asset_type_id=type_ids[code], model=model, kind=kind, interval_months=months,
                        lead_days=lead_days, group_by=group_by, priority=priority,
                        estimated_minutes_per_asset=minutes, starts_on=starts_on, is_active=True)
        for name, code, model, kind, months, lead_days, group_by, priority, minutes in DEFAULT_MAINTENANCE_PLANS
        if name not in existing and code in type_ids
    ]
    session.add_all(added)
    session.flush()
    return added
