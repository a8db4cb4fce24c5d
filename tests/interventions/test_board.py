"""The planning board page: cards in their team's day (local time), the backlog, the
day's load against the team's capacity, the week parameter, and who may see it."""
from __future__ import annotations

from datetime import date

import lxml.html
import pytest

from app.interventions import board, services
from tests.conftest import csrf_token_from

WEEK = "2026-W48"  # Monday 23 → Sunday 29 November 2026


def _get_board(client, query: str = f"week={WEEK}"):
    response = client.get(f"/interventions/board?{query}")
    return response, lxml.html.fromstring(response.text)


def _references(node) -> list[str]:
    return node.xpath(".//article[contains(@class, 'board-card')]/@data-reference")


def _cell(tree, team_id: int, day: str):
    (cell,) = tree.xpath(f"//td[@data-team-id='{team_id}'][@data-day='{day}']")
    return cell


def _plan(db, actor, item, team, start: str, **details):
    services.perform_transition(db, actor, item.id, item.version, "planned", None,
                                {"team_id": team.id, "planned_start": start, **details})


def _in_english(client) -> None:
    page = client.get("/inventory")
    client.post("/language", data={"language": "en", "csrf_token": csrf_token_from(page.text)})


def test_a_planned_intervention_sits_in_its_team_and_local_day_and_a_new_one_in_the_backlog(
        db, client, login_as, make_team, make_intervention, sla_rules):
    dispatcher = login_as("dispatcher")
    north, south = make_team("Board north"), make_team("Board south")
    planned = make_intervention()
    # 00:30 in Paris on Thursday is still Wednesday in UTC: the card belongs to Thursday.
    _plan(db, dispatcher, planned, south, "2026-11-26T00:30")
    waiting = make_intervention()
    elsewhere = make_intervention()
    _plan(db, dispatcher, elsewhere, north, "2026-12-01T08:00")  # the next week

    response, tree = _get_board(client)

    assert response.status_code == 200
    assert _references(_cell(tree, south.id, "2026-11-26")) == [planned.reference]
    week_cards = _references(tree.xpath("//table[contains(@class, 'board-week')]")[0])
    assert planned.reference in week_cards and waiting.reference not in week_cards
    assert elsewhere.reference not in week_cards
    backlog = _references(tree.get_element_by_id("backlog"))
    assert waiting.reference in backlog and planned.reference not in backlog and elsewhere.reference not in backlog
    card = tree.xpath(f"//article[@data-reference='{planned.reference}']")[0]
    assert (card.get("data-day"), card.get("data-time"), card.get("data-status")) == ("2026-11-26", "00:30", "planned")
    assert card.get("data-version") == str(planned.version)
    rows = tree.xpath("//table[contains(@class, 'board-week')]/tbody/tr/th")
    assert [row.text.strip() for row in rows if row.text.strip().startswith("Board")] == ["Board north", "Board south"]


def test_the_day_load_sums_estimates_counting_an_hour_when_missing_and_turns_red_over_capacity(
        db, client, login_as, make_team, make_intervention, sla_rules):
    dispatcher = login_as("dispatcher")
    team = make_team("Board capacity", capacity=3)
    for minutes in (90, None, 45):  # 3 h 15 on a 3 h day
        _plan(db, dispatcher, make_intervention(estimated_minutes=minutes), team, "2026-11-24T08:00")
    _plan(db, dispatcher, make_intervention(estimated_minutes=30), team, "2026-11-25T14:00")

    _, tree = _get_board(client)

    tuesday, wednesday, thursday = (_cell(tree, team.id, f"2026-11-2{d}") for d in (4, 5, 6))
    assert tuesday.xpath("string(.//*[@class='capacity-text'])") == "3 h 15 / 3 h"
    assert "over" in tuesday.get("class") and tuesday.xpath(".//div[@class='capacity over']")
    assert wednesday.xpath("string(.//*[@class='capacity-text'])") == "30 min / 3 h"
    assert "over" not in wednesday.get("class")
    assert thursday.xpath("string(.//*[@class='capacity-text'])") == "0 h / 3 h"


def test_the_backlog_holds_new_and_reopened_soonest_due_first_and_filters(
        db, client, login_as, make_intervention, sla_rules):
    login_as("dispatcher")
    later = make_intervention(priority="P4", kind="inspection")
    sooner = make_intervention(priority="P1")
    reopened = make_intervention(priority="P3", kind="inspection")
    reopened.status = "reopened"
    cancelled = make_intervention(priority="P1")
    cancelled.status = "cancelled"
    db.flush()

    _, tree = _get_board(client)
    backlog = _references(tree.get_element_by_id("backlog"))
    assert backlog.index(sooner.reference) < backlog.index(reopened.reference) < backlog.index(later.reference)
    assert cancelled.reference not in backlog

    _, tree = _get_board(client, f"week={WEEK}&kind=inspection&priority=P4")
    filtered = _references(tree.get_element_by_id("backlog"))
    assert later.reference in filtered and not {sooner.reference, reopened.reference} & set(filtered)
    assert tree.xpath("string(//*[@data-testid='backlog-count'])") == str(len(filtered))
    _, tree = _get_board(client, f"week={WEEK}&kind=inspection&priority=P4&commune=21515")  # Quetigny
    assert later.reference not in _references(tree.get_element_by_id("backlog"))


@pytest.mark.parametrize(("week", "message"), [
    ("2026-48", "Expected a week as YYYY-Www, e.g. 2026-W48."),
    ("2025-W53", "The year 2025 has no week 53."),
    ("2026-W00", "The year 2026 has no week 0."),
])
def test_a_wrong_week_gets_a_message_at_the_field(client, login_as, week, message):
    login_as("dispatcher")
    _in_english(client)

    response, tree = _get_board(client, f"week={week}")

    assert response.status_code == 400
    field = tree.xpath("//form[@class='week-form']//div[contains(@class, 'has-error')]")[0]
    assert field.xpath("string(.//p[@class='field-error'])") == message
    assert field.xpath(".//input[@id='week']/@value") == [week]
    assert not tree.xpath("//table[contains(@class, 'board-week')]")


def test_without_a_week_the_board_shows_the_current_one(client, login_as):
    login_as("admin")
    monday = board.monday_of(board.local_today())

    response, tree = _get_board(client, "")

    assert response.status_code == 200
    assert tree.xpath("//input[@id='week']/@value") == [board.week_code(monday)]
    assert tree.xpath("//thead/tr/th/@data-day")[0] == monday.isoformat()
    assert tree.xpath("//thead/tr/th[contains(@class, 'today')]/@data-day") == [board.local_today().isoformat()]


def test_a_wrong_backlog_filter_gets_a_message_at_the_field(client, login_as):
    login_as("dispatcher")
    _in_english(client)

    response, tree = _get_board(client, f"week={WEEK}&priority=P9&kind=painting&commune=99999")

    assert response.status_code == 200
    errors = tree.xpath("//form[@class='backlog-filters']//p[@class='field-error']/text()")
    assert errors == ["Choose a priority from P1 to P4.", "Unknown kind painting.", "Unknown commune 99999."]


@pytest.mark.parametrize("role", ["councillor", "field_agent", "asset_manager"])
def test_only_planners_see_the_board_and_its_link(client, login_as, role):
    login_as(role)
    assert client.get(f"/interventions/board?week={WEEK}").status_code == 403
    assert "/interventions/board" not in client.get("/inventory").text


def test_planners_have_the_link_in_the_top_bar(client, login_as):
    login_as("dispatcher")
    tree = lxml.html.fromstring(client.get("/inventory").text)
    assert tree.xpath("//nav[@class='topnav']/a[@href='/interventions/board']")


@pytest.mark.parametrize(("raw", "monday"), [("2026-W48", date(2026, 11, 23)), ("2026-W53", date(2026, 12, 28)),
                                              ("2027-W01", date(2027, 1, 4))])
def test_iso_weeks_start_on_their_monday(raw, monday):
    assert board.parse_week(raw) == monday
    assert board.week_code(monday) == raw
