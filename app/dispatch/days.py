"""A crew's day: the interventions assigned to it for a date, in visiting order.

The tablet's "My day", the crew's day pack and the dispatch board read the order here.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.auth.models import User


def day_order(session: Session, actor: User, team_id: int, day: date) -> list[int]:
    """The ids of the team's interventions planned on ``day`` (local time) that ``actor``
    may read, in visiting order."""
    # Interim: printing's nearest-neighbour order, until the optimiser replaces it here.
    from app.printing.day_queries import crew_day

    return crew_day(session, actor, team_id, day)
