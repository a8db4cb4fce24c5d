"""Creating databases and running migrations from Python (tests, benchmarks)."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ALEMBIC_INI = Path(__file__).resolve().parent.parent / "alembic.ini"


def recreate_database(url: str) -> None:
    """Drop and create the database at ``url`` (connecting to its server's 'postgres')."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d AND pid <> pg_backend_pid()"),
            {"d": target.database},
        )
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}"'))
        connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def run_alembic(url: str, *commands: tuple[str, ...]) -> None:
    """Run alembic commands (e.g. ("upgrade", "head")) against ``url``, one transaction each."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    config.attributes["configure_logger"] = False
    engine = create_engine(url)
    try:
        for name, *args in commands:
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                getattr(command, name)(config, *args)
    finally:
        engine.dispose()
