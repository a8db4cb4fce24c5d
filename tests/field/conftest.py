"""Field tests: a crew (a team with the logged-in field agent) and its work of the day."""
from __future__ import annotations

from datetime import datetime, time

import pytest

from app.interventions import services
from app.interventions.board import LOCAL_ZONE


@pytest.fixture()
def today():
    return datetime.now(LOCAL_ZONE).date()


@pytest.fixture()
def agent(login_as):
    """The field agent the test client is logged in as."""
    return login_as("field_agent")


@pytest.fixture()
def crew(make_team, agent):
    return make_team(members=[agent])


@pytest.fixture()
def assign(db, dispatcher, today):
    """assign(item, team, hour=9): the intervention assigned to the team at that hour today."""

    def make(item, team, hour: int = 9, day=None):
        start = datetime.combine(day or today, time(hour), tzinfo=LOCAL_ZONE)
        return services.perform_transition(db, dispatcher, item.id, item.version, "assigned", None,
                                           {"team_id": team.id, "planned_start": start.isoformat()})

    return make


@pytest.fixture()
def field_headers(client, agent):
    """The CSRF header the tablet sends, taken from the session endpoint as the tablet does."""
    return {"X-CSRFToken": client.get("/api/v1/field/session").json["csrf_token"]}
