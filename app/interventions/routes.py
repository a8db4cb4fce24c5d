"""Intervention pages: the planning board, the filtered list with its CSV export, and the
intervention page with its workflow actions, checklist, closing report, attachments and
timeline.

Forms post to these routes and work without JavaScript; a refused action re-renders the
page with the message at the wrong field and nothing saved.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

from babel.dates import format_datetime
from flask import Blueprint, Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import format_date, get_locale, gettext
from flask_login import current_user

from app.api.interventions import intervention_filter
from app.auth.access import require_permission
from app.auth.roles import Permission
from app.csv_cells import safe_cell
from app.errors import Conflict, DomainError, ValidationFailed
from app.i18n import msg
from app.interventions import board as planning
from app.interventions import labels, queries, services, workflow
from app.interventions.models import KINDS, OUTCOMES, PROBLEMS, STATUSES
from app.map.routes import status_labels as asset_status_labels
from app.territory.queries import commune_choices
from app.web import current_language, db_session, translate

blueprint = Blueprint("interventions", __name__, template_folder="templates")

PAGE_SIZE = 50
LIST_SORT = "-reported_at"  # the list and its export: the latest reported first
CSV_MAX_ROWS = 100_000


# --- the planning board ------------------------------------------------------------------

@blueprint.get("/interventions/board")
@require_permission(Permission.PLAN_INTERVENTIONS)
def board():
    """The dispatchers' week: teams × days with their load, and the backlog to plan from."""
    db = db_session()
    today = planning.local_today()
    errors: dict[str, str] = {}
    raw_week = request.args.get("week", "").strip()
    monday = planning.monday_of(today)
    if raw_week:
        try:
            monday = planning.parse_week(raw_week)
        except ValidationFailed as error:
            errors["week"] = translate(error.field_errors["week"])
    week = None if errors else planning.week_board(db, current_user, monday, today, current_language())
    communes = commune_choices(db)
    cards, total = planning.backlog(db, current_user, _backlog_filter({insee for insee, _ in communes}, errors))
    return render_template(
        "interventions/board.html", week=week, backlog=cards, backlog_total=total, errors=errors,
        filters=request.args, raw_week=raw_week or planning.week_code(monday), teams=queries.teams(db),
        communes=communes, status_labels=labels.status_labels(), kind_labels=labels.kind_labels(),
        priority_labels=labels.priority_labels(), duration=planning.duration_text,
        day_label=lambda day: format_date(day, "EEE d MMM"), moment=_moment,
        week_title=_week_title(week.monday) if week else "", board_url=_board_url, js_strings=_board_strings(),
        this_week=planning.week_code(planning.monday_of(today)), week_code=planning.week_code,
        one_week=timedelta(days=7), default_minutes=planning.DEFAULT_ESTIMATE_MINUTES,
    ), 400 if "week" in errors else 200


def _backlog_filter(communes: set[str], errors: dict[str, str]) -> planning.BacklogFilter:
    """The backlog's filters from the query string; a wrong value is dropped with a message."""
    args = request.args
    priority = services.parse_priority(args["priority"]) if args.get("priority") else None
    if args.get("priority") and priority is None:
        errors["priority"] = gettext("Choose a priority from P1 to P4.")
    kind, commune = args.get("kind", ""), args.get("commune", "")
    if kind and kind not in KINDS:
        errors["kind"] = gettext("Unknown kind %(value)s.", value=kind)
    if commune and commune not in communes:
        errors["commune"] = gettext("Unknown commune %(value)s.", value=commune)
    return planning.BacklogFilter(priorities=[priority] if priority else [], kinds=[kind] if kind in KINDS else [],
                                  communes=[commune] if commune in communes else [])


def _board_url(**changes: object) -> str:
    """The board's URL with some query parameters changed (None removes one)."""
    args = {**request.args.to_dict(), **changes}
    return url_for("interventions.board", **{k: v for k, v in args.items() if v not in (None, "")})


def _moment(value: datetime) -> str:
    """``23 nov. 14:30``: a date and time of the territory, in the user's language."""
    return format_datetime(value, "d MMM HH:mm", tzinfo=planning.LOCAL_ZONE, locale=get_locale())


def _week_title(monday: date) -> str:
    sunday = monday + timedelta(days=6)
    return gettext("Week %(number)s · %(first)s – %(last)s", number=monday.isocalendar()[1],
                   first=format_date(monday, "d MMMM"), last=format_date(sunday, "d MMMM yyyy"))


def _board_strings() -> dict:
    """The words board.js shows, in the user's language."""
    return {
        "notSaved": gettext("Not saved:"), "networkError": gettext("The server could not be reached."),
        "chooseDay": gettext("Choose a day."), "chooseTeam": gettext("Choose a team."),
        "saving": gettext("Saving…"),
    }


# --- the list, its CSV export and the intervention page ---------------------------------



@blueprint.get("/interventions")
@require_permission(Permission.VIEW_MAP)
def list_interventions():
    """The list with its filters (status, priority, commune, team, kind, overdue, reference)."""
    db = db_session()
    errors: dict[str, str] = {}
    try:
        flt = intervention_filter(default_sort=LIST_SORT)
    except ValidationFailed as error:
        errors = {name: translate(m) for name, m in error.field_errors.items()}
        flt = queries.InterventionFilter(sort=LIST_SORT)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    features = queries.intervention_features(db, current_user, flt, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    total = queries.count_interventions(db, current_user, flt)
    return render_template(
        "interventions/list.html", features=features, total=total, page=page, page_size=PAGE_SIZE,
        filters=request.args, errors=errors, communes=commune_choices(db),
        team_options=[(team["id"], team["name"]) for team in queries.teams(db)],
        priority_options=[(f"P{number}", label) for number, label in labels.priority_labels().items()],
        page_url=_page_url, csv_url=url_for(".export_csv", **request.args.to_dict(flat=False)),
        **_labels(),
    )


@blueprint.get("/interventions.csv")
@require_permission(Permission.VIEW_MAP)
def export_csv():
    """The filtered list as CSV (UTF-8 with BOM for spreadsheets; formula-like cells neutralised)."""
    db = db_session()
    flt = intervention_filter(default_sort=LIST_SORT)
    features = queries.intervention_features(db, current_user, flt, CSV_MAX_ROWS)
    references = queries.asset_references(db, [f["id"] for f in features])
    statuses, kinds = labels.status_labels(), labels.kind_labels()
    header = [gettext("Reference"), gettext("Kind"), gettext("Priority"), gettext("Status"), gettext("Commune"),
              gettext("Team"), gettext("Reported at"), gettext("Due at"), gettext("Overdue"),
              gettext("Planned start"), gettext("Completed at"), gettext("Closed at"), gettext("Assets"),
              gettext("Description")]

    def rows():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        yield "\ufeff"
        writer.writerow(header)
        for feature in features:
            p = feature["properties"]
            writer.writerow([safe_cell(v) for v in (
                p["reference"], kinds.get(p["kind"], p["kind"]), p["priority"], statuses.get(p["status"], p["status"]),
                p["commune_name"], p["team_name"], p["reported_at"], p["due_at"],
                gettext("yes") if p["overdue"] else "", p["planned_start"], p["completed_at"], p["closed_at"],
                " ".join(references.get(feature["id"], [])), p["description"])])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    filename = f"interventions-{datetime.now():%Y%m%d-%H%M}.csv"
    return Response(stream_with_context(rows()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blueprint.get("/interventions/<int:intervention_id>")
@require_permission(Permission.VIEW_MAP)
def show(intervention_id: int):
    """Everything about one intervention, and the actions the user may take on it."""
    return _render_page(intervention_id)


@blueprint.post("/interventions/<int:intervention_id>/transition")
@require_permission(Permission.VIEW_MAP)
def transition(intervention_id: int):
    """One workflow step from the page's forms."""
    form = request.form
    target = form.get("to", "")
    details = {name: form[name] for name in ("team_id", "planned_start", "planned_end", "cause", "action_taken",
                                             "time_spent_minutes", "outcome") if name in form}
    if "team_id" in details:
        details["team_id"] = int(details["team_id"]) if details["team_id"].isdigit() else details["team_id"]
    if "parts_used" in form:
        details["parts_used"] = _parts_from_text(form["parts_used"])
    if form.get("outcome") == "replaced":
        details["replacement"] = {name: form.get(f"replacement_{name}", "").strip()
                                  for name in ("manufacturer", "model", "serial_number", "installed_on")}
    return _act(intervention_id, target, lambda db, version: services.perform_transition(
        db, current_user, intervention_id, version, target, form.get("comment"), details))


@blueprint.post("/interventions/<int:intervention_id>/edit")
@require_permission(Permission.VIEW_MAP)
def edit(intervention_id: int):
    """Planning fields (dispatchers) or the checklist (the crew)."""
    form = request.form
    if form.get("part") == "checklist":
        count = int(form.get("task_count", "0") or 0)
        changes: dict = {"checklist": [f"task_{i}" in form for i in range(count)]}
    else:
        changes = {name: form.get(name, "") for name in ("priority", "description", "estimated_minutes")}
    return _act(intervention_id, "edit", lambda db, version: services.update_intervention(
        db, current_user, intervention_id, version, changes))


@blueprint.post("/interventions/<int:intervention_id>/attachments")
@require_permission(Permission.VIEW_MAP)
def attach(intervention_id: int):
    """Upload a photo or a PDF from the page."""
    upload = request.files.get("file")

    def add(db, _version):
        if upload is None or not upload.filename:
            raise ValidationFailed(msg("Choose a file."), {"file": msg("Choose a file.")})
        return services.add_attachment(db, current_user, intervention_id, upload.filename, upload.mimetype,
                                       upload.read(services.MAX_ATTACHMENT_BYTES + 1))

    return _act(intervention_id, "attach", add, needs_version=False)


def _act(intervention_id: int, form_name: str, action, needs_version: bool = True):
    """Run ``action`` and commit; on refusal, show the page again with the errors at the fields."""
    db = db_session()
    version = request.form.get("version", "")
    try:
        if needs_version and not version.isdigit():
            raise ValidationFailed(msg("Missing version."), {"version": msg("Reload the page and try again.")})
        action(db, int(version) if version.isdigit() else None)
        db.commit()
    except DomainError as error:
        db.rollback()
        if not isinstance(error, (ValidationFailed, Conflict)):
            raise
        return _render_page(intervention_id, form_name=form_name, error=error, submitted=request.form), \
            409 if isinstance(error, Conflict) else 422
    flash(gettext("Saved."))
    return redirect(url_for(".show", intervention_id=intervention_id), code=303)


def _render_page(intervention_id: int, form_name: str | None = None, error: DomainError | None = None,
                 submitted=None):
    db = db_session()
    details = queries.intervention_details(db, current_user, intervention_id)
    props = details["feature"]["properties"]
    member_ids = set(details["team_member_ids"])
    targets = workflow.allowed_targets(current_user, props["status"], member_ids)
    can_plan = current_user.can(Permission.PLAN_INTERVENTIONS)
    is_crew = current_user.can(Permission.DO_FIELD_WORK) and current_user.id in member_ids
    return render_template(
        "interventions/show.html", item=details, item_id=intervention_id, p=props,
        parts_text="\n".join(f"{part['name']} × {part['quantity']}" for part in details["parts_used"] or []),
        asset_status_labels=asset_status_labels(), field_names=_field_names(), targets=targets, can_plan=can_plan,
        can_tick=(can_plan or is_crew) and props["status"] in ("assigned", "in_progress", "on_hold"),
        can_attach=can_plan or is_crew, teams=queries.teams(db), form_name=form_name,
        error_message=translate(error.message) if error else None,
        field_errors={k: translate(v) for k, v in (error.field_errors or {}).items()} if error else {},
        submitted=submitted or {}, transition_labels=labels.transition_labels(),
        outcome_labels=labels.outcome_labels(), needs_comment={t.target for t in workflow.TRANSITIONS
                                                              if t.source == props["status"] and t.needs_comment},
        **_labels(),
    )


def _field_names() -> dict[str, str]:
    """The names of the fields a timeline event may list as changed."""
    return {
        "priority": gettext("Priority"), "description": gettext("Description"), "problem": gettext("Problem"),
        "estimated_minutes": gettext("Estimated duration"), "team_id": gettext("Team"),
        "planned_start": gettext("Planned start"), "planned_end": gettext("End of the time window"),
        "checklist": gettext("Checklist"), "cause": gettext("Cause found"), "action_taken": gettext("Action taken"),
        "parts_used": gettext("Parts used"), "time_spent_minutes": gettext("Time spent"),
        "outcome": gettext("Outcome"), "replacement": gettext("Installed"), "attachment": gettext("Attachment"),
    }


def _labels() -> dict:
    return dict(status_labels=labels.status_labels(), kind_labels=labels.kind_labels(),
                priority_labels=labels.priority_labels(), problem_labels=labels.problem_labels(),
                statuses=STATUSES, kinds=KINDS, problems=PROBLEMS, outcomes=OUTCOMES)


def _page_url(**changes: object) -> str:
    args = {**request.args.to_dict(), **changes}
    return url_for(".list_interventions", **{k: v for k, v in args.items() if v not in (None, "")})


def _parts_from_text(raw: str) -> list[dict] | str:
    """Parts typed one per line as ``name`` or ``name × quantity`` (also x or *)."""
    parts = []
    for line in raw.splitlines():
        line = line.strip()
        if not line:
            continue
        for separator in ("×", " x ", "*"):
            name, found, quantity = line.rpartition(separator)
            if found and quantity.strip().isdigit():
                parts.append({"name": name.strip(), "quantity": int(quantity.strip())})
                break
        else:
            parts.append({"name": line, "quantity": 1})
    return parts
