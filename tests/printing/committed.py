"""Committed test data for the worker and browser tests (the worker reads what is committed):
interventions at places, optionally planned for a team, removed afterwards."""
from __future__ import annotations

import uuid
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.interventions import services
from app.interventions.models import Team
from tests.conftest import storage_point

# Communes where only these tests commit interventions.
OUGES = (5.0813, 47.2599)
BRETENIERE = (5.1019, 47.2373)
PERRIGNY = (5.0207, 47.2564)


def east_of(lonlat: tuple[float, float], metres: float) -> tuple[float, float]:
    """A point ``metres`` east of ``lonlat`` (near enough, at Dijon's latitude)."""
    return lonlat[0] + metres / 75_500, lonlat[1]


@contextmanager
def committed_interventions(engine, settings, places: list[tuple[float, float]],
                            plans: list[str] | None = None) -> Iterator[tuple[list[int], int | None]]:
    """Commit one inspection per place (by the demo dispatcher); with ``plans`` (local
    start times, one per place) they are planned for a new team. Yields (ids, team id);
    everything is deleted afterwards."""
    with Session(engine) as session:
        dispatcher = session.query(User).filter_by(login="dispatcher").one()
        agent = session.query(User).filter_by(login="agent").one()
        team = None
        if plans:
            team = Team(name=f"Équipe test impression {uuid.uuid4().hex[:6]}", daily_capacity_hours=8,
                        members=[agent])
            session.add(team)
            session.flush()
        items = [services.create_intervention(session, dispatcher, kind="inspection", priority="P3",
                                              srid=settings.storage_srid, geom=storage_point(settings, *place),
                                              description=f"Contrôle n° {n} — fixation et propreté",
                                              estimated_minutes=45) for n, place in enumerate(places)]
        for item, start in zip(items, plans or []):
            services.perform_transition(session, dispatcher, item.id, item.version, "planned", None,
                                        {"team_id": team.id, "planned_start": start})
        session.commit()
        ids, team_id = [item.id for item in items], team.id if team else None
    try:
        yield ids, team_id
    finally:
        with Session(engine) as session:
            session.execute(text("DELETE FROM interventions WHERE id = ANY(:ids)"), {"ids": ids})
            if team_id is not None:
                session.execute(text("DELETE FROM teams WHERE id = :id"), {"id": team_id})
            session.commit()
