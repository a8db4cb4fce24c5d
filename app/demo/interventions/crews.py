"""The demo's teams and the people who appear in the interventions' timelines, the
crews' trades, depots, hours and vehicles, and a last position for each crew near its
open work (so that the dispatch map shows them).

The crews' field agents (besides the demo account ``agent``) and the on-call dispatcher
get a random password: they are actors of the generated timelines, nobody logs in as
them, so they never expose the public demo password (an administrator may give them
one with ``vigie set-password``).
"""
from __future__ import annotations

import math
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from geoalchemy2.shape import from_shape
from shapely.geometry import Point
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.services import create_user
from app.db import STORAGE_SRID
from app.dispatch.services import record_positions
from app.errors import ValidationFailed
from app.interventions.models import Team
from gis.crs import reproject, transformer


@dataclass(frozen=True)
class Depot:
    label: str
    longitude: float
    latitude: float


# Sites of the municipal workshops, inside Dijon (the places are the demo's, not surveyed).
CTM_NORTH = Depot("Centre technique municipal — site nord", 5.0505, 47.3418)
CTM_SOUTH = Depot("Centre technique municipal — site sud", 5.0300, 47.3080)
CTM_EAST = Depot("Centre technique municipal — site est", 5.0640, 47.3235)
CANAL = Depot("Dépôt du port du canal", 5.0330, 47.3140)
TOISON = Depot("Dépôt voirie — Toison d'Or", 5.0590, 47.3460)


@dataclass(frozen=True)
class TeamSpec:
    key: str
    name: str
    capacity_hours: float  # seven hours a day per member
    members: tuple[str, ...]  # logins
    skills: tuple[str, ...]
    depot: Depot
    shift: tuple[time, time]
    vehicle: str


DAY_SHIFT = (time(7, 30), time(16, 0))
EARLY_SHIFT = (time(7, 0), time(15, 30))


@dataclass(frozen=True)
class CrewAccount:
    login: str
    display_name: str
    role: str = "field_agent"


TEAMS = (
    TeamSpec("lighting_north", "Éclairage Nord", 21.0, ("agent", "nbenali", "tgirard"), ("street_lighting",),
             CTM_NORTH, DAY_SHIFT, "Nacelle 12 m — Renault Master"),
    TeamSpec("lighting_south", "Éclairage Sud", 21.0, ("jmorel", "slambert", "ydiallo"), ("street_lighting",),
             CTM_SOUTH, DAY_SHIFT, "Nacelle 12 m — Iveco Daily"),
    TeamSpec("traffic", "Signalisation lumineuse", 14.0, ("khaddad", "lperrin"), ("traffic_signals",),
             CTM_EAST, EARLY_SHIFT, "Fourgon atelier feux tricolores"),
    TeamSpec("cctv", "Vidéoprotection", 7.0, ("tpetit",), ("cctv",), CTM_EAST, (time(8, 0), time(16, 30)),
             "Utilitaire léger vidéoprotection"),
    TeamSpec("furniture", "Mobilier urbain", 14.0, ("eroux", "hfontaine"), ("street_furniture",), CANAL, DAY_SHIFT,
             "Camion plateau avec grue"),
    TeamSpec("roads", "Voirie", 7.0, ("pmercier",), ("roadworks",), TOISON, EARLY_SHIFT,
             "Camion benne et fourgon de signalisation"),
    TeamSpec("green", "Espaces verts", 14.0, ("mbonnet", "cfaure"), ("green_spaces",), CTM_NORTH, EARLY_SHIFT,
             "Camion benne espaces verts"),
)
# How old each crew's demo position is, in minutes (two beyond the map's 10 minutes: greyed).
POSITION_AGES_MINUTES = {"lighting_north": 2, "lighting_south": 4, "traffic": 1, "cctv": 14, "furniture": 6,
                         "roads": 3, "green": 25}
_POSITION_IDS = uuid.UUID("6f1d3c2a-8c1e-4f53-9a57-2b0f8e4d7a10")  # uuid5 namespace of the demo's fixes
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
        if team.depot is None:  # equipped once: what an administrator changes since stays
            _equip(team, spec)
    session.flush()
    return Crews(
        team_ids={spec.key: teams[spec.name].id for spec in TEAMS},
        members={spec.key: tuple(users[login].id for login in spec.members) for spec in TEAMS},
        dispatcher_id=users[DISPATCHER].id, on_call_id=users[ON_CALL].id, manager_id=users[MANAGER].id,
    )


def _equip(team: Team, spec: TeamSpec) -> None:
    """The crew's trades, depot, hours, working days and vehicle, as the demo gives them."""
    depot = reproject(Point(spec.depot.longitude, spec.depot.latitude), 4326, STORAGE_SRID)
    team.skills, team.depot, team.depot_label = list(spec.skills), from_shape(depot, srid=STORAGE_SRID), spec.depot.label
    team.shift_start, team.shift_end = spec.shift
    team.working_days, team.vehicle = [1, 2, 3, 4, 5], spec.vehicle


def place_crews(session: Session, crews: Crews, now: datetime) -> int:
    """A last position for each crew, posted by its first member as the tablet would,
    a few dozen metres from its current work (its job in progress, else the next one
    assigned, else its depot). Ids derive from the crew and the minute: loading again
    within the minute stores nothing twice. Returns how many fixes were stored."""
    stored = 0
    to_lonlat = transformer(STORAGE_SRID, 4326)
    for index, spec in enumerate(TEAMS):
        x, y = _near_work(session, crews.team_ids[spec.key], spec, now)
        angle = index * 2 * math.pi / len(TEAMS)  # a few dozen metres aside, in a different direction each
        longitude, latitude = to_lonlat.transform(x + 45 * math.cos(angle), y + 45 * math.sin(angle))
        recorded_at = now - timedelta(minutes=POSITION_AGES_MINUTES[spec.key])
        agent = session.get(User, crews.members[spec.key][0])
        fix = {"id": str(uuid.uuid5(_POSITION_IDS, f"{spec.key}:{recorded_at:%Y%m%d%H%M}")),
               "longitude": round(longitude, 6), "latitude": round(latitude, 6), "accuracy_m": 8 + 3 * index,
               "recorded_at": recorded_at.isoformat()}
        stored += record_positions(session, agent, [fix], STORAGE_SRID, now=now)
    return stored


def _near_work(session: Session, team_id: int, spec: TeamSpec, now: datetime) -> tuple[float, float]:
    """Where the crew works now (storage SRID): its open job in progress, else its next assigned one."""
    row = session.execute(text(
        "SELECT ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM interventions "
        "WHERE team_id = :team AND status IN ('in_progress', 'assigned') "
        "ORDER BY status = 'in_progress' DESC, abs(extract(epoch FROM planned_start - :now)) NULLS LAST, id LIMIT 1"),
        {"team": team_id, "now": now}).first()
    if row is not None:
        return row[0], row[1]
    depot = reproject(Point(spec.depot.longitude, spec.depot.latitude), 4326, STORAGE_SRID)
    return depot.x, depot.y
