"""The core loop in a real browser: a dispatcher creates an intervention from an asset on
the map, plans it on the board, assigns it; the crew's agent starts it and completes it
with a report; the dispatcher closes it; the asset's history shows the repair.

The test commits its data in Corcelles-les-Monts (no other test uses it) and a week in 2031
no other test plans in; its team is deactivated at the end. The closed intervention stays:
the asset history that links to it is append-only.
"""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.demo.dijon import DEMO_PASSWORD
from app.interventions.models import Team
from app.inventory import services as inventory
from tests.conftest import storage_point

pytestmark = pytest.mark.browser

CORCELLES = (4.9403, 47.2995)
WEEK = "2031-W10"  # Monday 3 March 2031
TUESDAY = "2031-03-04"


def _logged_in_page(browser, live_server: str, login: str):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{live_server}/")
    return page


def _open(page, target: str):
    """The step's form on the intervention page, unfolded."""
    form = page.locator(f"details[data-action={target}]")
    if form.get_attribute("open") is None:
        form.locator("summary").click()
    return form


def _step(page, target: str, fields: dict[str, str] | None = None) -> None:
    """Open the step's form on the intervention page, fill it and send it."""
    form = _open(page, target)
    for selector, value in (fields or {}).items():
        element = form.locator(selector)
        if element.evaluate("e => e.tagName") == "SELECT":
            element.select_option(value)
        else:
            element.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".flash")


def test_from_the_map_to_the_board_to_the_street_and_back_into_the_asset_history(browser, live_server, engine,
                                                                                settings, artifacts):
    with Session(engine) as session:
        manager = session.query(User).filter_by(login="manager").one()
        agent = session.query(User).filter_by(login="agent").one()
        bench = inventory.create_asset(session, manager, "bench", storage_point(settings, *CORCELLES),
                                       settings.storage_srid, {"status": "faulty"})
        team = Team(name=f"Mobilier Est · {uuid.uuid4().hex[:4]}", daily_capacity_hours=7, members=[agent])
        session.add(team)
        session.commit()
        bench_id, bench_reference, team_id = bench.id, bench.reference, team.id
    try:
        dispatcher = _logged_in_page(browser, live_server, "dispatcher")
        # 1. From the asset's card on the map.
        dispatcher.goto(f"{live_server}/?asset={bench_id}")
        dispatcher.wait_for_selector(f"[data-testid=asset-reference]:has-text('{bench_reference}')")
        dispatcher.click("[data-testid=new-intervention]")
        form = dispatcher.locator("[data-testid=intervention-form]")
        form.locator("select[name=priority]").select_option("P2")
        form.locator("button[type=submit]").click()  # no problem chosen: refused at the field
        dispatcher.wait_for_selector("[data-field=problem] .field-error:not(:empty)")
        form.locator("select[name=problem]").select_option("damaged")
        form.locator("textarea[name=description]").fill("Lame du dossier cassée")
        form.locator("input[name=estimated_minutes]").fill("45")
        form.locator("button[type=submit]").click()
        created = dispatcher.wait_for_selector("[data-testid=intervention-created]")
        reference = created.inner_text().split()[1]
        assert reference.startswith("INT-")
        dispatcher.screenshot(path=str(artifacts / "intervention-created-on-map-fr.png"))

        # 2. Planned on the board: dragged from the backlog onto the team's Tuesday.
        dispatcher.goto(f"{live_server}/interventions/board?week={WEEK}")
        card = dispatcher.locator(f".board-card[data-reference='{reference}']")
        cell = dispatcher.locator(f"td[data-team-id='{team_id}'][data-day='{TUESDAY}']")
        card.drag_to(cell)
        dispatcher.wait_for_selector(f"#board:not([data-saving]) td[data-team-id='{team_id}'][data-day='{TUESDAY}'] "
                                     f".board-card[data-reference='{reference}']")

        # 3. Assigned from the intervention page.
        dispatcher.locator(f".board-card[data-reference='{reference}'] a.card-reference").click()
        dispatcher.wait_for_selector(f"[data-testid=reference]:has-text('{reference}')")
        intervention_url = dispatcher.url
        _step(dispatcher, "assigned", {"select[name=team_id]": str(team_id)})
        assert dispatcher.inner_text("[data-testid=status]") == "Assignée"

        # 4. The crew's agent starts it and completes it with a report (a wrong time first).
        agent_page = _logged_in_page(browser, live_server, "agent")
        agent_page.goto(intervention_url)
        _step(agent_page, "in_progress")
        form = _open(agent_page, "completed")
        form.locator("textarea[name=cause]").fill("Choc de véhicule")
        form.locator("textarea[name=action_taken]").fill("Lame remplacée, visserie resserrée")
        form.locator("textarea[name=parts_used]").fill("Lame chêne 180 cm × 1")
        form.locator("input[name=time_spent_minutes]").fill("0")
        form.locator("select[name=outcome]").select_option("back_in_service")
        form.locator("button[type=submit]").click()
        agent_page.wait_for_selector("[data-field=time_spent_minutes]")
        agent_page.locator("details[data-action=completed] input[name=time_spent_minutes]").fill("40")
        agent_page.locator("details[data-action=completed] button[type=submit]").click()
        agent_page.wait_for_selector(".flash")
        assert agent_page.inner_text("[data-testid=status]") == "Terminée"
        assert agent_page.locator("details[data-action=closed]").count() == 0  # only a dispatcher closes

        # 5. The dispatcher closes it: the bench is back in service, its history shows why.
        dispatcher.goto(intervention_url)
        _step(dispatcher, "closed")
        assert dispatcher.inner_text("[data-testid=status]") == "Clôturée"
        timeline = dispatcher.inner_text("[data-testid=timeline]")
        for step in ("Nouvelle", "Planifiée", "Assignée", "En cours", "Terminée", "Clôturée"):
            assert step in timeline
        assert "Antoine Agent" in timeline
        dispatcher.screenshot(path=str(artifacts / "intervention-closed-fr.png"), full_page=True)

        dispatcher.goto(f"{live_server}/?asset={bench_id}")
        dispatcher.wait_for_selector("[data-testid=asset-status]:has-text('En service')")
        history = dispatcher.inner_text("[data-testid=history]")
        assert "Réparé" in history and reference in history
        with engine.connect() as connection:
            linked = connection.execute(text(
                "SELECT h.change FROM asset_history h JOIN interventions i ON i.id = h.intervention_id "
                "WHERE h.asset_id = :id AND i.reference = :reference"), {"id": bench_id, "reference": reference}).scalars().all()
        assert linked == ["repaired"]
    finally:
        with engine.begin() as connection:
            connection.execute(text("UPDATE teams SET is_active = false WHERE id = :id"), {"id": team_id})
