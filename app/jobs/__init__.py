"""Background jobs: one plain function per job, ids in, one commit.

Jobs run in the worker process; ``job_session`` gives them a database session built
from the same validated settings as the web app.
"""
from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator

from sqlalchemy.orm import Session, sessionmaker

from app.db import make_engine, make_session_factory
from app.settings import Settings


@lru_cache(maxsize=1)
def _session_factory() -> sessionmaker[Session]:
    return make_session_factory(make_engine(Settings.from_env().database_url, pool_size=2))


@contextmanager
def job_session() -> Iterator[Session]:
    """A session for one job; the job commits it once, and it is closed after."""
    with _session_factory()() as session:
        yield session
