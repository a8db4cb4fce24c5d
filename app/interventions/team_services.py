"""Administration of teams (crews): create a team, change its name, daily capacity,
members, and whether it takes work.

Dispatchers and administrators (``PLAN_INTERVENTIONS``) manage teams. Validation reports
every wrong field at once before anything is written; field errors are keyed by the
draft's field names (``name``, ``daily_capacity_hours``, ``member_ids``, ``is_active``).
Services flush, never commit.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.roles import Permission, Role
from app.errors import NotFound, PermissionDenied, ValidationFailed
from app.i18n import Msg, msg
from app.interventions.models import Team
from app.interventions.team_queries import open_interventions

MAX_NAME = 120
# Nobody works more than 24 hours a day: the bound catches a slipped digit (70 for 7.0).
HOURS_PER_MEMBER = Decimal(24)
MAX_CAPACITY = Decimal("9999.9")  # what the column (numeric(5,1)) holds
ONE_DECIMAL = Decimal("0.1")
REFERENCES_SHOWN = 5  # open interventions named when a deactivation is refused


@dataclass
class TeamDraft:
    """What a dispatcher submits for a team, as typed: the capacity may be text with a
    decimal comma (``10,5``), the member ids text or numbers."""

    name: object
    daily_capacity_hours: object
    member_ids: list = field(default_factory=list)
    is_active: bool = True


@dataclass(frozen=True)
class _CheckedTeam:
    name: str
    daily_capacity_hours: Decimal
    members: list[User]


def capacity_limit(member_count: int) -> Decimal:
    """The most hours a day a team of ``member_count`` members may be given: 24 per member,
    or 24 while it has no member."""
    return min(HOURS_PER_MEMBER * max(member_count, 1), MAX_CAPACITY)


def create_team(session: Session, actor: User, draft: TeamDraft) -> Team:
    """Add a team after checking every field."""
    _require_planner(actor)
    checked = _checked(session, draft, team=None)
    team = Team(name=checked.name, daily_capacity_hours=checked.daily_capacity_hours,
                is_active=bool(draft.is_active), members=checked.members)
    session.add(team)
    session.flush()
    return team


def update_team(session: Session, actor: User, team_id: int, draft: TeamDraft) -> Team:
    """Change the team ``team_id`` after checking every field; deactivating a team that
    still has open interventions is refused with their number and first references."""
    _require_planner(actor)
    team = session.scalar(select(Team).where(Team.id == team_id).with_for_update()
                          .execution_options(populate_existing=True))
    if team is None:
        raise NotFound(msg("No team %(id)s.", id=team_id))
    checked = _checked(session, draft, team=team)
    team.name, team.daily_capacity_hours = checked.name, checked.daily_capacity_hours
    team.members, team.is_active = checked.members, bool(draft.is_active)
    session.flush()
    return team


def _require_planner(actor: User) -> None:
    """Only a role that plans interventions may manage the crews."""
    if not actor.can(Permission.PLAN_INTERVENTIONS):
        raise PermissionDenied(msg("Your role does not allow managing teams."))


def _checked(session: Session, draft: TeamDraft, team: Team | None) -> _CheckedTeam:
    """The draft's values ready to store, or ValidationFailed naming every wrong field."""
    errors: dict[str, Msg] = {}
    name = _name(session, draft.name, team, errors)
    member_ids = _member_ids(draft.member_ids, errors)
    members = _members(session, member_ids, team, errors) if "member_ids" not in errors else []
    hours = _capacity(draft.daily_capacity_hours, len(member_ids), errors)
    if team is not None and team.is_active and not draft.is_active:
        _refuse_open_work(session, team, errors)
    if errors:
        raise ValidationFailed(msg("Some fields are not valid."), errors)
    return _CheckedTeam(name, hours, members)


def _name(session: Session, raw: object, team: Team | None, errors: dict[str, Msg]) -> str:
    """A name given, not too long, and not another team's (whatever the case)."""
    name = " ".join(str(raw or "").split())
    if not name:
        errors["name"] = msg("This field is required.")
    elif len(name) > MAX_NAME:
        errors["name"] = msg("At most %(max)s characters.", max=MAX_NAME)
    else:
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
