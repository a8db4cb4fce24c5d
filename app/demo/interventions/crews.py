"""The demo's teams and the people who appear in the interventions' timelines.

The crews' field agents (besides the demo account ``agent``) and the on-call dispatcher
get a random password: they are actors of the generated timelines, nobody logs in as
them, so they never expose the public demo password (an administrator may give them
one with ``vigie set-password``).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.services import create_user
from app.errors import ValidationFailed
from app.interventions.models import Team


@dataclass(frozen=True)
class TeamSpec:
    key: str
    name: str
    capacity_hours: float  # seven hours a day per member
    members: tuple[str, ...]  # logins


@dataclass(frozen=True)
class CrewAccount:
    login: str
    display_name: str
    role: str = "field_agent"


TEAMS = (
    TeamSpec("lighting_north", "Éclairage Nord", 21.0, ("agent", "nbenali", "tgirard")),
    TeamSpec("lighting_south", "Éclairage Sud", 21.0, ("jmorel", "slambert", "ydiallo")),
    TeamSpec("traffic", "Signalisation lumineuse", 14.0, ("khaddad", "lperrin")),
    TeamSpec("cctv", "Vidéoprotection", 7.0, ("tpetit",)),
    TeamSpec("furniture", "Mobilier urbain", 14.0, ("eroux", "hfontaine")),
    TeamSpec("roads", "Voirie", 7.0, ("pmercier",)),
    TeamSpec("green", "Espaces verts", 14.0, ("mbonnet", "cfaure")),
)
CREW_ACCOUNTS = (
    CrewAccount("nbenali", "Nadia Benali"),
    CrewAccount("tgirard", "Théo Girard"),
    CrewAccount("jmorel", "Julien Morel"),
    CrewAccount("slambert", "Sophie Lambert"),
    CrewAccount("ydiallo", "Yanis Diallo"),
    CrewAccount("khaddad", "Karim Haddad"),
    CrewAccount("lperrin", "Lucie Perrin"),
    CrewAccount("tpetit", "Thomas Petit"),
    CrewAccount("eroux", "Émilie Roux"),
    CrewAccount("hfontaine", "Hugo Fontaine"),
    CrewAccount("pmercier", "Paul Mercier"),
    CrewAccount("mbonnet", "Mathieu Bonnet"),
    CrewAccount("cfaure", "Camille Faure"),
    CrewAccount("pvasseur", "Pierre Vasseur", "dispatcher"),  # on call at night and at weekends
)
# Demo accounts (app.demo.dijon) the timelines use besides the crews.
DISPATCHER, ON_CALL, MANAGER = "dispatcher", "pvasseur", "manager"


@dataclass(frozen=True)
class Crews:
    """Team ids by key, their members' user ids, and the office actors' user ids."""

    team_ids: dict[str, int]
    members: dict[str, tuple[int, ...]]
    dispatcher_id: int
    on_call_id: int
    manager_id: int


def ensure_crews(session: Session) -> Crews:
    """Create the missing crew accounts and teams, add missing members (idempotent)."""
    users = {login: user for login, user in session.execute(select(User.login, User))}
    crew_logins = {account.login for account in CREW_ACCOUNTS}
    demo_logins = {DISPATCHER, MANAGER} | {login for spec in TEAMS for login in spec.members} - crew_logins
    missing_demo = sorted(demo_logins - set(users))
    if missing_demo:
        raise ValidationFailed(f"Demo accounts missing ({', '.join(missing_demo)}): run vigie load-demo first.")
    for account in CREW_ACCOUNTS:
        if account.login not in users:
            users[account.login] = create_user(session, account.login, secrets.token_urlsafe(24), account.role,
                                               account.display_name)
    teams = {team.name: team for team in session.scalars(select(Team))}
    for spec in TEAMS:
        team = teams.get(spec.name)
        if team is None:
            team = teams[spec.name] = Team(name=spec.name, daily_capacity_hours=spec.capacity_hours, members=[])
            session.add(team)
        team.members.extend(users[login] for login in spec.members if users[login] not in team.members)
    session.flush()
    return Crews(
        team_ids={spec.key: teams[spec.name].id for spec in TEAMS},
        members={spec.key: tuple(users[login].id for login in spec.members) for spec in TEAMS},
        dispatcher_id=users[DISPATCHER].id, on_call_id=users[ON_CALL].id, manager_id=users[MANAGER].id,
    )
