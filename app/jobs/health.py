"""A job that proves a worker runs and reaches the database."""
from __future__ import annotations

import socket

from sqlalchemy import text

from app.jobs import job_session


def ping() -> dict:
    """Return the worker's host and the PostGIS version it sees."""
    with job_session() as session:
        postgis = session.execute(text("SELECT postgis_lib_version()")).scalar_one()
    return {"host": socket.gethostname(), "postgis": postgis}
