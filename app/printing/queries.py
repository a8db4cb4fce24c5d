"""Reads that fill printed work orders: the interventions (within the actor's scope), their
assets with key attributes and last history events, in the reader's language; the map
around each comes from ``map_queries``.

Work orders are read in chunks (a few statements per chunk, one map per order), so a
pack of 500 never holds more than a chunk of them.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Iterator

from babel.dates import format_date, format_datetime
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.errors import NotFound
from app.i18n import msg
from app.interventions import queries as intervention_queries
from app.interventions.board import LOCAL_ZONE, duration_text
from app.printing import map_queries
from app.printing.wording import code_labels
from print_templates.work_order_data import AssetEvent, AssetItem, Location, Task, WorkOrder

CHUNK = 20
MAX_FACTS = 5
EVENTS_PER_ASSET = 3
ADDRESS_DISTANCE_M = 40  # the nearest named road within this distance gives the address


@dataclass(frozen=True)
class PrintOptions:
    """How work orders are printed: map scale, language, the tablet app's base URL, SRID."""

    scale: int
    language: str
    public_url: str
    srid: int

    def field_url(self, intervention_id: int) -> str:
        """The tablet app's page of an intervention (what the QR code opens)."""
        return f"{self.public_url.rstrip('/')}/field/interventions/{intervention_id}"


def work_order(session: Session, actor: User, intervention_id: int, options: PrintOptions) -> WorkOrder:
    """One work order; NotFound outside the actor's scope."""
    orders = list(work_orders(session, actor, [intervention_id], options))
    if not orders:
        raise NotFound(msg("No intervention %(id)s.", id=intervention_id))
    return orders[0]


def work_orders(session: Session, actor: User, ids: list[int], options: PrintOptions) -> Iterator[WorkOrder]:
    """The work orders of ``ids`` in that order (those outside the actor's scope left out),
    read a chunk at a time."""
    types = map_queries.asset_types(session, options.language)
    labels = code_labels(options.language)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        rows = _intervention_rows(session, actor, chunk, options.srid)
        assets = _assets(session, chunk, types, labels, options.language)
        for intervention_id in chunk:
            row = rows.get(intervention_id)
            if row is not None:
                yield _work_order(session, row, assets.get(intervention_id, []), types, labels, options)


def _intervention_rows(session: Session, actor: User, ids: list[int], srid: int) -> dict[int, dict]:
    params: dict = {"srid": srid, "near": ADDRESS_DISTANCE_M}
    where = intervention_queries.where_clause(actor, intervention_queries.InterventionFilter(ids=ids), params)
    rows = session.execute(text(f"""
        SELECT i.id, i.reference, i.kind, i.priority, i.status, i.problem, i.description, i.checklist,
               i.estimated_minutes, i.planned_start, i.planned_end, i.due_at, c.name AS commune, tm.name AS team,
               ST_X(p.pt) AS x, ST_Y(p.pt) AS y, ST_AsBinary(i.geom) AS geom,
               (SELECT r.attributes->>'name' FROM assets r
                 WHERE r.type_id = (SELECT id FROM asset_types WHERE code = 'road_segment')
                   AND r.status <> 'decommissioned' AND r.attributes->>'name' <> ''
                   AND ST_DWithin(r.geom, p.pt, :near)
                 ORDER BY r.geom <-> p.pt LIMIT 1) AS street
        FROM interventions i CROSS JOIN LATERAL (SELECT ST_PointOnSurface(i.geom) AS pt) p
        LEFT JOIN communes c ON c.id = i.commune_id LEFT JOIN teams tm ON tm.id = i.team_id
        WHERE {where}"""), params).mappings()
    return {row["id"]: dict(row) for row in rows}


def _work_order(session: Session, row: dict, assets: list[tuple[int, AssetItem]], types: dict, labels: dict,
                options: PrintOptions) -> WorkOrder:
    language = options.language
    location = Location(x=row["x"], y=row["y"], srid=options.srid, commune=row["commune"], address=row["street"])
    extract = map_queries.map_extract(session, row, {asset_id for asset_id, _ in assets}, types, options)
    return WorkOrder(
        id=row["id"], reference=row["reference"], kind=labels["kind"][row["kind"]], priority=row["priority"],
        priority_label=labels["priority"][row["priority"]], status=labels["status"][row["status"]],
        location=location, qr_url=options.field_url(row["id"]), description=row["description"] or "",
        problem=labels["problem"].get(row["problem"]) if row["problem"] else None,
        due=_moment(row["due_at"], language), team=row["team"], window=_window(row, language),
        estimate=duration_text(row["estimated_minutes"]) if row["estimated_minutes"] else None,
        assets=tuple(item for _, item in assets),
        checklist=tuple(Task(task.get(f"label_{language}") or task.get("label_fr") or "", bool(task.get("done")))
                        for task in row["checklist"] or []),
        map=extract,
    )


def _assets(session: Session, ids: list[int], types: dict, labels: dict,
            language: str) -> dict[int, list[tuple[int, AssetItem]]]:
    rows = session.execute(text(
        "SELECT ia.intervention_id, a.id, a.reference, a.type_id, a.status, a.manufacturer, a.model, a.installed_on, "
        "a.condition, a.attributes FROM intervention_assets ia JOIN assets a ON a.id = ia.asset_id "
        "WHERE ia.intervention_id = ANY(:ids) ORDER BY ia.intervention_id, a.reference"), {"ids": ids}).mappings().all()
    events = _events(session, [row["id"] for row in rows], labels, language)
    result: dict[int, list[tuple[int, AssetItem]]] = defaultdict(list)
    for row in rows:
        kind = types[row["type_id"]]
        result[row["intervention_id"]].append((row["id"], AssetItem(
            reference=row["reference"], type_label=kind["label"],
            status_label=labels["asset_status"].get(row["status"], row["status"]),
            facts=_facts(row, kind["schema"], labels, language), events=tuple(events.get(row["id"], ())))))
    return result


def _facts(row: dict, schema: list[dict], labels: dict, language: str) -> tuple[tuple[str, str], ...]:
    """The asset's key attributes as (label, value): its type's attributes first, then the make."""
    facts = []
    for spec in schema:
        value = (row["attributes"] or {}).get(spec["name"])
        if value in (None, ""):
            continue
        if spec["kind"] == "boolean":
            value = labels["yes"] if value else labels["no"]
        elif spec["kind"] == "enum":
            value = next((c.get(f"label_{language}", c["value"]) for c in spec.get("choices", [])
                          if c["value"] == value), value)
        facts.append((spec.get(f"label_{language}") or spec["name"], f"{value} {spec['unit']}" if spec.get("unit")
                      else str(value)))
    make = " ".join(filter(None, (row["manufacturer"], row["model"])))
    if make:
        facts.append((labels["facts"]["model"], make))
    if row["installed_on"]:
        facts.append((labels["facts"]["installed_on"], format_date(row["installed_on"], "d MMM y", locale=language)))
    return tuple(facts[:MAX_FACTS])


def _events(session: Session, asset_ids: list[int], labels: dict, language: str) -> dict[int, list[AssetEvent]]:
    if not asset_ids:
        return {}
    rows = session.execute(text(
        "SELECT h.asset_id, h.recorded_at, h.change, h.reason, h.changes, i.reference "
        "FROM unnest(CAST(:ids AS int[])) AS x(id) CROSS JOIN LATERAL ("
        "  SELECT * FROM asset_history h WHERE h.asset_id = x.id ORDER BY h.recorded_at DESC, h.id DESC LIMIT :n) h "
        "LEFT JOIN interventions i ON i.id = h.intervention_id ORDER BY h.asset_id, h.recorded_at DESC"),
        {"ids": asset_ids, "n": EVENTS_PER_ASSET}).mappings()
    events: dict[int, list[AssetEvent]] = defaultdict(list)
    for row in rows:
        what = labels["change"].get(row["change"], row["change"])
        status = (row["changes"] or {}).get("status")
        if row["change"] == "status_changed" and isinstance(status, list) and len(status) == 2:
            what = labels["fact"] % {"label": what, "value": labels["asset_status"].get(status[1], status[1])}
        note = " · ".join(filter(None, (row["reason"], row["reference"])))
        events[row["asset_id"]].append(AssetEvent(format_date(row["recorded_at"].astimezone(LOCAL_ZONE), "d MMM y",
                                                              locale=language), what, note))
    return events


def _moment(value: datetime | None, language: str) -> str | None:
    return format_datetime(value, "EEE d MMM y, HH:mm", tzinfo=LOCAL_ZONE, locale=language) if value else None


def _window(row: dict, language: str) -> str | None:
    start, end = row["planned_start"], row["planned_end"]
    if start is None:
        return None
    if end is None:
        return _moment(start, language)
    same_day = start.astimezone(LOCAL_ZONE).date() == end.astimezone(LOCAL_ZONE).date()
    return f"{_moment(start, language)} → " + (format_datetime(end, "HH:mm", tzinfo=LOCAL_ZONE, locale=language)
                                               if same_day else _moment(end, language))

