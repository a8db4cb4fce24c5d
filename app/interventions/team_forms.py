"""The team form (Flask-WTF: CSRF included) and its mapping to and from the service.

Every rule lives in ``team_services``; the form only carries the input (no WTForms
validators) and puts the service's field errors back at their fields.
"""
from __future__ import annotations

from babel.dates import get_day_names
from flask_babel import format_decimal, get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from geoalchemy2.shape import to_shape
from wtforms import BooleanField, SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget

from app.auth.models import User
from app.auth.roles import Role
from app.errors import ValidationFailed
from app.interventions.labels import skill_labels
from app.interventions.models import Team
from app.interventions.team_services import DEFAULT_SHIFT, WEEKDAYS, TeamDraft
from app.territory.models import Commune
from app.web import translate
from gis.crs import reproject

_CHECKBOXES = dict(widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())


class TeamForm(FlaskForm):
    """Create or edit a team."""

    name = StringField(_l("Name"))
    daily_capacity_hours = StringField(_l("Daily capacity (hours)"))
    member_ids = SelectMultipleField(_l("Members"), validate_choice=False, **_CHECKBOXES)
    is_active = BooleanField(_l("Active team"), default=True)
    skills = SelectMultipleField(_l("Trades"), validate_choice=False, **_CHECKBOXES)
    depot_longitude = StringField(_l("Longitude"))
    depot_latitude = StringField(_l("Latitude"))
    depot_label = StringField(_l("Depot name"))
    shift_start = StringField(_l("Day starts at"), default=DEFAULT_SHIFT[0])
    shift_end = StringField(_l("Day ends at"), default=DEFAULT_SHIFT[1])
    working_days = SelectMultipleField(_l("Working days"), validate_choice=False, default=["1", "2", "3", "4", "5"],
                                       **_CHECKBOXES)
    vehicle = StringField(_l("Vehicle"))
    commune_ids = SelectMultipleField(_l("Communes served"), validate_choice=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Errors about a group of fields (the depot as a whole), shown beside the group.
        self.group_errors: dict[str, list[str]] = {}


def new_team_form(member_options: list[User], communes: list[Commune]) -> TeamForm:
    """An empty form (active by default), or the submitted one."""
    form = TeamForm()
    _offer_choices(form, member_options, communes)
    return form


def edit_team_form(team: Team, member_options: list[User], communes: list[Commune], storage_srid: int) -> TeamForm:
    """The form filled from ``team`` on first display, else the submitted one."""
    form = TeamForm()
    _offer_choices(form, member_options, communes)
    if not form.is_submitted():
        longitude = latitude = ""
        if team.depot is not None:
            depot = reproject(to_shape(team.depot), storage_srid, 4326)
            longitude, latitude = f"{depot.x:.6f}", f"{depot.y:.6f}"
        form.process(data={
            "name": team.name, "daily_capacity_hours": hours_text(team.daily_capacity_hours),
            "member_ids": [str(member.id) for member in team.members], "is_active": team.is_active,
            "skills": list(team.skills), "depot_longitude": longitude, "depot_latitude": latitude,
            "depot_label": team.depot_label or "", "shift_start": team.shift_start.strftime("%H:%M"),
            "shift_end": team.shift_end.strftime("%H:%M"), "working_days": [str(day) for day in team.working_days],
            "vehicle": team.vehicle or "", "commune_ids": [str(commune.id) for commune in team.communes],
        })
    return form


def hours_text(hours: object) -> str:
    """Hours as the user writes them: ``7`` or ``10,5`` in French, ``10.5`` in English."""
    return format_decimal(hours, "0.#")


def _offer_choices(form: TeamForm, members: list[User], communes: list[Commune]) -> None:
    """One checkbox per person (name and login, marked when no longer an active field
    agent), per trade and per weekday; one option per commune."""
    form.member_ids.choices = [(str(user.id), _member_label(user)) for user in members]
    form.skills.choices = list(skill_labels().items())
    day_names = get_day_names("wide", locale=get_locale())  # 0 = Monday
    form.working_days.choices = [(str(day), day_names[day - 1].capitalize()) for day in WEEKDAYS]
    form.commune_ids.choices = [(str(commune.id), commune.name) for commune in communes]


def _member_label(user: User) -> str:
    label = f"{user.display_name} ({user.login})"
    if not (user.is_active and user.role == Role.FIELD_AGENT.value):
        label += " · " + gettext("no longer an active field agent")
    return label


def draft_from(form: TeamForm) -> TeamDraft:
    """The submitted team, as typed."""
    return TeamDraft(name=form.name.data or "", daily_capacity_hours=form.daily_capacity_hours.data or "",
                     member_ids=list(form.member_ids.data or []), is_active=bool(form.is_active.data),
                     skills=list(form.skills.data or []), depot_longitude=form.depot_longitude.data or "",
                     depot_latitude=form.depot_latitude.data or "", depot_label=form.depot_label.data or "",
                     shift_start=form.shift_start.data or "", shift_end=form.shift_end.data or "",
                     working_days=list(form.working_days.data or []), vehicle=form.vehicle.data or "",
                     commune_ids=list(form.commune_ids.data or []))


def show_errors(form: TeamForm, error: ValidationFailed) -> list[str]:
    """Put each field error at its field; return those that belong to no field."""
    unplaced = []
    for key, message in error.field_errors.items():
        target = form._fields.get(key)
        if key == "depot":
            form.group_errors.setdefault(key, []).append(translate(message))
        elif target is None:
            unplaced.append(translate(message))
        else:
            target.errors = [*target.errors, translate(message)]
    return unplaced
