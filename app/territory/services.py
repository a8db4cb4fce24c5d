"""Loading the territory: communes (with historical mergers) and the outline."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from shapely.geometry import shape
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.errors import ValidationFailed
from app.territory.models import Commune, TerritoryOutline
from gis.crs import reproject
from gis.geometry import as_valid_multipolygon, union_without_slivers

WGS84 = 4326
# Gaps left between neighbouring communes by outline simplification are closed
# when the outline is derived; holes larger than this are real and kept.
SLIVER_MAX_AREA_M2 = 50_000.0


@dataclass(frozen=True)
class CommuneMerger:
    """Communes merged into a new one (e.g. a 'commune nouvelle')."""

    merged_insee: tuple[str, ...]
    new_insee: str
    new_name: str


def load_communes(
    session: Session,
    geojson_path: Path,
    storage_srid: int,
    mergers: tuple[CommuneMerger, ...] = (),
    outline_name: str = "Territoire",
) -> int:
    """Upsert the communes of a GeoJSON file (WGS84, properties code/nom) and the outline.

    Returns the number of communes. Idempotent: running it twice changes nothing.
    """
    features = json.loads(geojson_path.read_text(encoding="utf-8"))["features"]
    communes = {
        f["properties"]["code"]: (f["properties"]["nom"], shape(f["geometry"])) for f in features
    }
    for merger in mergers:
        parts = [communes.pop(code) for code in merger.merged_insee if code in communes]
        if len(parts) != len(merger.merged_insee):
            raise ValidationFailed(f"merger into {merger.new_insee}: some communes are missing")
        merged = union_without_slivers([geom for _, geom in parts], max_hole_area=0.0)
        communes[merger.new_insee] = (merger.new_name, merged)

    existing = {c.insee: c for c in session.scalars(select(Commune))}
    stored = []
    for insee, (name, geom_wgs84) in sorted(communes.items()):
        geom = as_valid_multipolygon(reproject(geom_wgs84, WGS84, storage_srid))
        stored.append(geom)
        commune = existing.pop(insee, None) or Commune(insee=insee)
        commune.name = name
        commune.geom = f"SRID={storage_srid};{geom.wkt}"
        session.add(commune)
    for stale in existing.values():
        session.delete(stale)
    outline = union_without_slivers(stored, max_hole_area=SLIVER_MAX_AREA_M2)
    session.execute(delete(TerritoryOutline))
    session.add(TerritoryOutline(name=outline_name, geom=f"SRID={storage_srid};{outline.wkt}"))
    session.flush()
    return len(communes)
