"""The migrations build the schema the models describe, and undo it."""
from __future__ import annotations

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
