"""Database foundation: declarative base, engine and session factory.

Plain SQLAlchemy 2.0, no Flask import: services, jobs and the CLI use it alike.
"""
from __future__ import annotations

import os

from sqlalchemy import Engine, MetaData, create_engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from app.settings import parse_storage_srid

# The storage SRID is a schema decision fixed at installation time: geometry columns
# are typed with it, so changing it later takes a migration that reprojects every
# table. It is read once here so that models and migrations agree.
STORAGE_SRID: int = parse_storage_srid(os.environ)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def one_of(column: str, values: tuple) -> str:
    """The SQL of a CHECK constraint that ``column`` holds one of ``values``."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def make_engine(database_url: str, *, pool_size: int = 5) -> Engine:
    """Create the engine; psycopg's automatic prepare, parallel query and JIT are off.

    On this workload psycopg 3 switched bbox queries to a generic plan after a few
    runs and got 4-5x slower, parallel workers made small tile queries 2.5x slower on
    2 cores, and JIT compiled dense tile queries on every call (10-18 ms each): none
    of them is used (measured, see docs/performance.md).
    """
    return create_engine(
        database_url,
        pool_size=pool_size,
        pool_pre_ping=True,
        connect_args={
            "prepare_threshold": None,
            "application_name": "vigie",
            "options": "-c max_parallel_workers_per_gather=0 -c jit=off",
        },
    )


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return the session factory used by every entry point.

    Every domain's models are registered first, so that foreign keys between domains
    (e.g. asset history → interventions) resolve whichever domain a caller imported.
    """
    import app.models  # noqa: F401

    return sessionmaker(bind=engine, expire_on_commit=False)
