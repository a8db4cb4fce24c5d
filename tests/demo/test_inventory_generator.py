"""The demo inventory generator: plausible, valid, consistent with its history, deterministic.

The read-only checks share one inventory generated at a small scale in a transaction of
their own (rolled back at the end of the module), so it is generated once, not per test.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.demo.inventory import (
    BASE_COUNTS,
    INITIAL_REASON,
    MASTS_AT_SCALE_1,
    generate_inventory,
)

SCALE = 0.02
GEOMETRY_TYPES = {"point": {"POINT"}, "line": {"LINESTRING", "MULTILINESTRING"}, "polygon": {"POLYGON", "MULTIPOLYGON"}}


@pytest.fixture(scope="module")
def inventory(engine, settings):
    """(session, counts) of one inventory generated at SCALE, rolled back after the module."""
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    counts = generate_inventory(session, settings.storage_srid, scale=SCALE)
    yield session, counts
    session.close()
    transaction.rollback()
    connection.close()


def rows(session: Session, sql: str, **params) -> list:
    return session.execute(text(sql), params).all()


def test_counts_per_type_are_plausible_and_proportional(inventory):
    session, counts = inventory
    stored = dict(rows(session, """
        SELECT t.code, count(*) FROM assets a JOIN asset_types t ON t.id = a.type_id GROUP BY 1"""))
    assert stored == counts
    masts = counts["street_light"]
    assert 0.8 * MASTS_AT_SCALE_1 * SCALE < masts < 1.2 * MASTS_AT_SCALE_1 * SCALE
    assert counts["luminaire"] == masts
    for code, base in BASE_COUNTS.items():  # exact scaled counts (rounded half up, at least one)
        assert counts[code] == max(1, int(base * SCALE + 0.5)), code
    assert counts["cctv_camera"] == 2  # 115 at scale 1
    assert 4 * counts["traffic_junction"] <= counts["signal_head"] <= 12 * counts["traffic_junction"]
    assert 2 <= counts["lighting_circuit"] / counts["lighting_cabinet"] <= 4
    assert sum(counts.values()) > 100_000 * SCALE


def test_geometries_are_valid_of_their_kind_and_inside_their_commune(inventory, settings):
    session, _ = inventory
    problems = rows(session, """
        SELECT t.code, GeometryType(a.geom) AS shape, t.geometry_kind,
               count(*) FILTER (WHERE NOT ST_IsValid(a.geom) OR ST_IsEmpty(a.geom)) AS invalid,
               count(*) FILTER (WHERE ST_SRID(a.geom) <> :srid) AS wrong_srid,
               count(*) FILTER (WHERE NOT ST_Within(a.geom, c.geom)) AS outside,
               count(*) FILTER (WHERE EXISTS (SELECT 1 FROM communes o
                                              WHERE o.id <> c.id AND ST_Intersects(o.geom, a.geom))) AS elsewhere
        FROM assets a JOIN asset_types t ON t.id = a.type_id JOIN communes c ON c.id = a.commune_id
        GROUP BY 1, 2, 3""", srid=settings.storage_srid)
    assert {p.code for p in problems} == set(BASE_COUNTS) | {"lighting_cabinet", "lighting_circuit", "street_light",
                                                              "luminaire", "signal_head"}
    for p in problems:
        assert p.shape in GEOMETRY_TYPES[p.geometry_kind], p
        assert (p.invalid, p.wrong_srid, p.outside, p.elsewhere) == (0, 0, 0, 0), p
    assert rows(session, "SELECT count(*) FROM assets WHERE commune_id IS NULL")[0][0] == 0


def test_references_are_unique_and_well_formed(inventory):
    session, counts = inventory
    found = rows(session, """
        SELECT a.reference, t.reference_prefix, c.insee FROM assets a
        JOIN asset_types t ON t.id = a.type_id JOIN communes c ON c.id = a.commune_id""")
    assert len(found) == sum(counts.values())
    assert len({r.reference for r in found}) == len(found)
    for reference, prefix, insee in found:
        assert re.fullmatch(rf"{prefix}-{insee}-\d{{6,}}", reference), reference


def attribute_problems(schema: list[dict], values: dict) -> list[str]:
    """What is wrong with ``values`` for ``schema`` (empty when valid)."""
    fields = {spec["name"]: spec for spec in schema}
    problems = [f"unknown {name}" for name in values if name not in fields]
    for name, spec in fields.items():
        value = values.get(name)
        if value is None:
            problems += [f"missing {name}"] if spec["required"] else []
            continue
        valid = {
            "text": lambda v: isinstance(v, str) and v.strip() != "",
            "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "decimal": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
            "boolean": lambda v: isinstance(v, bool),
            "date": lambda v: isinstance(v, str) and date.fromisoformat(v).isoformat() == v,
            "enum": lambda v: v in [choice["value"] for choice in spec["choices"]],
        }[spec["kind"]](value)
        problems += [] if valid else [f"{name}={value!r} is not a valid {spec['kind']}"]
    return problems


def test_attributes_of_assets_and_history_follow_their_type_schema(inventory):
    session, _ = inventory
    schemas = dict(rows(session, "SELECT id, attribute_schema FROM asset_types"))
    checked = Counter()
    for table in ("assets", "asset_history"):
        for type_id, attributes in rows(session, f"SELECT DISTINCT type_id, attributes FROM {table}"):
            assert attribute_problems(schemas[type_id], attributes) == [], (type_id, attributes)
            checked[table] += 1
    assert checked["assets"] > 1000 and checked["asset_history"] >= checked["assets"]


def test_lighting_and_signals_hang_under_allowed_parents(inventory):
    session, _ = inventory
    pairs = dict(((child, parent), n) for child, parent, n in rows(session, """
        SELECT t.code, pt.code, count(*) FROM assets a JOIN asset_types t ON t.id = a.type_id
        LEFT JOIN assets p ON p.id = a.parent_id LEFT JOIN asset_types pt ON pt.id = p.type_id GROUP BY 1, 2"""))
    hanging = {child: parent for child, parent in pairs if parent is not None}
    assert hanging == {"luminaire": "street_light", "street_light": "lighting_circuit",
                       "lighting_circuit": "lighting_cabinet", "signal_head": "traffic_junction"}
    assert {child for child, parent in pairs if parent is None} >= {"lighting_cabinet", "traffic_junction"}
    assert rows(session, """
        SELECT count(*) FROM assets a JOIN asset_types t ON t.id = a.type_id
        JOIN assets p ON p.id = a.parent_id JOIN asset_types pt ON pt.id = p.type_id
        WHERE NOT pt.code = ANY (t.parent_type_codes) OR a.commune_id <> p.commune_id""")[0][0] == 0


def test_each_mast_has_one_luminaire_and_stands_on_its_circuit_cable(inventory):
    session, _ = inventory
    masts = rows(session, """
        SELECT m.id, (SELECT count(*) FROM assets l WHERE l.parent_id = m.id) AS luminaires,
               (SELECT max(ST_Distance(l.geom, m.geom)) FROM assets l WHERE l.parent_id = m.id) AS lantern_m,
               ST_Distance(m.geom, c.geom) AS off_cable_m
        FROM assets m JOIN asset_types t ON t.id = m.type_id AND t.code = 'street_light'
        JOIN assets c ON c.id = m.parent_id""")
    assert masts
    assert all(m.luminaires == 1 and m.lantern_m < 2.0 and m.off_cable_m < 0.01 for m in masts)


def test_cabinets_have_two_to_four_circuits_and_about_a_hundred_masts(inventory):
    session, _ = inventory
    cabinets = rows(session, """
        SELECT co.name, count(DISTINCT ci.id) AS circuits, count(m.id) AS masts
        FROM assets cab JOIN asset_types t ON t.id = cab.type_id AND t.code = 'lighting_cabinet'
        JOIN communes co ON co.id = cab.commune_id
        JOIN assets ci ON ci.parent_id = cab.id JOIN assets m ON m.parent_id = ci.id
        GROUP BY cab.id, co.name""")
    assert all(1 <= c.circuits <= 4 and (c.circuits >= 2 or c.masts < 2) for c in cabinets)
    # Small communes at a small scale have one small cabinet; Dijon's are full-sized.
    dijon = [c.masts for c in cabinets if c.name == "Dijon"]
    assert dijon and all(60 <= n <= 190 for n in dijon)


def test_statuses_dates_conditions_and_makers_are_plausible(inventory):
    session, counts = inventory
    statuses = dict(rows(session, "SELECT status, count(*) FROM assets GROUP BY 1"))
    assert set(statuses) == {"planned", "in_service", "faulty", "out_of_service", "decommissioned"}
    assert statuses["in_service"] > 0.8 * sum(counts.values())
    wrong = rows(session, """
        SELECT a.reference FROM assets a JOIN asset_types t ON t.id = a.type_id
        WHERE CASE WHEN a.status = 'planned' THEN a.installed_on IS NOT NULL OR a.condition IS NOT NULL
                   ELSE a.installed_on NOT BETWEEN '1990-01-01' AND '2025-12-31' OR a.condition NOT BETWEEN 1 AND 5 END
           OR (t.code <> 'green_space' AND (a.manufacturer IS NULL OR a.manufacturer = ''))""")
    assert wrong == []


def test_version_counts_history_rows_and_latest_row_is_current_state(inventory):
    session, _ = inventory
    assert rows(session, """
        SELECT count(*) FROM assets a LEFT JOIN (
            SELECT asset_id, count(*) AS n, min(version) AS lo, max(version) AS hi, count(DISTINCT version) AS d
            FROM asset_history GROUP BY asset_id) h ON h.asset_id = a.id
        WHERE h.n IS NULL OR a.version <> h.n OR h.lo <> 1 OR h.hi <> h.n OR h.d <> h.n""")[0][0] == 0
    assert rows(session, """
        SELECT count(*) FROM assets a JOIN asset_history h ON h.asset_id = a.id AND h.version = a.version
        WHERE (h.reference, h.type_id, h.commune_id, h.status, h.installed_on, h.manufacturer, h.model,
               h.condition, h.attributes, h.parent_id)
              IS DISTINCT FROM (a.reference, a.type_id, a.commune_id, a.status, a.installed_on, a.manufacturer,
                                a.model, a.condition, a.attributes, a.parent_id)
           OR ST_AsEWKB(h.geom) <> ST_AsEWKB(a.geom)""")[0][0] == 0


def test_history_tells_a_consistent_story(inventory):
    session, _ = inventory
    history = rows(session, """
        SELECT h.*, t.code, lag(h.status) OVER w AS before, lag(h.recorded_at) OVER w AS previous_at
        FROM asset_history h JOIN asset_types t ON t.id = h.type_id
        WINDOW w AS (PARTITION BY asset_id ORDER BY version)""")
    changes = Counter(h.change for h in history)
    assert changes["status_changed"] > 0 and changes["replaced"] > 0 and changes["decommissioned"] > 0
    for h in history:
        assert h.recorded_at.date() <= date.today()
        if h.version == 1:
            assert (h.change, h.reason, h.actor_id, h.changes) == ("created", INITIAL_REASON, None, {}), h
            assert h.installed_on is None or h.recorded_at.date() == h.installed_on, h
            continue
        assert h.recorded_at > h.previous_at, h
        if h.change in ("status_changed", "decommissioned"):
            assert h.changes == {"status": [h.before, h.status]} and h.before != h.status, h
        else:
            assert h.change == "replaced" and h.code == "luminaire", h
            assert {"model", "attributes.serial_number"} <= set(h.changes) and h.attributes["lamp_technology"] == "led"


def test_dijon_is_denser_than_ahuy(inventory):
    session, _ = inventory
    density = dict(rows(session, """
        SELECT c.name, count(a.id) / (ST_Area(c.geom) / 1e6) FROM communes c
        LEFT JOIN assets a ON a.commune_id = c.id WHERE c.name IN ('Dijon', 'Ahuy') GROUP BY c.name, c.geom"""))
    assert density["Dijon"] > 2 * density["Ahuy"] > 0
