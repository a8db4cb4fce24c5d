"""The interventions list, its CSV export, and the intervention page with its forms."""
from __future__ import annotations

import csv
import io

from sqlalchemy import select

from app.inventory.models import AssetHistory
from tests.conftest import csrf_token_from


def test_the_list_filters_and_links_to_each_intervention(client, login_as, make_intervention):
    login_as("dispatcher")
    urgent = make_intervention(priority="P1", description="Candélabre à terre")
    planned = make_intervention(priority="P4", problem="dirty")
    page = client.get("/interventions?priority=P1")
    assert page.status_code == 200
    assert urgent.reference in page.text and planned.reference not in page.text
    assert f"/interventions/{urgent.id}" in page.text
    refused = client.get("/interventions?priority=P9")
    assert refused.status_code == 200 and 'class="field-error"' in refused.text


def test_csv_export_keeps_the_filters_and_neutralises_formulas(client, login_as, make_intervention):
    login_as("dispatcher")
    item = make_intervention(priority="P2", description="=HYPERLINK(\"http://evil\")")
    response = client.get(f"/interventions.csv?q={item.reference}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "Référence" and len(rows) == 2
    assert rows[1][0] == item.reference and rows[1][-1].startswith("'=")
    assert item.assets[0].reference in rows[1]


def test_the_page_shows_details_assets_checklist_and_timeline(client, login_as, make_intervention):
    login_as("dispatcher")
    item = make_intervention(description="Mât penché")
    page = client.get(f"/interventions/{item.id}")
    assert page.status_code == 200
    assert item.reference in page.text and "Mât penché" in page.text
    assert item.assets[0].reference in page.text
    assert 'data-action="planned"' in page.text and 'data-action="closed"' not in page.text


def post_step(client, item_id, page_text, **form):
    return client.post(f"/interventions/{item_id}/transition",
                       data={"csrf_token": csrf_token_from(page_text), **form})


def version_of(client, item_id) -> int:
    return client.get(f"/api/v1/interventions/{item_id}").json["properties"]["version"]


def test_the_whole_workflow_through_the_page_forms(client, login_as, make_intervention, make_team, db):
    login_as("dispatcher")
    item = make_intervention()
    team = make_team()
    page = client.get(f"/interventions/{item.id}").text
    for form in ({"to": "planned", "team_id": str(team.id), "planned_start": "2026-11-24T08:00"},
                 {"to": "assigned", "team_id": str(team.id)},
                 {"to": "in_progress"},
                 {"to": "completed", "cause": "Choc", "action_taken": "Lame remplacée", "parts_used": "Lame chêne × 2",
                  "time_spent_minutes": "50", "outcome": "back_in_service"},
                 {"to": "closed", "cause": "Choc", "action_taken": "Lame remplacée", "parts_used": "Lame chêne × 2",
                  "time_spent_minutes": "50", "outcome": "back_in_service"}):
        response = post_step(client, item.id, page, version=str(version_of(client, item.id)), **form)
        assert response.status_code == 303, (form["to"], response.text[:2000])
    page = client.get(f"/interventions/{item.id}").text
    assert "Lame chêne × 2" in page
    history = db.scalars(select(AssetHistory).where(AssetHistory.asset_id == item.assets[0].id)
                         .order_by(AssetHistory.id.desc())).first()
    assert history.intervention_id == item.id


def test_a_refused_step_shows_the_message_at_the_field_and_keeps_what_was_typed(
        client, login_as, make_intervention, make_team):
    login_as("dispatcher")
    item = make_intervention()
    team = make_team()
    page = client.get(f"/interventions/{item.id}").text
    post_step(client, item.id, page, to="assigned", team_id=str(team.id), version=str(version_of(client, item.id)))
    post_step(client, item.id, page, to="in_progress", version=str(version_of(client, item.id)))
    response = post_step(client, item.id, page, to="completed", version=str(version_of(client, item.id)),
                         cause="Câble arraché", action_taken="", time_spent_minutes="abc", outcome="back_in_service")
    assert response.status_code == 422
    assert 'data-field="time_spent_minutes"' in response.text and 'data-field="action_taken"' in response.text
    assert "Câble arraché" in response.text
    assert client.get(f"/api/v1/interventions/{item.id}").json["properties"]["status"] == "in_progress"


def test_a_stale_form_is_a_conflict_with_a_message(client, login_as, make_intervention):
    login_as("dispatcher")
    item = make_intervention()
    page = client.get(f"/interventions/{item.id}").text
    stale = str(version_of(client, item.id) - 1)
    response = post_step(client, item.id, page, to="cancelled", comment="doublon", version=stale)
    assert response.status_code == 409 and 'class="form-summary"' in response.text


def test_a_councillor_sees_the_page_without_actions(client, login_as, make_intervention):
    item = make_intervention()
    login_as("councillor")
    page = client.get(f"/interventions/{item.id}")
    assert page.status_code == 200 and "data-action=" not in page.text
    refused = post_step(client, item.id, page.text, to="planned", version="1", planned_start="2026-11-24T08:00")
    assert refused.status_code == 403
