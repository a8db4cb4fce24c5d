"""A deterministic demo inventory of Dijon Métropole: about 100,000 assets with history.

There is no street data for Dijon in the repository, so streets are synthesised: in
each commune a quadtree of square blocks, smaller where the town is denser (Dijon
centre, then each commune's old village centre), plus radial avenues out of Dijon,
clipped to the commune. Street lights stand every 25-35 m along those streets, in
circuits under cabinets; the other assets are spread along the same streets.

Rows are built in Python and bulk-loaded with COPY in chunks (assets, then their
history), so that a scale of 10 (a million assets) runs in bounded memory. Every random
draw comes from a generator seeded by (seed, commune, stream): the same seed and scale
give the same inventory. Reference numbers come from ``asset_reference_seq`` in
generation order, so they are the same from the same sequence start (an empty database).

Modules, in the order of a run: ``territory`` (communes, density), ``streets`` (street
synthesis), ``quotas`` (how many of each type per commune), ``placement`` (places along
streets), ``network`` (lighting and junctions), ``furniture`` (the other assets),
``lifecycle`` with ``profiles``, ``makers``, ``attributes`` and ``dates`` (each asset's
life), ``records`` (rows) and ``copy_loader`` (numbers, EWKB, COPY); ``seeds`` names the
random streams.
"""
from __future__ import annotations

from typing import Iterator

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.demo.inventory.copy_loader import Record, bulk_load
from app.demo.inventory.furniture import PLACERS
from app.demo.inventory.network import MAST_GAP_M, MASTS_AT_SCALE_1, junction_assets, lighting_assets
from app.demo.inventory.profiles import BASE_COUNTS
from app.demo.inventory.quotas import commune_quotas
from app.demo.inventory.records import INITIAL_REASON, InventoryRun, load_asset_types
from app.demo.inventory.seeds import DEFAULT_SEED, STREAM_SCATTERED, seeded_rng
from app.demo.inventory.streets import Streets, street_plans
from app.demo.inventory.territory import Commune, load_territory

__all__ = ["BASE_COUNTS", "DEFAULT_SEED", "INITIAL_REASON", "MASTS_AT_SCALE_1", "generate_inventory",
           "load_demo_inventory"]


def load_demo_inventory(session: Session, storage_srid: int, scale: float = 1.0,
                        seed: int = DEFAULT_SEED) -> dict[str, int] | None:
    """Generate the demo inventory unless the registry already has an asset (then None)."""
    if session.execute(text("SELECT EXISTS (SELECT 1 FROM assets)")).scalar_one():
        return None
    return generate_inventory(session, storage_srid, scale=scale, seed=seed)


def generate_inventory(session: Session, storage_srid: int, scale: float = 1.0,
                       seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Generate assets and their history in the session's transaction; counts per type code."""
    if not scale > 0:
        raise ValueError("scale must be positive")
    session.flush()  # the catalogue or communes may still be pending in the session
    connection = session.connection().connection.driver_connection
    run = InventoryRun(connection, load_asset_types(session), storage_srid, seed, scale)
    communes, density = load_territory(session, storage_srid)
    # Streets are drawn for at least scale 1; smaller scales light only part of them.
    target_m = max(scale, 1.0) * MASTS_AT_SCALE_1 * sum(MAST_GAP_M) / 2
    plans = street_plans(communes, density, seed, target_m)
    quotas = commune_quotas(plans, scale)
    records = (record for commune, plan, quota in zip(communes, plans, quotas)
               for record in _commune_assets(run, commune, plan, quota))
    bulk_load(connection, records)
    return dict(sorted(run.counts.items()))


def _commune_assets(run: InventoryRun, commune: Commune, streets: Streets, quota: dict[str, int]) -> Iterator[Record]:
    """All the assets of one commune, parents before their children."""
    yield from lighting_assets(run, commune, streets)
    yield from junction_assets(run, commune, streets, quota["traffic_junction"])
    for number, code in enumerate(BASE_COUNTS):
        if code != "traffic_junction" and quota[code]:
            rng = seeded_rng(run.seed, commune.key, STREAM_SCATTERED + number)
            yield from PLACERS[code](run, commune, streets, code, quota[code], rng)
