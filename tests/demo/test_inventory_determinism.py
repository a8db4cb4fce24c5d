"""The demo inventory generator is deterministic and only fills an empty registry.

These tests generate in the test's own transaction (``db``); they live apart from the
module that keeps one generated inventory open, whose locks on the tile tables would
make a second generating connection wait.
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.demo.inventory import generate_inventory, load_demo_inventory
from tests.demo.test_inventory_generator import rows


def digest(session: Session) -> list[tuple]:
    """Everything generated, with reference numbers counted from the run's first one."""
    found = rows(session, """
        SELECT a.reference, t.code, encode(ST_AsEWKB(a.geom), 'hex'), a.status, a.installed_on, a.manufacturer,
               a.model, a.condition, a.attributes::text, p.reference AS parent, a.version,
               (SELECT array_agg(h.change || h.recorded_at::text || h.changes::text ORDER BY h.version)
                FROM asset_history h WHERE h.asset_id = a.id)
        FROM assets a JOIN asset_types t ON t.id = a.type_id LEFT JOIN assets p ON p.id = a.parent_id ORDER BY a.id""")
    first = min(int(r.reference.rsplit("-", 1)[1]) for r in found)

    def relative(reference: str | None) -> str | None:
        if reference is None:
            return None
        head, number = reference.rsplit("-", 1)
        return f"{head}-{int(number) - first}"

    return [(relative(r[0]), *r[1:9], relative(r.parent), *r[10:]) for r in found]


def generated(db: Session, settings, **options) -> list[tuple]:
    """Generate in a savepoint on an emptied registry, digest, roll back."""
    savepoint = db.begin_nested()
    db.execute(text("TRUNCATE asset_history, assets CASCADE"))  # rolled back with the savepoint
    generate_inventory(db, settings.storage_srid, **options)
    result = digest(db)
    savepoint.rollback()
    return result


def test_same_seed_and_scale_give_the_same_inventory(db, settings):
    first = generated(db, settings, scale=0.01)
    second = generated(db, settings, scale=0.01)
    assert len(first) > 500
    assert first == second
    other_seed = generated(db, settings, scale=0.01, seed=7)
    assert {row[2] for row in other_seed}.isdisjoint({row[2] for row in first})


def test_load_demo_inventory_only_fills_an_empty_registry(db, settings):
    # Other tests may have committed assets; empty the registry inside this transaction
    # only (TRUNCATE does not fire the append-only row trigger; all is rolled back).
    db.execute(text("TRUNCATE asset_history, assets CASCADE"))
    counts = load_demo_inventory(db, settings.storage_srid, scale=0.005)
    assert counts and sum(counts.values()) == db.execute(text("SELECT count(*) FROM assets")).scalar_one()
    assert load_demo_inventory(db, settings.storage_srid, scale=0.005) is None
    assert db.execute(text("SELECT count(*) FROM assets")).scalar_one() == sum(counts.values())
