"""Reads for the teams' administration: every team with its members and open work, one
team, the people who may be made members, and a team's open interventions.

"Open work" is every intervention of the team in an open status (``OPEN_STATUSES``),
whatever the reader's commune scope: a team is one crew for the whole territory.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import or_, select, text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.roles import Role
from app.errors import NotFound
from app.i18n import msg
from app.interventions.models import OPEN_STATUSES, Team
from app.inventory.type_services import label_sort_key
from app.territory.models import Commune


@dataclass(frozen=True)
class TeamRow:
    """One row of the teams list."""

    id: int
    name: str
    daily_capacity_hours: Decimal
    is_active: bool
    member_names: list[str]
    open_count: int


def team_rows(session: Session) -> list[TeamRow]:
    """Every team with its members' names and its number of open interventions: the
    active teams first, then the inactive ones, each by name as a reader sorts."""
    rows = session.execute(text(
        "SELECT t.id, t.name, t.daily_capacity_hours, t.is_active, "
        "coalesce((SELECT array_agg(u.display_name) FROM team_members m "
        "          JOIN users u ON u.id = m.user_id WHERE m.team_id = t.id), '{}') AS member_names, "
        "(SELECT count(*) FROM interventions i WHERE i.team_id = t.id AND i.status = ANY(:open)) AS open_count "
        "FROM teams t"), {"open": list(OPEN_STATUSES)})
    teams = [TeamRow(**{**row, "member_names": sorted(row["member_names"], key=label_sort_key)})
             for row in rows.mappings()]
    return sorted(teams, key=lambda team: (not team.is_active, label_sort_key(team.name)))


def get_team(session: Session, team_id: int) -> Team:
    """The team ``team_id`` with its members, or NotFound."""
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(msg("No team %(id)s.", id=team_id))
    return team


def member_options(session: Session, current_member_ids: list[int]) -> list[User]:
    """Who may be ticked as a member, by name as a reader sorts: the active field agents,
    and the current members even if they are no longer one (so that editing a team never
    drops them silently)."""
    may_join = (User.role == Role.FIELD_AGENT.value) & User.is_active
    users = session.scalars(select(User).where(or_(may_join, User.id.in_(current_member_ids))))
    return sorted(users, key=lambda user: (label_sort_key(user.display_name), user.login))


def commune_options(session: Session) -> list[Commune]:
    """The communes a team may serve, by name as a reader sorts."""
    return sorted(session.scalars(select(Commune)), key=lambda commune: label_sort_key(commune.name))


def open_interventions(session: Session, team_id: int, limit: int) -> tuple[int, list[str]]:
    """How many open interventions the team has, and the references of the first ``limit``."""
    params = {"team": team_id, "open": list(OPEN_STATUSES), "limit": limit}
    count = session.execute(text(
        "SELECT count(*) FROM interventions WHERE team_id = :team AND status = ANY(:open)"), params).scalar_one()
    references = session.execute(text(
        "SELECT reference FROM interventions WHERE team_id = :team AND status = ANY(:open) "
        "ORDER BY reference LIMIT :limit"), params).scalars()
    return count, list(references)
