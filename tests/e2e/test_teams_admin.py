"""A dispatcher creates a crew in a real browser: from the Teams link to the form, a
capacity too high for two members refused at its field, then saved and listed.

The test commits its team (uniquely named) and the demo crew account it needs, and
deletes them at the end, so that the other browser tests never see them.
"""
from __future__ import annotations

import secrets
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.services import create_user
from app.demo.dijon import DEMO_PASSWORD
from app.demo.interventions.crews import CREW_ACCOUNTS
from app.interventions.models import Team

pytestmark = pytest.mark.browser

CREW_AGENT = CREW_ACCOUNTS[0]  # Nadia Benali, of the demo's crews


@contextmanager
def _demo_field_agents(engine):
    """The demo account ``agent`` and a crew agent of the demo (created if the database
    has no crews, and then deleted on the way out, whatever happens)."""
    created: list[int] = []
    try:
        with Session(engine) as session:
            if session.scalar(select(User).where(User.login == CREW_AGENT.login)) is None:
                user = create_user(session, CREW_AGENT.login, secrets.token_urlsafe(24), CREW_AGENT.role,
                                   CREW_AGENT.display_name)
                session.commit()
                created.append(user.id)
            agents = [session.scalar(select(User).where(User.login == login)) for login in ("agent", CREW_AGENT.login)]
            yield [(user.id, user.display_name) for user in agents]
    finally:
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM users WHERE id = ANY(:ids)"), {"ids": created})


@contextmanager
def _deleted_afterwards(engine, name: str):
    """The team called ``name`` is deleted on the way out, whatever happens."""
    try:
        yield
    finally:
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM teams WHERE name = :name"), {"name": name})


def test_a_dispatcher_creates_a_team_of_two_agents_through_the_form(page, live_server, engine, artifacts):
    name = f"Éclairage Est · {uuid.uuid4().hex[:6]}"
    page.set_viewport_size({"width": 1400, "height": 900})
    with _demo_field_agents(engine) as agents, _deleted_afterwards(engine, name):
        page.goto(f"{live_server}/login")
        page.fill("input[name=login]", "dispatcher")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit].primary")
        page.wait_for_url(f"{live_server}/")

        page.click("nav.topnav a[href='/admin/teams']")
        page.click("a.button.primary[href='/admin/teams/new']")
        page.fill("#name", name)
        page.fill("#daily_capacity_hours", "50")
        for user_id, _display_name in agents:
            page.check(f"input[name=member_ids][value='{user_id}']")
        page.click("form button[type=submit].primary")

        error = page.locator("[data-error-for=daily_capacity_hours]")
        error.wait_for()
        assert "48" in error.inner_text()
        assert page.locator("#daily_capacity_hours").get_attribute("aria-invalid") == "true"
        assert page.input_value("#name") == name  # what was typed is kept
        assert all(page.is_checked(f"input[name=member_ids][value='{user_id}']") for user_id, _ in agents)
        page.screenshot(path=str(artifacts / "teams-form-error-fr.png"), full_page=True)
        with Session(engine) as session:
            assert session.scalar(select(Team).where(Team.name == name)) is None

        page.fill("#daily_capacity_hours", "14")
        page.click("form button[type=submit].primary")
        page.wait_for_url(f"{live_server}/admin/teams")
        row = page.locator("table.teams tr", has_text=name)
        assert row.locator("td.capacity").inner_text() == "14 h"
        assert row.locator("td.members").inner_text() == ", ".join(sorted(n for _, n in agents))
        assert row.locator("td.open-count").inner_text() == "0"
        page.screenshot(path=str(artifacts / "teams-list-fr.png"), full_page=True)

        with Session(engine) as session:
            team = session.scalar(select(Team).where(Team.name == name))
            assert team.is_active and float(team.daily_capacity_hours) == 14.0
            assert sorted(member.id for member in team.members) == sorted(user_id for user_id, _ in agents)
