"""Recording the crews' positions, and forgetting the old ones.

A tablet posts one fix or a queue of them (after a network loss); each carries the
tablet's own id, so a replay stores nothing twice. Every item is checked before anything
is written; a refused batch names each wrong item by its index and field.
"""
from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY, DOUBLE_PRECISION, TIMESTAMP, UUID
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.roles import Permission
from app.errors import PermissionDenied, ValidationFailed
from app.i18n import Msg, msg
from gis.crs import transformer

MAX_POSITIONS_PER_POST = 500  # a tablet offline for two hours at one fix every 15 s
# Fixes farther than this outside the territory's box are refused (a GPS gone astray, or
# latitude and longitude swapped); the margin covers depots and suppliers just outside.
TERRITORY_MARGIN_M = 20_000
MAX_ACCURACY_M = 10_000
FUTURE_TOLERANCE = timedelta(minutes=5)  # tablets' clocks drift
RETENTION_DAYS = 30  # positions older than this are deleted every night (the last one stays)
PURGE_BATCH = 20_000


@dataclass(frozen=True)
class _Fix:
    client_id: uuid.UUID
    x: float
    y: float
    accuracy_m: float | None
    recorded_at: datetime


def record_positions(session: Session, actor: User, items: object, storage_srid: int,
                     now: datetime | None = None) -> int:
    """Store the fixes ``items`` posted by ``actor``'s tablet (a list of
    ``{"id", "longitude", "latitude", "accuracy_m", "recorded_at"}``) and return how many
    were new; ids already stored are skipped."""
    if not actor.can(Permission.DO_FIELD_WORK):
        raise PermissionDenied(msg("Only field agents post their position."))
    team_id = session.execute(text(
        "SELECT m.team_id FROM team_members m JOIN teams t ON t.id = m.team_id "
        "WHERE m.user_id = :user AND t.is_active ORDER BY m.team_id LIMIT 1"), {"user": actor.id}).scalar()
    if team_id is None:
        raise PermissionDenied(msg("You are in no active team: only crews' positions are recorded."))
    now = now or datetime.now(timezone.utc)
    fixes = _checked(session, items, storage_srid, now)
    return _store(session, actor.id, team_id, fixes, storage_srid)


def purge_old_positions(session: Session, now: datetime | None = None, batch: int = PURGE_BATCH) -> int:
    """Delete up to ``batch`` positions received more than ``RETENTION_DAYS`` ago (the
    last position of each agent is kept apart and stays); return how many went."""
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=RETENTION_DAYS)
    return session.execute(text(
        "DELETE FROM crew_positions WHERE id IN (SELECT id FROM crew_positions WHERE received_at < :cutoff "
        "ORDER BY received_at LIMIT :batch)"), {"cutoff": cutoff, "batch": batch}).rowcount


# --- checks -----------------------------------------------------------------------------------

def _checked(session: Session, items: object, storage_srid: int, now: datetime) -> list[_Fix]:
    if not isinstance(items, list) or not items:
        raise ValidationFailed(msg("Send a list of positions."),
                               {"positions": msg("Send at least one position in a list.")})
    if len(items) > MAX_POSITIONS_PER_POST:
        raise ValidationFailed(msg("Too many positions."), {"positions": msg(
            "At most %(max)s positions at a time.", max=MAX_POSITIONS_PER_POST)})
    box = _territory_box(session)
    to_storage = transformer(4326, storage_srid)
    errors: dict[str, Msg] = {}
    fixes: dict[uuid.UUID, _Fix] = {}
    for index, item in enumerate(items):
        fix = _fix(index, item, box, to_storage, now, errors)
        if fix is not None:
            fixes.setdefault(fix.client_id, fix)
    if errors:
        raise ValidationFailed(msg("Some positions are not valid; none was stored."), errors)
    return list(fixes.values())


def _fix(index: int, item: object, box, to_storage, now: datetime, errors: dict[str, Msg]) -> _Fix | None:
    def wrong(field: str, message: Msg) -> None:
        errors[f"positions[{index}].{field}"] = message

    if not isinstance(item, dict):
        wrong("id", msg("Position %(index)s is not an object.", index=index))
        return None
    client_id = _uuid(item.get("id"))
    if client_id is None:
        wrong("id", msg("Position %(index)s: give the tablet's id of the position (a UUID).", index=index))
    longitude, latitude = _number(item.get("longitude")), _number(item.get("latitude"))
    if longitude is None or not -180 <= longitude <= 180:
        wrong("longitude", msg("Position %(index)s: the longitude must be a number of degrees from -180 to 180.",
                               index=index))
    if latitude is None or not -90 <= latitude <= 90:
        wrong("latitude", msg("Position %(index)s: the latitude must be a number of degrees from -90 to 90.",
                              index=index))
    accuracy = item.get("accuracy_m")
    if accuracy is not None:
        accuracy = _number(accuracy)
        if accuracy is None or not 0 <= accuracy <= MAX_ACCURACY_M:
            wrong("accuracy_m", msg("Position %(index)s: the accuracy must be a number of metres from 0 to %(max)s.",
                                    index=index, max=MAX_ACCURACY_M))
    recorded_at = _instant(item.get("recorded_at"))
    if recorded_at is None:
        wrong("recorded_at", msg("Position %(index)s: give the time of the fix in ISO 8601 with its offset, "
                                 "such as 2026-11-22T09:15:00+01:00.", index=index))
    elif recorded_at > now + FUTURE_TOLERANCE:
        wrong("recorded_at", msg("Position %(index)s: the time of the fix is in the future; check the tablet's clock.",
                                 index=index))
    elif recorded_at < now - timedelta(days=RETENTION_DAYS):
        wrong("recorded_at", msg("Position %(index)s: the fix is older than %(days)s days.", index=index,
                                 days=RETENTION_DAYS))
    if any(key.startswith(f"positions[{index}].") for key in errors):
        return None
    x, y = to_storage.transform(longitude, latitude)
    if box is not None and not (box[0] <= x <= box[2] and box[1] <= y <= box[3]):
        wrong("longitude", msg("Position %(index)s is far outside the territory (%(lon)s, %(lat)s): "
                               "check that longitude and latitude are not swapped.",
                               index=index, lon=round(longitude, 5), lat=round(latitude, 5)))
        return None
    return _Fix(client_id, x, y, accuracy, recorded_at)


def _territory_box(session: Session) -> tuple[float, float, float, float] | None:
    """The territory's bounding box in the storage SRID, widened by the margin (None
    while no territory is loaded)."""
    row = session.execute(text(
        "SELECT min(ST_XMin(geom)), min(ST_YMin(geom)), max(ST_XMax(geom)), max(ST_YMax(geom)) "
        "FROM territory_outline")).one()
    if row[0] is None:
        return None
    return (row[0] - TERRITORY_MARGIN_M, row[1] - TERRITORY_MARGIN_M,
            row[2] + TERRITORY_MARGIN_M, row[3] + TERRITORY_MARGIN_M)


def _uuid(value: object) -> uuid.UUID | None:
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _instant(value: object) -> datetime | None:
    """An ISO 8601 instant that names its offset (a naive time is ambiguous)."""
    if not isinstance(value, str):
        return None
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        return None
    return instant if instant.tzinfo is not None else None


# --- storage ----------------------------------------------------------------------------------

_STORE = text("""
    WITH incoming AS (
        SELECT * FROM unnest(:ids, :xs, :ys, :accuracies, :times) AS t(client_id, x, y, accuracy_m, recorded_at)
    ), stored AS (
        INSERT INTO crew_positions (client_id, user_id, team_id, geom, accuracy_m, recorded_at)
        SELECT client_id, :user, :team, ST_SetSRID(ST_MakePoint(x, y), :srid), accuracy_m, recorded_at FROM incoming
        ON CONFLICT (client_id) DO NOTHING
        RETURNING geom, accuracy_m, recorded_at, received_at
    ), latest AS (
        INSERT INTO crew_last_positions (user_id, geom, accuracy_m, recorded_at, received_at)
        SELECT :user, geom, accuracy_m, recorded_at, received_at FROM stored ORDER BY recorded_at DESC LIMIT 1
        ON CONFLICT (user_id) DO UPDATE
        SET geom = excluded.geom, accuracy_m = excluded.accuracy_m, recorded_at = excluded.recorded_at,
            received_at = excluded.received_at
        WHERE crew_last_positions.recorded_at < excluded.recorded_at
        RETURNING 1
    )
    SELECT count(*) FROM stored  -- "latest" runs all the same: a data-modifying WITH always does
""").bindparams(
    bindparam("ids", type_=ARRAY(UUID(as_uuid=True))), bindparam("xs", type_=ARRAY(DOUBLE_PRECISION)),
    bindparam("ys", type_=ARRAY(DOUBLE_PRECISION)), bindparam("accuracies", type_=ARRAY(DOUBLE_PRECISION)),
    bindparam("times", type_=ARRAY(TIMESTAMP(timezone=True))),
)


def _store(session: Session, user_id: int, team_id: int, fixes: list[_Fix], srid: int) -> int:
    """Insert the new fixes and move the agent's last position forward, in one statement."""
    return session.execute(_STORE, {
        "ids": [f.client_id for f in fixes], "xs": [f.x for f in fixes], "ys": [f.y for f in fixes],
        "accuracies": [f.accuracy_m for f in fixes], "times": [f.recorded_at for f in fixes],
        "user": user_id, "team": team_id, "srid": srid,
    }).scalar_one()
