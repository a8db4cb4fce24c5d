"""Dispatch fixtures: crews with trades, a depot, hours and communes; their fixes."""
from __future__ import annotations

import uuid
from datetime import datetime, time, timezone

import pytest
from geoalchemy2.shape import from_shape
from sqlalchemy import select

from app.dispatch.services import record_positions
from app.territory.models import Commune
from tests.conftest import storage_point

# A Wednesday at 11:00 in Dijon (10:00 UTC): on duty for a 07:30–16:00 crew.
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=timezone.utc)
# Places in Dijon, west to east along the same latitude (about 1.5 km apart).
WEST = (5.0150, 47.3220)
CENTRE = (5.0415, 47.3220)  # Place de la Libération
EAST = (5.0620, 47.3220)
FAR_EAST = (5.0800, 47.3220)


@pytest.fixture()
def make_crew(db, settings, make_team, make_user):
    """make_crew(skills=["street_lighting"], depot=CENTRE, communes=["21231"]): an active
    team of one field agent (``team.members[0]``), 07:30–16:00 on weekdays."""

    def make(skills=("street_lighting",), depot=None, communes=(), shift=(time(7, 30), time(16, 0)),
             working_days=(1, 2, 3, 4, 5), capacity=7.0, members=None):
        team = make_team(members=members, capacity=capacity)
        team.skills, team.shift_start, team.shift_end = list(skills), *shift
        team.working_days = list(working_days)
        if depot is not None:
            team.depot = from_shape(storage_point(settings, *depot), srid=settings.storage_srid)
        team.communes = list(db.scalars(select(Commune).where(Commune.insee.in_(communes))))
        db.flush()
        return team

    return make


@pytest.fixture()
def post_fix(db, settings):
    """post_fix(agent, CENTRE, at=NOW): one fix as the agent's tablet posts it."""

    def post(agent, lonlat, at=NOW, now=NOW, accuracy=5.0):
        return record_positions(db, agent, [{"id": str(uuid.uuid4()), "longitude": lonlat[0], "latitude": lonlat[1],
                                             "accuracy_m": accuracy, "recorded_at": at.isoformat()}],
                                settings.storage_srid, now=now)

    return post


@pytest.fixture()
def switch_to(client, login_as):
    """Log the test client out (if in) and in again as a new user of ``role``."""
    from tests.conftest import csrf_token_from

    def switch(role: str):
        page = client.get("/login")
        if page.status_code == 302:
            client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/").text)})
        return login_as(role)

    return switch
