"""A dispatcher plans on the board in a real browser: drags a backlog card onto a team's
day, moves it to another day, sends it back to the backlog, sees a refusal when someone
else changed it meanwhile, and plans it from the keyboard.

These tests commit their teams (uniquely named) and interventions, and delete them at
the end, so that the other browser tests never see them.
"""
from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.demo.dijon import DEMO_PASSWORD
from app.interventions import board, services
from app.interventions.models import Intervention, Team
from tests.conftest import storage_point

pytestmark = pytest.mark.browser

WEEK = "2030-W15"  # Monday 8 → Sunday 14 April 2030: a week no other test plans in
AHUY = (5.0205, 47.3690)


def _log_in(page, live_server: str, login: str, url: str) -> None:
    page.goto(f"{live_server}/login?next={url}")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector("#board")


@contextmanager
def _committed(engine):
    """Teams and interventions made inside are deleted on the way out, whatever happens."""
    made = {"teams": [], "interventions": []}
    try:
        yield made
    finally:
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM interventions WHERE id = ANY(:ids)"), {"ids": made["interventions"]})
            connection.execute(text("DELETE FROM teams WHERE id = ANY(:ids)"), {"ids": made["teams"]})


def _make_team(session: Session, made: dict, name: str, capacity: float) -> Team:
    team = Team(name=f"{name} · {uuid.uuid4().hex[:4]}", daily_capacity_hours=capacity, members=[])
    session.add(team)
    session.flush()
    made["teams"].append(team.id)
    return team


def _make_intervention(session: Session, settings, made: dict, actor: User, lonlat, **fields) -> Intervention:
    fields.setdefault("problem", "out_of_order" if fields.get("kind", "corrective") == "corrective" else None)
    item = services.create_intervention(session, actor, kind=fields.pop("kind", "corrective"),
                                        priority=fields.pop("priority", "P3"), srid=settings.storage_srid,
                                        geom=storage_point(settings, *lonlat), **fields)
    made["interventions"].append(item.id)
    return item


def _card(page, reference: str):
    return page.locator(f".board-card[data-reference='{reference}']")


def _settled(page, selector: str) -> None:
    """Wait until the board has redrawn from the server with ``selector`` in it."""
    page.wait_for_selector(f"#board:not([data-saving]) {selector}", timeout=10000)


def _stored(engine, item_id: int) -> tuple[str, int | None, str | None]:
    with engine.connect() as connection:
        status, team_id, start = connection.execute(
            text("SELECT status, team_id, planned_start FROM interventions WHERE id = :id"), {"id": item_id}).one()
    return status, team_id, start.astimezone(board.LOCAL_ZONE).strftime("%Y-%m-%d %H:%M") if start else None


def test_drag_to_plan_move_and_unplan_then_a_refusal_and_the_keyboard(page, live_server, engine, settings, artifacts):
    with _committed(engine) as made:
        with Session(engine, expire_on_commit=False) as session:
            dispatcher = session.query(User).filter_by(login="dispatcher").one()
            north, south = _make_team(session, made, "Board north", 14), _make_team(session, made, "Board south", 7)
            item = _make_intervention(session, settings, made, dispatcher, AHUY, kind="inspection", priority="P2",
                                      estimated_minutes=90)
            session.commit()
            reference, item_id = item.reference, item.id

        _log_in(page, live_server, "dispatcher", f"/interventions/board?week={WEEK}")
        tuesday = f"td[data-team-id='{north.id}'][data-day='2030-04-09']"
        thursday = f"td[data-team-id='{south.id}'][data-day='2030-04-11']"
        assert _card(page, reference).get_attribute("data-place") == "backlog"

        _card(page, reference).drag_to(page.locator(tuesday))
        _settled(page, f"{tuesday} .board-card[data-reference='{reference}']")
        assert _stored(engine, item_id) == ("planned", north.id, "2030-04-09 08:00")
        assert page.locator(f"{tuesday} .capacity-text").inner_text() == "1 h 30 / 14 h"

        _card(page, reference).drag_to(page.locator(thursday))
        _settled(page, f"{thursday} .board-card[data-reference='{reference}']")
        assert _stored(engine, item_id) == ("planned", south.id, "2030-04-11 08:00")
        assert page.locator(f"{tuesday} .capacity-text").inner_text() == "0 h / 14 h"

        _card(page, reference).drag_to(page.locator("#backlog"))
        _settled(page, f"#backlog .board-card[data-reference='{reference}']")
        assert _stored(engine, item_id) == ("new", None, None)

        # Someone else changes it meanwhile: the drop is refused, the card stays in the
        # backlog with the server's message, and now carries the current version.
        with Session(engine) as session:
            other = session.query(User).filter_by(login="admin").one()
            services.update_intervention(session, other, item_id, None, {"estimated_minutes": 120})
            session.commit()
        _card(page, reference).drag_to(page.locator(tuesday))
        _settled(page, f"#backlog .board-card.refused[data-reference='{reference}']")
        message = _card(page, reference).locator(".card-message").inner_text()
        assert message.startswith("Non enregistré :") and len(message) > len("Non enregistré :") + 10
        assert _stored(engine, item_id) == ("new", None, None)
        with engine.connect() as connection:
            version = connection.execute(text("SELECT version FROM interventions WHERE id = :id"), {"id": item_id}).scalar()
        assert _card(page, reference).get_attribute("data-version") == str(version)
        page.screenshot(path=str(artifacts / "board-refused-fr.png"))

        # Without the mouse: the card's "Plan…" dialog.
        _card(page, reference).locator(".plan-button").focus()
        page.keyboard.press("Enter")
        page.wait_for_selector("#plan-dialog[open]")
        page.select_option("#plan-team", str(south.id))
        page.fill("#plan-day", "2030-04-12")
        page.keyboard.press("Enter")
        _settled(page, f"td[data-team-id='{south.id}'][data-day='2030-04-12'] .board-card[data-reference='{reference}']")
        assert _stored(engine, item_id) == ("planned", south.id, "2030-04-12 08:00")
        assert page.locator("#plan-dialog[open]").count() == 0


def test_a_busy_week_with_one_team_over_capacity(page, live_server, engine, settings, artifacts):
    """The board of the current week with realistic content, for the eye (screenshot)."""
    places = {"Dijon": (5.0415, 47.3220), "Talant": (4.9990, 47.3370), "Quetigny": (5.1062, 47.3148),
              "Chenôve": (5.0060, 47.2920), "Longvic": (5.0640, 47.2870), "Fontaine": (5.0200, 47.3420),
              "Saint-Apollinaire": (5.0850, 47.3330), "Ahuy": AHUY}
    monday = board.monday_of(board.local_today())
    now = datetime.now(board.LOCAL_ZONE)
    # (team, day offset, hour, kind, priority, minutes, place, status)
    planned = [
        ("light", 0, 8, "corrective", "P2", 90, "Dijon", "assigned"),
        ("light", 0, 10, "preventive", "P4", 240, "Talant", "assigned"),
        ("light", 1, 8, "inspection", "P3", None, "Fontaine", "planned"),
        ("light", 2, 13, "corrective", "P1", 60, "Dijon", "in_progress"),
        ("signals", 1, 8, "corrective", "P2", 240, "Quetigny", "planned"),
        ("signals", 1, 11, "installation", "P3", 180, "Saint-Apollinaire", "planned"),
        ("signals", 1, 14, "corrective", "P1", 90, "Quetigny", "assigned"),
        ("signals", 3, 9, "preventive", "P4", 120, "Longvic", "planned"),
        ("furniture", 0, 9, "removal", "P4", 45, "Chenôve", "planned"),
        ("furniture", 2, 8, "installation", "P3", 300, "Longvic", "planned"),
        ("furniture", 4, 8, "corrective", "P3", 30, "Ahuy", "planned"),
        ("furniture", 5, 9, "inspection", "P4", 60, "Dijon", "planned"),
    ]
    waiting = [("corrective", "P1", 60, "Dijon", timedelta(hours=3, minutes=30)),
               ("corrective", "P2", 120, "Chenôve", timedelta(days=2)),
               ("inspection", "P3", None, "Talant", timedelta(hours=2)),
               ("preventive", "P4", 30, "Quetigny", timedelta(0)),
               ("installation", "P3", 240, "Fontaine", timedelta(hours=1))]
    references = {"planned": [], "assigned": [], "in_progress": []}
    with _committed(engine) as made:
        with Session(engine) as session:
            dispatcher = session.query(User).filter_by(login="dispatcher").one()
            teams = {"light": _make_team(session, made, "Éclairage public", 14),
                     "signals": _make_team(session, made, "Signalisation", 7),
                     "furniture": _make_team(session, made, "Mobilier urbain", 7)}
            for team_key, offset, hour, kind, priority, minutes, place, status in planned:
                item = _make_intervention(session, settings, made, dispatcher, places[place], kind=kind,
                                          priority=priority, estimated_minutes=minutes,
                                          reported_at=now - timedelta(days=3))
                day = monday + timedelta(days=offset)
                window = {"planned_start": f"{day}T{hour:02d}:00"}
                if status == "in_progress":  # a window of two hours
                    window["planned_end"] = f"{day}T{hour + 2:02d}:00"
                services.perform_transition(session, dispatcher, item.id, item.version, "planned", None,
                                            {"team_id": teams[team_key].id, **window})
                references[status].append((item.reference, item.id))
                if status in ("assigned", "in_progress"):
                    services.perform_transition(session, dispatcher, item.id, item.version, "assigned")
                if status == "in_progress":
                    services.perform_transition(session, dispatcher, item.id, item.version, "in_progress")
            for kind, priority, minutes, place, age in waiting:
                _make_intervention(session, settings, made, dispatcher, places[place], kind=kind, priority=priority,
                                   estimated_minutes=minutes, reported_at=now - age)
            session.commit()
            signals, light = teams["signals"].id, teams["light"].id

        page.set_viewport_size({"width": 1400, "height": 900})
        _log_in(page, live_server, "dispatcher", "/interventions/board")
        busy = page.locator(f"td[data-team-id='{signals}'][data-day='{monday + timedelta(days=1)}']")
        assert "over" in busy.get_attribute("class")
        assert busy.locator(".capacity-text").inner_text() == "8 h 30 / 7 h"
        assert page.locator("#backlog .deadline.overdue").count() >= 1
        page.screenshot(path=str(artifacts / "board-week-fr.png"), full_page=True)

        # Work under way moves with its window; an assigned card cannot go back to the backlog.
        page.set_viewport_size({"width": 1400, "height": 1300})  # source and target in view while dragging
        (started, started_id), = references["in_progress"]
        thursday = f"td[data-team-id='{light}'][data-day='{monday + timedelta(days=3)}']"
        _card(page, started).drag_to(page.locator(thursday))
        _settled(page, f"{thursday} .board-card[data-reference='{started}']")
        with engine.connect() as connection:
            status, start, end = connection.execute(text(
                "SELECT status, planned_start, planned_end FROM interventions WHERE id = :id"), {"id": started_id}).one()
        assert status == "in_progress"
        assert [t.astimezone(board.LOCAL_ZONE).strftime("%Y-%m-%d %H:%M") for t in (start, end)] == [
            f"{monday + timedelta(days=3)} 13:00", f"{monday + timedelta(days=3)} 15:00"]
        assigned, assigned_id = references["assigned"][0]
        _card(page, assigned).drag_to(page.locator("#backlog"))
        _settled(page, f"table .board-card.refused[data-reference='{assigned}']")
        assert _stored(engine, assigned_id)[0] == "assigned"
