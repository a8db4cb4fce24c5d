"""The team form (Flask-WTF: CSRF included) and its mapping to and from the service.

Every rule lives in ``team_services``; the form only carries the input (no WTForms
validators) and puts the service's field errors back at their fields.
"""
from __future__ import annotations

from flask_babel import format_decimal, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget

from app.auth.models import User
from app.auth.roles import Role
from app.errors import ValidationFailed
from app.interventions.models import Team
from app.interventions.team_services import TeamDraft
from app.web import translate


class TeamForm(FlaskForm):
    """Create or edit a team."""

    name = StringField(_l("Name"))
    daily_capacity_hours = StringField(_l("Daily capacity (hours)"))
    member_ids = SelectMultipleField(_l("Members"), validate_choice=False,
                                     widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    is_active = BooleanField(_l("Active team"), default=True)


def new_team_form(member_options: list[User]) -> TeamForm:
    """An empty form (active by default), or the submitted one."""
    form = TeamForm()
    _offer_members(form, member_options)
    return form


def edit_team_form(team: Team, member_options: list[User]) -> TeamForm:
    """The form filled from ``team`` on first display, else the submitted one."""
    form = TeamForm()
    _offer_members(form, member_options)
    if not form.is_submitted():
        form.process(data={"name": team.name, "daily_capacity_hours": hours_text(team.daily_capacity_hours),
                           "member_ids": [str(member.id) for member in team.members], "is_active": team.is_active})
    return form


def hours_text(hours: object) -> str:
    """Hours as the user writes them: ``7`` or ``10,5`` in French, ``10.5`` in English."""
    return format_decimal(hours, "0.#")


def _offer_members(form: TeamForm, options: list[User]) -> None:
    """One checkbox per person: name and login, marked when no longer an active field agent."""
    form.member_ids.choices = [(str(user.id), _member_label(user)) for user in options]


def _member_label(user: User) -> str:
    label = f"{user.display_name} ({user.login})"
    if not (user.is_active and user.role == Role.FIELD_AGENT.value):
        label += " · " + gettext("no longer an active field agent")
    return label


def draft_from(form: TeamForm) -> TeamDraft:
    """The submitted team, as typed."""
    return TeamDraft(name=form.name.data or "", daily_capacity_hours=form.daily_capacity_hours.data or "",
                     member_ids=list(form.member_ids.data or []), is_active=bool(form.is_active.data))


def show_errors(form: TeamForm, error: ValidationFailed) -> list[str]:
    """Put each field error at its field; return those that belong to no field."""
    unplaced = []
    for key, message in error.field_errors.items():
        target = form._fields.get(key)
        if target is None:
            unplaced.append(translate(message))
        else:
            target.errors = [*target.errors, translate(message)]
    return unplaced
