"""The migrations build the schema the models describe, and undo it."""
from __future__ import annotations

import json

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from app.db_admin import recreate_database, run_alembic


def test_upgrade_check_downgrade_upgrade(settings):
    url = make_url(settings.database_url)
    scratch = url.set(database=f"{url.database}_migrations").render_as_string(hide_password=False)
    recreate_database(scratch)
    # alembic check raises if the models and the migrated schema differ.
    run_alembic(scratch, ("upgrade", "head"), ("check",))
    engine = create_engine(scratch)
    with engine.connect() as connection:
        assert {"communes", "users", "login_sessions", "territory_outline"} <= set(inspect(connection).get_table_names())
        assert connection.execute(text("SELECT count(*) FROM pg_extension WHERE extname = 'postgis'")).scalar() == 1
    run_alembic(scratch, ("downgrade", "base"))
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) == {"alembic_version"}
        assert connection.execute(text("SELECT count(*) FROM pg_extension WHERE extname = 'postgis'")).scalar() == 0
    run_alembic(scratch, ("upgrade", "head"), ("check",))
    engine.dispose()


def test_the_asset_features_migration_stores_the_features_of_existing_assets(settings):
    from app.db import STORAGE_SRID

    url = make_url(settings.database_url)
    scratch = url.set(database=f"{url.database}_migrations").render_as_string(hide_password=False)
    recreate_database(scratch)
    run_alembic(scratch, ("upgrade", "7a1e5c3b9d20"))
    engine = create_engine(scratch)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO asset_types (code, label_fr, label_en, geometry_kind, reference_prefix, attribute_schema, "
            "symbol, colour, parent_type_codes) VALUES ('bench', 'Banc', 'Bench', 'point', 'BA', '[]', 'square', "
            "'#8c6d31', '{}')"))
        connection.execute(text(
            "INSERT INTO assets (version, reference, type_id, geom, status, attributes, manufacturer) "
            f"SELECT 1, 'BA-' || n, (SELECT id FROM asset_types), "
            f"ST_Transform(ST_SetSRID(ST_MakePoint(5.04 + n / 1000.0, 47.32), 4326), {STORAGE_SRID}), "
            "'in_service', jsonb_build_object('seats', n), 'Ateliers \"Dupont\"' FROM generate_series(1, 3) AS n"))
    run_alembic(scratch, ("upgrade", "head"))
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT feature FROM asset_features ORDER BY asset_id")).scalars().all()
    engine.dispose()
    features = [json.loads(feature) for feature in stored]
    assert [f["properties"]["reference"] for f in features] == ["BA-1", "BA-2", "BA-3"]
    assert [f["properties"]["seats"] for f in features] == [1, 2, 3]
    assert features[0]["properties"]["manufacturer"] == 'Ateliers "Dupont"'
    assert features[0]["properties"]["commune"] is None and features[0]["properties"]["installed_on"] is None
    assert [round(c, 7) for c in features[1]["geometry"]["coordinates"]] == [5.042, 47.32]
