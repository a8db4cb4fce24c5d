"""Administration of teams (crews): create a team, change its name, daily capacity,
members, trades, depot, working hours and days, vehicle, communes served, and whether it
takes work.

Dispatchers and administrators (``PLAN_INTERVENTIONS``) manage teams. Validation reports
every wrong field at once before anything is written; field errors are keyed by the
draft's field names (``name``, ``daily_capacity_hours``, ``member_ids``, ``is_active``,
``skills``, ``depot_longitude``, ``depot_latitude``, ``depot_label``, ``shift_start``,
``shift_end``, ``working_days``, ``vehicle``, ``commune_ids``), and ``depot`` for the depot
as a whole (one coordinate missing, outside the territory).
Services flush, never commit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal, InvalidOperation

from shapely.geometry import Point

from geoalchemy2 import Geometry, WKBElement
from geoalchemy2.shape import from_shape
from sqlalchemy import bindparam, exists, func, select, text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.roles import Permission, Role
from app.errors import NotFound, PermissionDenied, ValidationFailed
from app.i18n import Msg, msg
from app.interventions.models import Team
from app.interventions.team_queries import open_interventions
from app.inventory.models import SKILLS
from app.territory.models import Commune
from gis.crs import reproject

MAX_NAME = 120
# Nobody works more than 24 hours a day: the bound catches a slipped digit (70 for 7.0).
HOURS_PER_MEMBER = Decimal(24)
MAX_CAPACITY = Decimal("9999.9")  # what the column (numeric(5,1)) holds
ONE_DECIMAL = Decimal("0.1")
REFERENCES_SHOWN = 5  # open interventions named when a deactivation is refused
MAX_VEHICLE = 120
MAX_DEPOT_LABEL = 200
DEFAULT_SHIFT = ("07:30", "16:00")
WEEKDAYS = (1, 2, 3, 4, 5, 6, 7)  # ISO: 1 = Monday
_CLOCK = re.compile(r"([01]?\d|2[0-3])[:hH]([0-5]\d)")


@dataclass
class TeamDraft:
    """What a dispatcher submits for a team, as typed: the capacity may be text with a
    decimal comma (``10,5``), the member ids text or numbers."""

    name: object
    daily_capacity_hours: object
    member_ids: list = field(default_factory=list)
    is_active: bool = True
    skills: list = field(default_factory=list)
    depot_longitude: object = ""  # degrees, decimal point or comma; both or neither
    depot_latitude: object = ""
    depot_label: object = ""
    shift_start: object = DEFAULT_SHIFT[0]  # "07:30"
    shift_end: object = DEFAULT_SHIFT[1]
    working_days: list = field(default_factory=lambda: [1, 2, 3, 4, 5])
    vehicle: object = ""
    commune_ids: list = field(default_factory=list)


@dataclass(frozen=True)
class _CheckedTeam:
    name: str
    daily_capacity_hours: Decimal
    members: list[User]
    skills: list[str]
    depot: WKBElement | None  # in the storage SRID
    depot_label: str | None
    shift_start: time
    shift_end: time
    working_days: list[int]
    vehicle: str | None
    communes: list[Commune]


def capacity_limit(member_count: int) -> Decimal:
    """The most hours a day a team of ``member_count`` members may be given: 24 per member,
    or 24 while it has no member."""
    return min(HOURS_PER_MEMBER * max(member_count, 1), MAX_CAPACITY)


def create_team(session: Session, actor: User, draft: TeamDraft, storage_srid: int) -> Team:
    """Add a team after checking every field."""
    _require_planner(actor)
    checked = _checked(session, draft, None, storage_srid)
    team = Team(name=checked.name, daily_capacity_hours=checked.daily_capacity_hours,
                is_active=bool(draft.is_active), members=checked.members)
    _apply_crew_fields(team, checked)
    session.add(team)
    session.flush()
    return team


def update_team(session: Session, actor: User, team_id: int, draft: TeamDraft, storage_srid: int) -> Team:
    """Change the team ``team_id`` after checking every field; deactivating a team that
    still has open interventions is refused with their number and first references."""
    _require_planner(actor)
    team = session.scalar(select(Team).where(Team.id == team_id).with_for_update()
                          .execution_options(populate_existing=True))
    if team is None:
        raise NotFound(msg("No team %(id)s.", id=team_id))
    checked = _checked(session, draft, team, storage_srid)
    team.name, team.daily_capacity_hours = checked.name, checked.daily_capacity_hours
    team.members, team.is_active = checked.members, bool(draft.is_active)
    _apply_crew_fields(team, checked)
    session.flush()
    return team


def _apply_crew_fields(team: Team, checked: _CheckedTeam) -> None:
    team.skills, team.depot, team.depot_label = checked.skills, checked.depot, checked.depot_label
    team.shift_start, team.shift_end = checked.shift_start, checked.shift_end
    team.working_days, team.vehicle, team.communes = checked.working_days, checked.vehicle, checked.communes


def _require_planner(actor: User) -> None:
    """Only a role that plans interventions may manage the crews."""
    if not actor.can(Permission.PLAN_INTERVENTIONS):
        raise PermissionDenied(msg("Your role does not allow managing teams."))


def _checked(session: Session, draft: TeamDraft, team: Team | None, storage_srid: int) -> _CheckedTeam:
    """The draft's values ready to store, or ValidationFailed naming every wrong field."""
    errors: dict[str, Msg] = {}
    name = _name(session, draft.name, team, errors)
    member_ids = _member_ids(draft.member_ids, errors)
    members = _members(session, member_ids, team, errors) if "member_ids" not in errors else []
    hours = _capacity(draft.daily_capacity_hours, len(member_ids), errors)
    if team is not None and team.is_active and not draft.is_active:
        _refuse_open_work(session, team, errors)
    skills = _skills(draft.skills, errors)
    depot = _depot(session, draft.depot_longitude, draft.depot_latitude, storage_srid, errors)
    depot_label = _short_text(draft.depot_label, MAX_DEPOT_LABEL, "depot_label", errors)
    shift_start = _clock(draft.shift_start, "shift_start", errors)
    shift_end = _clock(draft.shift_end, "shift_end", errors)
    if shift_start is not None and shift_end is not None and shift_end <= shift_start:
        errors["shift_end"] = msg("The day must end after it starts (%(start)s).", start=shift_start.strftime("%H:%M"))
    working_days = _working_days(draft.working_days, errors)
    vehicle = _short_text(draft.vehicle, MAX_VEHICLE, "vehicle", errors)
    communes = _communes(session, draft.commune_ids, errors)
    if errors:
        raise ValidationFailed(msg("Some fields are not valid."), errors)
    return _CheckedTeam(name, hours, members, skills, depot, depot_label, shift_start, shift_end, working_days,
                        vehicle, communes)


def _skills(raw: list, errors: dict[str, Msg]) -> list[str]:
    """The trades ticked, each known, in the catalogue's order."""
    chosen = {str(value) for value in raw or []}
    unknown = sorted(chosen - set(SKILLS))
    if unknown:
        errors["skills"] = msg("Unknown trade %(value)s.", value=", ".join(unknown))
    return [skill for skill in SKILLS if skill in chosen]


def _depot(session: Session, raw_longitude: object, raw_latitude: object, storage_srid: int,
           errors: dict[str, Msg]) -> WKBElement | None:
    """The depot in the storage SRID: both coordinates in degrees, inside the
    territory; neither given: no depot."""
    texts = [str(value if value is not None else "").strip().replace(",", ".") for value in (raw_longitude, raw_latitude)]
    if not any(texts):
        return None
    if not all(texts):
        errors["depot"] = msg("Give both the longitude and the latitude, or neither.")
        return None
    values = []
    for name, value, low, high in (("depot_longitude", texts[0], -180, 180), ("depot_latitude", texts[1], -90, 90)):
        try:
            number = float(value)
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            errors[name] = msg("Give a number of degrees from %(low)s to %(high)s, such as 5.0415.", low=low, high=high)
        values.append(number)
    if any(name in errors for name in ("depot_longitude", "depot_latitude")):
        return None
    point = from_shape(reproject(Point(*values), 4326, storage_srid), srid=storage_srid)
    inside = session.execute(text("SELECT EXISTS (SELECT 1 FROM territory_outline WHERE ST_Intersects(geom, :point))")
                             .bindparams(bindparam("point", type_=Geometry)), {"point": point}).scalar()
    if not inside:
        errors["depot"] = msg("The depot must be inside the territory; click on the map or check the coordinates.")
        return None
    return point


def _short_text(raw: object, limit: int, name: str, errors: dict[str, Msg]) -> str | None:
    value = " ".join(str(raw or "").split())
    if len(value) > limit:
        errors[name] = msg("At most %(max)s characters.", max=limit)
    return value or None


def _clock(raw: object, name: str, errors: dict[str, Msg]) -> time | None:
    """A time of day written 07:30 or 7h30."""
    value = str(raw or "").strip()
    match = _CLOCK.fullmatch(value)
    if not value:
        errors[name] = msg("This field is required.")
    elif match is None:
        errors[name] = msg("Give a time of day, such as 07:30.")
    else:
        return time(int(match.group(1)), int(match.group(2)))
    return None


def _working_days(raw: list, errors: dict[str, Msg]) -> list[int]:
    """The ISO weekdays ticked (1 = Monday), at least one."""
    days = {int(value) for value in raw or [] if str(value).isdigit() and int(value) in WEEKDAYS}
    if len(days) != len(set(map(str, raw or []))):
        errors["working_days"] = msg("Unknown day.")
    elif not days:
        errors["working_days"] = msg("Tick at least one working day.")
    return sorted(days)


def _communes(session: Session, raw_ids: list, errors: dict[str, Msg]) -> list[Commune]:
    """The communes served (none: the whole territory)."""
    ids = {int(value) for value in raw_ids or [] if str(value).isdigit()}
    communes = list(session.scalars(select(Commune).where(Commune.id.in_(ids)).order_by(Commune.name))) if ids else []
    if len(communes) != len(set(map(str, raw_ids or []))):
        errors["commune_ids"] = msg("Unknown commune.")
    return communes


def _name(session: Session, raw: object, team: Team | None, errors: dict[str, Msg]) -> str:
    """A name given, not too long, and not another team's (whatever the case)."""
    name = " ".join(str(raw or "").split())
    if not name:
        errors["name"] = msg("This field is required.")
    elif len(name) > MAX_NAME:
        errors["name"] = msg("At most %(max)s characters.", max=MAX_NAME)
    else:
        # Two saves of one name at once: the second waits for the first's commit, then sees it.
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('team-name'), hashtext(lower(:name)))"),
                        {"name": name})
        same_name = func.lower(Team.name) == name.lower()
        if team is not None:
            same_name &= Team.id != team.id
        if session.scalar(select(exists().where(same_name))):
            errors["name"] = msg("Another team already has this name.")
    return name


def _member_ids(raw_ids: list, errors: dict[str, Msg]) -> list[int]:
    """The chosen ids as numbers, each once; anything else is an unknown user."""
    ids, wrong = [], []
    for raw in raw_ids or []:
        value = str(raw).strip()
        if value.isascii() and value.isdigit():
            ids.append(int(value))
        else:
            wrong.append(value)
    if wrong:
        errors["member_ids"] = msg("Unknown user %(id)s.", id=", ".join(wrong))
    return list(dict.fromkeys(ids))


def _members(session: Session, ids: list[int], team: Team | None, errors: dict[str, Msg]) -> list[User]:
    """The chosen users: each exists, and a new member is an active field agent (a current
    member who no longer is one may stay)."""
    users = {user.id: user for user in session.scalars(select(User).where(User.id.in_(ids)))}
    unknown = [str(user_id) for user_id in ids if user_id not in users]
    if unknown:
        errors["member_ids"] = msg("Unknown user %(id)s.", id=", ".join(unknown))
        return []
    current = {member.id for member in team.members} if team is not None else set()
    refused = [users[user_id].display_name for user_id in ids
               if user_id not in current and not _may_join(users[user_id])]
    if refused:
        errors["member_ids"] = msg("Only active field agents can join a team: %(names)s.", names=", ".join(refused))
    return [users[user_id] for user_id in ids]


def _may_join(user: User) -> bool:
    return user.is_active and user.role == Role.FIELD_AGENT.value


def _capacity(raw: object, member_count: int, errors: dict[str, Msg]) -> Decimal | None:
    """Hours a day: a number (decimal point or comma) above 0, within the team's limit,
    with at most one decimal."""
    value = str(raw if raw is not None else "").strip().replace(",", ".")
    if not value:
        errors["daily_capacity_hours"] = msg("This field is required.")
        return None
    try:
        hours = Decimal(value)
    except InvalidOperation:
        hours = None
    limit = capacity_limit(member_count)
    if hours is None or not hours.is_finite():
        errors["daily_capacity_hours"] = msg("Give a number of hours, such as 7 or 10.5.")
    elif hours <= 0:
        errors["daily_capacity_hours"] = msg("The capacity must be more than 0 hours.")
    elif hours > limit and member_count:
        errors["daily_capacity_hours"] = msg(
            "At most %(max)s hours a day: %(per_member)s hours per member (members chosen: %(count)s).",
            max=limit, per_member=HOURS_PER_MEMBER, count=member_count)
    elif hours > limit:
        errors["daily_capacity_hours"] = msg("At most %(max)s hours a day for a team without members.", max=limit)
    elif hours != hours.quantize(ONE_DECIMAL):
        errors["daily_capacity_hours"] = msg("At most one decimal, such as 10.5.")
    else:
        return hours
    return None


def _refuse_open_work(session: Session, team: Team, errors: dict[str, Msg]) -> None:
    """A team cannot stop taking work while interventions are still open in its name."""
    count, references = open_interventions(session, team.id, REFERENCES_SHOWN)
    if count:
        shown = ", ".join(references) + (", …" if count > len(references) else "")
        errors["is_active"] = msg(
            "This team still has open interventions: %(count)s (%(references)s). "
            "Give them to another team or cancel them before deactivating it.", count=count, references=shown)
