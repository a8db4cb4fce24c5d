"""Reads of the dispatchers' planning board: one ISO week of planned interventions per
team and day, each day's load against the team's daily capacity, and the backlog of
interventions waiting for a day.

The board shows an intervention in exactly one place: on the week when its status is
past planning (planned … closed) and its planned start falls in the week (days read in
the territory's local time), in the backlog while it is ``new`` or ``reopened``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy.orm import Session

from app.auth.models import User
from app.errors import ValidationFailed
from app.i18n import msg
from app.interventions import queries
from app.interventions.models import OPEN_STATUSES
from app.interventions.sla import DEFAULT_CALENDAR

LOCAL_ZONE = ZoneInfo(DEFAULT_CALENDAR.timezone)
DEFAULT_ESTIMATE_MINUTES = 60  # what an intervention without an estimate counts for
BOARD_STATUSES = ("planned", "assigned", "in_progress", "on_hold", "completed", "closed")
BACKLOG_STATUSES = ("new", "reopened")
BACKLOG_LIMIT = 100
# A generous bound for one week of planned work (a métropole plans a few hundred a week).
WEEK_LIMIT = 10_000
HOLIDAY_LANGUAGES = {"fr": "fr", "en": "en_US"}
_ISO_WEEK = re.compile(r"(\d{4})-W(\d{2})")


@dataclass(frozen=True)
class Card:
    """One intervention as the board shows it."""

    id: int
    reference: str
    version: int
    priority: int
    kind: str
    status: str
    commune_name: str | None
    estimated_minutes: int | None
    overdue: bool
    at_risk: bool
    team_id: int | None
    start: datetime | None  # local time
    end: datetime | None  # local time
    due_at: datetime | None  # local time

    @property
    def counted_minutes(self) -> int:
        """The time it takes on its day: its estimate, or the default when it has none."""
        return self.estimated_minutes or DEFAULT_ESTIMATE_MINUTES

    @property
    def movable(self) -> bool:
        """Whether it is still open (a finished intervention stays where it was done)."""
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class Day:
    """A column of the board."""

    day: date
    is_today: bool
    holiday: str | None

    @property
    def is_weekend(self) -> bool:
        return self.day.weekday() >= 5


@dataclass
class Cell:
    """A team's day: its cards and its load against its capacity (None: no capacity, the
    row of interventions without an active team)."""

    day: date
    capacity_minutes: int | None
    cards: list[Card] = field(default_factory=list)

    @property
    def load_minutes(self) -> int:
        return sum(card.counted_minutes for card in self.cards)

    @property
    def over_capacity(self) -> bool:
        return self.capacity_minutes is not None and self.load_minutes > self.capacity_minutes

    @property
    def load_percent(self) -> int:
        """The share of the capacity used, capped at 100 for the bar."""
        if not self.capacity_minutes:
            return 0
        return min(100, round(100 * self.load_minutes / self.capacity_minutes))


@dataclass
class TeamRow:
    """A row of the board: an active team (``team_id`` None: planned work without one)."""

    team_id: int | None
    name: str
    cells: list[Cell]


@dataclass
class WeekBoard:
    monday: date
    days: list[Day]
    rows: list[TeamRow]


@dataclass(frozen=True)
class BacklogFilter:
    """What the backlog is narrowed to (INSEE codes for communes)."""

    priorities: list[int] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    communes: list[str] = field(default_factory=list)


def parse_week(raw: str) -> date:
    """The Monday of an ISO week written ``2026-W48``; ValidationFailed on the ``week`` field."""
    match = _ISO_WEEK.fullmatch(raw.strip())
    if match is None:
        raise ValidationFailed(msg("Invalid week."), {"week": msg("Expected a week as YYYY-Www, e.g. 2026-W48.")})
    year, week = int(match[1]), int(match[2])
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValidationFailed(msg("Invalid week."), {"week": msg("The year %(year)s has no week %(week)s.",
                                                                  year=year, week=week)}) from None


def week_code(monday: date) -> str:
    """``2026-W48``: the ISO week of ``monday`` as the page's ``week`` parameter writes it."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def local_today() -> date:
    """Today in the territory's time zone."""
    return datetime.now(LOCAL_ZONE).date()


def monday_of(day: date) -> date:
    """The Monday of the ISO week ``day`` is in."""
    return day - timedelta(days=day.weekday())


def week_board(session: Session, actor: User, monday: date, today: date, language: str) -> WeekBoard:
    """The week from ``monday``: one row per active team, one cell per day with its cards
    (by start time), and a last row for the week's planned work without an active team
    when there is any. Holidays are named in ``language`` (fr or en)."""
    days = _days(monday, today, language)
    start = datetime.combine(monday, time.min, tzinfo=LOCAL_ZONE)
    features = queries.intervention_features(
        session, actor,
        queries.InterventionFilter(statuses=list(BOARD_STATUSES), planned_from=start,
                                   planned_before=start + timedelta(days=7), sort="planned_start"),
        WEEK_LIMIT)
    rows = [TeamRow(team["id"], team["name"], [Cell(d.day, round(team["daily_capacity_hours"] * 60)) for d in days])
            for team in queries.teams(session)]
    by_team = {row.team_id: row for row in rows}
    without_team = TeamRow(None, "", [Cell(d.day, None) for d in days])
    for card in map(_card, features):
        row = by_team.get(card.team_id, without_team)
        row.cells[(card.start.date() - monday).days].cards.append(card)
    if any(cell.cards for cell in without_team.cells):
        rows.append(without_team)
    return WeekBoard(monday, days, rows)


def backlog(session: Session, actor: User, flt: BacklogFilter, limit: int = BACKLOG_LIMIT) -> tuple[list[Card], int]:
    """The interventions waiting for a day (new or reopened), soonest due first, and how many match."""
    query = queries.InterventionFilter(statuses=list(BACKLOG_STATUSES), priorities=flt.priorities,
                                       kinds=flt.kinds, communes=flt.communes, sort="due_at")
    cards = [_card(feature) for feature in queries.intervention_features(session, actor, query, limit)]
    return cards, queries.count_interventions(session, actor, query)


def duration_text(minutes: int) -> str:
    """``45 min``, ``2 h``, ``5 h 30``: a duration as the board writes it."""
    if 0 < minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def _days(monday: date, today: date, language: str) -> list[Day]:
    week = [monday + timedelta(days=n) for n in range(7)]
    public_holidays = holidays.country_holidays(DEFAULT_CALENDAR.country, years={d.year for d in week},
                                                language=HOLIDAY_LANGUAGES.get(language, "fr"))
    return [Day(d, d == today, public_holidays.get(d)) for d in week]


def _card(feature: dict) -> Card:
    p = feature["properties"]
    return Card(
        id=feature["id"], reference=p["reference"], version=p["version"], priority=int(p["priority"].removeprefix("P")),
        kind=p["kind"], status=p["status"], commune_name=p["commune_name"], estimated_minutes=p["estimated_minutes"],
        overdue=bool(p["overdue"]), at_risk=bool(p["at_risk"]), team_id=p["team_id"],
        start=_local(p["planned_start"]), end=_local(p["planned_end"]), due_at=_local(p["due_at"]),
    )


def _local(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value).astimezone(LOCAL_ZONE) if value else None
