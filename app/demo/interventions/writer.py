"""Writing the drafts: ids and yearly references in report order, then COPY of the
interventions, their assets and timelines, the assets' new history rows (through a
staging table, which adds each asset's unchanged columns), the assets' new state, and
the reference counters advanced past the last number handed out."""
from __future__ import annotations

import json

from psycopg import Connection
from sqlalchemy.orm import Session

from app.demo.interventions.life import Draft
from app.demo.interventions.pool import HistoryRow

SERIES = "INT"
INTERVENTION_COLUMNS = (
    "id, reference, version, kind, priority, status, problem, description, geom, commune_id, checklist, "
    "estimated_minutes, team_id, planned_start, planned_end, reported_at, due_at, sla_rule_id, cause, action_taken, "
    "parts_used, time_spent_minutes, outcome, replacement, cancel_reason, created_by_id, created_at, updated_at, "
    "started_at, completed_at, closed_at, plan_id, plan_group, plan_due_on")
EVENT_COLUMNS = "intervention_id, at, actor_id, from_status, to_status, comment, changes"
STAGED_COLUMNS = ("asset_id, recorded_at, actor_id, change, reason, changes, intervention_id, version, status, "
                  "installed_on")
# Checklist ticks by status: all done once completed, half way while the work goes on.
DONE_SHARE = {"completed": 1.0, "closed": 1.0, "reopened": 1.0, "in_progress": 0.5, "on_hold": 0.5}

# Compact JSON, accents kept; dates and times as ISO strings.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=lambda value: value.isoformat())


def write_drafts(session: Session, drafts: list[Draft], history: list[HistoryRow]) -> None:
    """Number and store the drafts, the assets' history rows and their new state."""
    connection = session.connection().connection.driver_connection
    drafts.sort(key=lambda draft: draft.reported_at)
    _number(connection, drafts)
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY interventions ({INTERVENTION_COLUMNS}) FROM STDIN") as copy:
            for draft in drafts:
                copy.write_row(_intervention_row(draft))
        with cursor.copy("COPY intervention_assets (intervention_id, asset_id) FROM STDIN") as copy:
            for draft in drafts:
                for asset in draft.assets:
                    copy.write_row((draft.id, asset.id))
        with cursor.copy(f"COPY intervention_events ({EVENT_COLUMNS}) FROM STDIN") as copy:
            for draft in drafts:
                for step in draft.steps:
                    copy.write_row((draft.id, step.at, step.actor_id, step.source, step.target, step.comment,
                                    _json(step.changes)))
    _write_history(connection, history)
    _advance_counters(connection, drafts)


def _number(connection: Connection, drafts: list[Draft]) -> None:
    """Ids from the sequence and ``INT-YEAR-NNNNNN`` numbers following each year's counter."""
    ids = sorted(row[0] for row in connection.execute(
        "SELECT nextval(pg_get_serial_sequence('interventions', 'id')) FROM generate_series(1, %s)", (len(drafts),)))
    last = dict(connection.execute("SELECT year, last_number FROM reference_counters WHERE series = %s", (SERIES,)))
    for draft, intervention_id in zip(drafts, ids):
        year = draft.reported_at.year
        last[year] = last.get(year, 0) + 1
        draft.id, draft.reference = intervention_id, f"{SERIES}-{year}-{last[year]:06d}"


def _intervention_row(draft: Draft) -> tuple:
    fields, status = draft.fields, draft.status
    done = round(len(draft.checklist) * DONE_SHARE.get(status, 0.0))
    checklist = [{**task, "done": number < done} for number, task in enumerate(draft.checklist)]
    replacement = fields.get("replacement")
    return (draft.id, draft.reference, len(draft.steps) + 1, draft.kind, draft.priority, status, draft.problem,
            draft.description, draft.geom, draft.commune_id, _json(checklist), draft.estimated_minutes,
            fields.get("team_id"), fields.get("planned_start"), fields.get("planned_end"), draft.reported_at,
            draft.due_at, draft.sla_rule_id, fields.get("cause"), fields.get("action_taken"),
            _json(fields.get("parts_used", [])), fields.get("time_spent_minutes"), fields.get("outcome"),
            _json(replacement) if replacement else None, fields.get("cancel_reason"), draft.created_by_id,
            draft.steps[0].at, draft.steps[-1].at, fields.get("started_at"), fields.get("completed_at"),
            fields.get("closed_at"), *(draft.plan or (None, None, None)))


def _write_history(connection: Connection, history: list[HistoryRow]) -> None:
    """Insert the history rows with each asset's unchanged columns, then set the assets'
    status, installation date and version to their latest row's."""
    if not history:
        return
    connection.execute(
        "CREATE TEMPORARY TABLE demo_asset_changes (asset_id integer, recorded_at timestamptz, actor_id integer, "
        "change text, reason text, changes jsonb, intervention_id integer, version integer, status text, "
        "installed_on date) ON COMMIT DROP")
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY demo_asset_changes ({STAGED_COLUMNS}) FROM STDIN") as copy:
            for row in history:
                intervention = row.intervention
                reason = row.reason or f"{intervention.reference}: {intervention.fields['action_taken']}"
                copy.write_row((row.asset.id, row.recorded_at, row.actor_id, row.change, reason, _json(row.changes),
                                intervention.id if intervention else None, row.version, row.status,
                                row.installed_on))
    connection.execute(
        "INSERT INTO asset_history (asset_id, recorded_at, actor_id, change, reason, changes, intervention_id, "
        "version, status, installed_on, reference, type_id, geom, commune_id, manufacturer, model, condition, "
        "attributes, parent_id) "
        "SELECT s.asset_id, s.recorded_at, s.actor_id, s.change, s.reason, s.changes, s.intervention_id, s.version, "
        "s.status, s.installed_on, a.reference, a.type_id, a.geom, a.commune_id, a.manufacturer, a.model, "
        "a.condition, a.attributes, a.parent_id "
        "FROM demo_asset_changes s JOIN assets a ON a.id = s.asset_id ORDER BY s.asset_id, s.version")
    connection.execute(
        "UPDATE assets a SET status = s.status, installed_on = s.installed_on, version = s.version, "
        "updated_at = now() "
        "FROM (SELECT DISTINCT ON (asset_id) * FROM demo_asset_changes ORDER BY asset_id, version DESC) s "
        "WHERE a.id = s.asset_id")
    connection.execute("DROP TABLE demo_asset_changes")


def _advance_counters(connection: Connection, drafts: list[Draft]) -> None:
    """Set each year's counter to its last number, so that the app numbers on from there."""
    last: dict[int, int] = {}
    for draft in drafts:
        year, number = draft.reported_at.year, int(draft.reference.rsplit("-", 1)[1])
        last[year] = max(last.get(year, 0), number)
    for year, number in sorted(last.items()):
        connection.execute(
            "INSERT INTO reference_counters (series, year, last_number) VALUES (%s, %s, %s) "
            "ON CONFLICT (series, year) DO UPDATE SET last_number = GREATEST(reference_counters.last_number, "
            "EXCLUDED.last_number)", (SERIES, year, number))


def _json(value: object) -> str:
    return _ENCODER.encode(value)
