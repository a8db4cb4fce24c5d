"""Asset and history rows: each asset numbered, its life turned into one row per state."""
from __future__ import annotations

import json
from collections import Counter
from datetime import datetime

from psycopg import Connection
from shapely.geometry.base import BaseGeometry
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.demo.inventory.copy_loader import AssetNumbers, Record, point_ewkb, shape_ewkb
from app.demo.inventory.lifecycle import Life
from app.demo.inventory.profiles import PROFILES
from app.demo.inventory.territory import Commune
from app.errors import ValidationFailed

INITIAL_REASON = "Reprise de l'inventaire initial"

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def load_asset_types(session: Session) -> dict[str, tuple[int, str]]:
    """Type code → (id, reference prefix); refuses a catalogue without the demo's types."""
    types = {row[0]: (row[1], row[2]) for row in session.execute(
        text("SELECT code, id, reference_prefix FROM asset_types"))}
    missing = sorted(set(PROFILES) - set(types))
    if missing:
        raise ValidationFailed(
            f"Asset types missing ({', '.join(missing)}): load the catalogue first (vigie load-demo).")
    return types


class InventoryRun:
    """What every generated asset shares: types, SRID, seed, scale, numbers and counts."""

    def __init__(self, connection: Connection, types: dict[str, tuple[int, str]], srid: int, seed: int,
                 scale: float) -> None:
        self.types, self.srid, self.seed, self.scale = types, srid, seed, scale
        self.numbers = AssetNumbers(connection)
        self.counts: Counter[str] = Counter()

    def point(self, x: float, y: float) -> str:
        """A point as hex EWKB in the storage SRID."""
        return point_ewkb(self.srid, x, y)

    def shape(self, geom: BaseGeometry) -> str:
        """A line or polygon as hex EWKB in the storage SRID."""
        return shape_ewkb(self.srid, geom)

    def asset(self, code: str, commune: Commune, ewkb: str, parent_id: int | None, life: Life) -> tuple[int, Record]:
        """Number a new asset; returns its id and its rows."""
        type_id, prefix = self.types[code]
        asset_id, number = self.numbers.take()
        self.counts[code] += 1
        fixed = (f"{prefix}-{commune.insee}-{number:06d}", type_id, ewkb, commune.id)
        return asset_id, _rows(asset_id, fixed, parent_id, life)


def _rows(asset_id: int, fixed: tuple, parent_id: int | None, life: Life) -> Record:
    """The asset row (its latest state) and one history row per state, version 1..n."""
    state = {"status": life.status, "installed_on": life.installed_on, "manufacturer": life.manufacturer,
             "model": life.model, "condition": life.condition, "attributes": dict(life.attributes)}
    attributes = _json(state["attributes"])  # encoded again only when they change
    history = [_history_row(asset_id, life.created_at, "created", INITIAL_REASON, {}, 1, fixed, state, attributes,
                            parent_id)]
    for recorded_at, change, reason, patch in life.events:
        changes = _apply(state, patch)
        if any(key.startswith("attributes.") for key in changes):
            attributes = _json(state["attributes"])
        history.append(_history_row(asset_id, recorded_at, change, reason, changes, len(history) + 1,
                                    fixed, state, attributes, parent_id))
    reference, type_id, ewkb, commune_id = fixed
    asset = (asset_id, reference, type_id, ewkb, commune_id, state["status"], state["installed_on"],
             state["manufacturer"], state["model"], state["condition"], attributes, parent_id, len(history))
    return asset, history


def _apply(state: dict, patch: dict) -> dict:
    """Apply a patch ({field or attributes.name: value}); returns {field: [before, after]}."""
    changes = {}
    for key, value in patch.items():
        if key.startswith("attributes."):
            name = key.removeprefix("attributes.")
            before = state["attributes"].pop(name, None)
            if value is not None:
                state["attributes"][name] = value
        else:
            before, state[key] = state[key], value
        if before != value:
            changes[key] = [before, value]
    return changes


def _history_row(asset_id: int, recorded_at: datetime, change: str, reason: str, changes: dict, version: int,
                 fixed: tuple, state: dict, attributes: str, parent_id: int | None) -> tuple:
    """A history row: the change, then the full state from ``recorded_at`` on."""
    reference, type_id, ewkb, commune_id = fixed
    return (asset_id, recorded_at, change, reason, _json(changes) if changes else "{}", version, reference, type_id,
            ewkb, commune_id, state["status"], state["installed_on"], state["manufacturer"], state["model"],
            state["condition"], attributes, parent_id)


def _json(value: dict) -> str:
    """Compact JSON, accents kept."""
    return _ENCODER.encode(value)
