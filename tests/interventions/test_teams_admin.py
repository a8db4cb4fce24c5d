"""Dispatchers and administrators manage the teams in /admin/teams: the list, creation,
edits of members and capacity, errors at the wrong field with nothing saved, the refusal
to deactivate a team that still has open work, and who may see the pages."""
from __future__ import annotations

import html
import re
import threading
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from app.auth.models import User
from app.errors import PermissionDenied, ValidationFailed
from app.interventions import services
from app.interventions.models import OPEN_STATUSES, Team
from app.interventions.team_services import TeamDraft, create_team, update_team
from tests.conftest import csrf_token_from
from tests.forms import form_of

LIST_URL = "/admin/teams"
NEW_URL = "/admin/teams/new"


def team_form(page: str, name: str, capacity: str, member_ids: list[int], active: bool = True) -> MultiDict:
    """The form of ``page`` filled in as a user would."""
    data = form_of(page)
    data["name"], data["daily_capacity_hours"] = name, capacity
    data.setlist("member_ids", [str(member_id) for member_id in member_ids])
    if active:
        data["is_active"] = "y"
    else:
        data.pop("is_active", None)
    return data


def errors_at(page: str, field: str) -> list[str]:
    """The error messages shown at ``field``, whose block is marked wrong."""
    block = re.search(rf'<(div|fieldset) class="field([^"]*)" data-field="{field}".*?</\1>', page, re.S)
    assert block, f"no field {field} in the page"
    shown = re.findall(rf'<p class="field-error" id="{field}-error" data-error-for="{field}"[^>]*>(.*?)</p>',
                       block.group(0), re.S)
    assert bool(shown) == ("has-error" in block.group(2))
    if shown:
        assert f'aria-describedby="{field}-error"' in block.group(0)
    return [html.unescape(message).strip() for message in shown]


def list_rows(page: str) -> list[dict]:
    """The teams list as the reader sees it: one dict of cell texts per row, in order."""
    rows = []
    for team_id, row in re.findall(r'<tr data-team-id="(\d+)"[^>]*>(.*?)</tr>', page, re.S):
        cells = dict(re.findall(r'<td class="(?:number )?([a-z-]+)">(.*?)</td>', row, re.S))
        rows.append({"id": int(team_id), **{key: html.unescape(re.sub(r"<[^>]+>", "", value)).strip()
                                            for key, value in cells.items()}})
    return rows


def stored(db, team_id: int) -> Team:
    db.expire_all()
    return db.get(Team, team_id)


def team_count(db) -> int:
    return db.scalar(select(func.count()).select_from(Team))


@pytest.fixture()
def planner(client, login_as):
    """The test client, logged in as a dispatcher who reads English."""
    login_as("dispatcher")
    token = csrf_token_from(client.get(LIST_URL).text)
    client.post("/language", data={"language": "en", "csrf_token": token})
    return client


def plan(db, dispatcher, item, team: Team, status: str = "planned") -> None:
    """Give ``item`` to ``team`` on a day, then assign it if asked."""
    services.perform_transition(db, dispatcher, item.id, item.version, "planned", None,
                                {"team_id": team.id, "planned_start": "2030-01-07T08:00"})
    if status == "assigned":
        services.perform_transition(db, dispatcher, item.id, item.version, "assigned")


# --- the list --------------------------------------------------------------------------------

def test_the_list_shows_active_teams_first_with_capacity_members_and_open_work(
        planner, db, make_team, make_user, make_intervention, dispatcher):
    nadia, theo = make_user("field_agent"), make_user("field_agent")
    nadia.display_name, theo.display_name = "Nadia Benali", "Théo Girard"
    zeta = make_team("Zeta éclairage", members=[theo, nadia], capacity=10.5)
    alpha_inactive = make_team("Alpha voirie", members=[], capacity=7)
    alpha_inactive.is_active = False
    eclairage = make_team("Éclairage test", members=[], capacity=7)
    plan(db, dispatcher, make_intervention(), zeta)
    plan(db, dispatcher, make_intervention(), zeta, "assigned")
    cancelled = make_intervention()  # no longer open: not counted
    plan(db, dispatcher, cancelled, eclairage)
    services.perform_transition(db, dispatcher, cancelled.id, cancelled.version, "cancelled", "Doublon")
    db.flush()

    page = planner.get(LIST_URL)
    assert page.status_code == 200
    listed = list_rows(page.text)
    rows, order = {row["id"]: row for row in listed}, [row["id"] for row in listed]
    # Active teams by name as a reader sorts (É with E), then the inactive ones.
    assert order.index(eclairage.id) < order.index(zeta.id) < order.index(alpha_inactive.id)
    assert all(rows[i]["state"] == "In service" for i in order[:order.index(alpha_inactive.id)])
    assert rows[zeta.id] == {"id": zeta.id, "name": "Zeta éclairage", "capacity": "10.5 h",
                             "members": "Nadia Benali, Théo Girard", "open-count": "2", "state": "In service"}
    assert rows[eclairage.id]["open-count"] == "0" and rows[eclairage.id]["members"] == "No member"
    assert rows[alpha_inactive.id]["state"] == "Deactivated"
    assert f'href="/admin/teams/{zeta.id}"' in page.text and f'href="{NEW_URL}"' in page.text
    link = re.search(rf'<tr data-team-id="{zeta.id}".*?<td class="number open-count">\s*<a href="([^"]+)"', page.text, re.S)
    url = urlsplit(html.unescape(link.group(1)))
    assert url.path == "/interventions"
    assert parse_qs(url.query) == {"team": [str(zeta.id)], "status": [",".join(OPEN_STATUSES)]}


def topnav(page: str) -> str:
    return re.search(r'<nav class="topnav">.*?</nav>', page, re.S).group(0)


@pytest.mark.parametrize(("role", "sees_it"), [("dispatcher", True), ("admin", True), ("asset_manager", False),
                                               ("field_agent", False), ("councillor", False)])
def test_the_teams_link_is_in_the_nav_of_those_who_plan(client, login_as, role, sees_it):
    login_as(role)
    nav = topnav(client.get("/interventions").text)
    assert (f'href="{LIST_URL}"' in nav) is sees_it
    if sees_it:
        planning = re.search(r'<a href="/interventions/board"[^>]*>', nav).end()
        assert nav.index(f'href="{LIST_URL}"') > planning  # right after Planning
        assert f'<a href="{LIST_URL}" class="active">' in topnav(client.get(LIST_URL).text)


@pytest.mark.parametrize("role", ["asset_manager", "field_agent", "councillor"])
def test_other_roles_get_403_on_every_page_and_nothing_is_saved(client, login_as, make_team, db, role):
    team = make_team("Interdite", members=[])
    login_as(role)
    token = csrf_token_from(client.get("/interventions").text)
    before = team_count(db)
    for url in (LIST_URL, NEW_URL, f"/admin/teams/{team.id}"):
        assert client.get(url).status_code == 403, url
    form = {"csrf_token": token, "name": "Pirates", "daily_capacity_hours": "7", "is_active": "y"}
    assert client.post(NEW_URL, data=form).status_code == 403
    assert client.post(f"/admin/teams/{team.id}", data=form).status_code == 403
    assert team_count(db) == before and stored(db, team.id).name == "Interdite"


def test_the_services_refuse_a_role_that_does_not_plan(db, make_user, make_team, settings):
    team = make_team("Gardée", members=[])
    draft = TeamDraft(name="Pirates", daily_capacity_hours="7")
    with pytest.raises(PermissionDenied):
        create_team(db, make_user("asset_manager"), draft, settings.storage_srid)
    with pytest.raises(PermissionDenied):
        update_team(db, make_user("field_agent"), team.id, draft, settings.storage_srid)
    assert stored(db, team.id).name == "Gardée"


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(LIST_URL)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- create and edit -------------------------------------------------------------------------

def test_a_dispatcher_creates_a_team_with_two_field_agents(planner, db, make_user):
    first, second, not_chosen = make_user("field_agent"), make_user("field_agent"), make_user("field_agent")
    new_page = planner.get(NEW_URL).text
    assert '<input checked id="is_active" name="is_active" type="checkbox" value="y">' in new_page
    for agent in (first, second, not_chosen):
        assert f'value="{agent.id}"' in new_page
    response = planner.post(NEW_URL, data=team_form(new_page, "  Mobilier   Est ", "10.5", [first.id, second.id]))
    assert response.status_code == 303 and response.headers["Location"].endswith(LIST_URL)
    team = db.scalar(select(Team).where(Team.name == "Mobilier Est"))
    assert team.daily_capacity_hours == Decimal("10.5") and team.is_active
    assert {member.id for member in team.members} == {first.id, second.id}
    listed = planner.get(LIST_URL).text
    assert "Team Mobilier Est saved." in listed


def test_editing_changes_members_and_capacity_with_a_decimal_comma(planner, db, make_team, make_user):
    leaving, staying, joining = make_user("field_agent"), make_user("field_agent"), make_user("field_agent")
    team = make_team("Signalisation test", members=[leaving, staying], capacity=14)
    page = planner.get(f"/admin/teams/{team.id}").text
    shown = form_of(page)
    assert shown["name"] == "Signalisation test" and shown["daily_capacity_hours"] == "14"
    assert set(shown.getlist("member_ids")) == {str(leaving.id), str(staying.id)} and shown["is_active"] == "y"

    response = planner.post(f"/admin/teams/{team.id}",
                            data=team_form(page, "Signalisation lumineuse test", "17,5", [staying.id, joining.id]))
    assert response.status_code == 303
    team = stored(db, team.id)
    assert team.name == "Signalisation lumineuse test" and team.daily_capacity_hours == Decimal("17.5")
    assert {member.id for member in team.members} == {staying.id, joining.id}


def test_a_member_who_is_no_longer_an_active_agent_stays_unless_unticked(planner, db, make_team, make_user):
    retired, agent = make_user("field_agent"), make_user("field_agent")
    team = make_team("Vidéo test", members=[retired, agent], capacity=14)
    retired.is_active = False
    db.flush()
    page = planner.get(f"/admin/teams/{team.id}").text
    box = re.search(rf'<label class="checkbox"><input checked [^>]*value="{retired.id}">([^<]*)</label>', page)
    assert box and "no longer an active field agent" in box.group(1)
    assert planner.post(f"/admin/teams/{team.id}", data=form_of(page)).status_code == 303
    assert {member.id for member in stored(db, team.id).members} == {retired.id, agent.id}

    # Nobody else who is not an active field agent may be added.
    outsider = make_user("dispatcher")
    refused = planner.post(f"/admin/teams/{team.id}", data=team_form(page, "Vidéo test", "14",
                                                                     [retired.id, agent.id, outsider.id]))
    assert refused.status_code == 422
    assert errors_at(refused.text, "member_ids") == [
        f"Only active field agents can join a team: {outsider.display_name}."]
    assert outsider not in stored(db, team.id).members
    unknown = planner.post(f"/admin/teams/{team.id}", data=team_form(page, "Vidéo test", "14", [agent.id, 999999999]))
    assert errors_at(unknown.text, "member_ids") == ["Unknown user 999999999."]


# --- refusals at the field, nothing saved --------------------------------------------------------

def test_a_duplicate_name_is_refused_at_the_name_whatever_the_case(planner, db, make_team):
    make_team("Espaces verts test", members=[])
    before = team_count(db)
    page = planner.get(NEW_URL).text
    response = planner.post(NEW_URL, data=team_form(page, "ESPACES VERTS test", "7", []))
    assert response.status_code == 422
    assert errors_at(response.text, "name") == ["Another team already has this name."]
    assert errors_at(response.text, "daily_capacity_hours") == []
    assert 'value="ESPACES VERTS test"' in response.text and "Some fields are not valid." in response.text
    assert team_count(db) == before


def test_two_saves_of_one_name_at_once_store_one_team_and_refuse_the_other_at_the_name(engine, settings):
    name = "Équipe simultanée"
    outcome: dict = {}

    def second_save():
        with Session(engine) as second:
            actor = second.scalar(select(User).where(User.login == "dispatcher"))
            try:
                create_team(second, actor, TeamDraft(name=name.upper(), daily_capacity_hours="7"), settings.storage_srid)
                second.commit()
                outcome["second"] = "stored"
            except ValidationFailed as refused:
                outcome["second"] = {field: str(why) for field, why in refused.field_errors.items()}

    try:
        with Session(engine) as first:
            actor = first.scalar(select(User).where(User.login == "dispatcher"))
            create_team(first, actor, TeamDraft(name=name, daily_capacity_hours="7"), settings.storage_srid)
            runner = threading.Thread(target=second_save)
            runner.start()
            runner.join(1.0)
            assert runner.is_alive()  # it waits for the first save's commit
            first.commit()
        runner.join(30)
        assert outcome["second"] == {"name": "Another team already has this name."}
        with Session(engine) as check:
            assert check.scalars(select(Team.name).where(func.lower(Team.name) == name.lower())).all() == [name]
    finally:
        with Session(engine) as cleanup:
            cleanup.execute(delete(Team).where(func.lower(Team.name) == name.lower()))
            cleanup.commit()


@pytest.mark.parametrize(("capacity", "members", "message"), [
    ("", 1, "This field is required."),
    ("sept", 1, "Give a number of hours, such as 7 or 10.5."),
    ("NaN", 1, "Give a number of hours, such as 7 or 10.5."),
    ("0", 1, "The capacity must be more than 0 hours."),
    ("-3", 1, "The capacity must be more than 0 hours."),
    ("48,5", 2, "At most 48 hours a day: 24 hours per member (members chosen: 2)."),
    ("25", 0, "At most 24 hours a day for a team without members."),
    ("7.25", 1, "At most one decimal, such as 10.5."),
])
def test_a_wrong_capacity_is_refused_at_its_field(planner, db, make_team, make_user, capacity, members, message):
    agents = [make_user("field_agent") for _ in range(members)]
    team = make_team("Capacité test", members=[], capacity=7)
    page = planner.get(f"/admin/teams/{team.id}").text
    response = planner.post(f"/admin/teams/{team.id}",
                            data=team_form(page, "Capacité renommée", capacity, [a.id for a in agents]))
    assert response.status_code == 422
    assert errors_at(response.text, "daily_capacity_hours") == [message]
    assert errors_at(response.text, "name") == []
    team = stored(db, team.id)
    assert (team.name, team.daily_capacity_hours, team.members) == ("Capacité test", Decimal("7.0"), [])


def test_errors_speak_french_by_default(client, login_as, db):
    login_as("dispatcher")
    before = team_count(db)
    page = client.get(NEW_URL).text
    response = client.post(NEW_URL, data=team_form(page, "   ", "7", []))
    assert response.status_code == 422
    assert errors_at(response.text, "name") == ["Ce champ est obligatoire."]
    assert "Certains champs ne sont pas valides." in response.text
    assert team_count(db) == before


def test_a_post_without_the_csrf_token_is_refused(planner, db):
    before = team_count(db)
    response = planner.post(NEW_URL, data={"name": "Sans jeton", "daily_capacity_hours": "7", "is_active": "y"})
    assert response.status_code == 400 and team_count(db) == before


def test_deactivating_a_team_with_open_work_is_refused_with_its_references(
        planner, db, make_team, make_user, make_intervention, dispatcher):
    agent = make_user("field_agent")
    team = make_team("Éclairage Ouest test", members=[agent], capacity=7)
    items = [make_intervention() for _ in range(6)]
    for number, item in enumerate(items):
        plan(db, dispatcher, item, team, "assigned" if number % 2 else "planned")
    services.perform_transition(db, dispatcher, items[1].id, items[1].version, "in_progress")
    db.flush()
    references = sorted(item.reference for item in items)

    page = planner.get(f"/admin/teams/{team.id}").text
    assert "Open interventions of this team: 6" in page
    response = planner.post(f"/admin/teams/{team.id}",
                            data=team_form(page, "Éclairage Ouest renommée", "14", [agent.id], active=False))
    assert response.status_code == 422
    assert errors_at(response.text, "is_active") == [
        f"This team still has open interventions: 6 ({', '.join(references[:5])}, …). "
        "Give them to another team or cancel them before deactivating it."]
    team = stored(db, team.id)
    assert team.is_active and team.name == "Éclairage Ouest test" and team.daily_capacity_hours == Decimal("7.0")


def test_a_team_whose_work_is_finished_or_cancelled_can_be_deactivated(
        planner, db, make_team, make_intervention, dispatcher):
    team = make_team("Voirie test", members=[], capacity=7)
    item = make_intervention()
    plan(db, dispatcher, item, team)
    services.perform_transition(db, dispatcher, item.id, item.version, "cancelled", "Doublon")
    db.flush()
    page = planner.get(f"/admin/teams/{team.id}").text
    response = planner.post(f"/admin/teams/{team.id}", data=team_form(page, "Voirie test", "7", [], active=False))
    assert response.status_code == 303
    assert not stored(db, team.id).is_active
    row = next(row for row in list_rows(planner.get(LIST_URL).text) if row["id"] == team.id)
    assert row["state"] == "Deactivated"


def test_an_unknown_team_is_404(planner):
    assert planner.get("/admin/teams/999999").status_code == 404
