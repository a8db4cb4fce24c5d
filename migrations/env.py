"""Alembic environment: Vigie's models, PostGIS-aware autogenerate.

The connection comes from ``config.attributes["connection"]`` when a caller (the
tests) passes one, else from VIGIE_DATABASE_URL.
"""
from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from geoalchemy2 import alembic_helpers
from sqlalchemy import create_engine

import app.models  # noqa: F401 - registers every table on Base.metadata
from app.db import Base
from app.settings import SettingsError, database_url_from_env

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata

# Tables that PostGIS owns, not Vigie.
_POSTGIS_TABLES = {"spatial_ref_sys", "geometry_columns", "geography_columns"}


def include_object(obj, name, obj_type, reflected, compare_to) -> bool:
    if obj_type == "table" and name in _POSTGIS_TABLES:
        return False
    return alembic_helpers.include_object(obj, name, obj_type, reflected, compare_to)


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        process_revision_directives=alembic_helpers.writer,
        render_item=alembic_helpers.render_item,
        compare_type=True,
        transaction_per_migration=True,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    try:
        url = database_url_from_env(os.environ)
    except SettingsError as error:
        raise SystemExit(f"alembic: invalid setting {error}") from None
    engine = create_engine(url)
    with engine.connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Vigie migrations run online only (they need PostGIS).")
run_migrations_online()
