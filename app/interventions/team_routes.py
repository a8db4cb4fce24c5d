"""Dispatchers' and administrators' pages for the teams (crews): the list, the creation
and the edit form. A refused save shows the form again with the message at the wrong
field and nothing saved."""
from __future__ import annotations

from typing import Callable

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from app.auth.access import require_permission
from app.auth.roles import Permission
from app.errors import ValidationFailed
from app.interventions import team_queries, team_services
from app.interventions.models import OPEN_STATUSES, Team
from app.interventions.team_forms import TeamForm, draft_from, edit_team_form, hours_text, new_team_form, show_errors
from app.interventions.team_services import TeamDraft
from app.web import db_session, services, translate

blueprint = Blueprint("teams", __name__, template_folder="templates")


@blueprint.get("/admin/teams")
@require_permission(Permission.PLAN_INTERVENTIONS)
def list_teams():
    """Every team: capacity, members, open interventions; the active ones first."""
    return render_template("interventions/teams/list.html", rows=team_queries.team_rows(db_session()),
                           hours_text=hours_text, open_work_url=_open_work_url)


@blueprint.route("/admin/teams/new", methods=["GET", "POST"])
@require_permission(Permission.PLAN_INTERVENTIONS)
def new_team():
    """Create a team."""
    db = db_session()
    form = new_team_form(team_queries.member_options(db, []), team_queries.commune_options(db))
    return _save_or_show(form, None, lambda draft: team_services.create_team(db, current_user, draft, _srid()))


@blueprint.route("/admin/teams/<int:team_id>", methods=["GET", "POST"])
@require_permission(Permission.PLAN_INTERVENTIONS)
def edit_team(team_id: int):
    """Edit the team ``team_id``: name, capacity, members, trades, depot, hours, vehicle,
    communes served, active or not."""
    db = db_session()
    team = team_queries.get_team(db, team_id)
    form = edit_team_form(team, team_queries.member_options(db, [member.id for member in team.members]),
                          team_queries.commune_options(db), _srid())
    return _save_or_show(form, team, lambda draft: team_services.update_team(db, current_user, team_id, draft, _srid()))


def _save_or_show(form: TeamForm, team: Team | None, save: Callable[[TeamDraft], Team]):
    """On a valid POST save in one commit and go back to the list; else show the form."""
    db = db_session()
    if not form.validate_on_submit():
        return _page(form, team, status=422 if form.is_submitted() else 200)
    try:
        saved = save(draft_from(form))
    except ValidationFailed as error:
        db.rollback()
        return _page(form, team, status=422, summary=translate(error.message),
                     other_errors=show_errors(form, error))
    name = saved.name
    db.commit()
    flash(gettext("Team %(name)s saved.", name=name))
    return redirect(url_for("teams.list_teams"), code=303)


def _page(form: TeamForm, team: Team | None, status: int, summary: str | None = None,
          other_errors: list[str] | None = None) -> tuple[str, int]:
    """The team's form page (creation when ``team`` is None) with ``status``."""
    open_count = team_queries.open_interventions(db_session(), team.id, 0)[0] if team is not None else 0
    html = render_template("interventions/teams/edit.html", form=form, team=team, open_count=open_count,
                           open_work_url=_open_work_url, summary=summary, other_errors=other_errors or [],
                           hours_per_member=hours_text(team_services.HOURS_PER_MEMBER) + "\u00a0h")
    return html, status


def _srid() -> int:
    return services().settings.storage_srid


def _open_work_url(team_id: int) -> str:
    """The interventions list filtered to the team's open interventions."""
    return url_for("interventions.list_interventions", team=team_id, status=",".join(OPEN_STATUSES))
