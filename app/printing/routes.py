"""Printing pages: one work order's PDF, and batches printed by the worker (start, follow,
download). The QR codes open the tablet's mission sheet (app/field).

Whoever may read an intervention may print it (``view_map`` and the commune scope,
applied by the queries).
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext
from flask_login import current_user

from app.api.interventions import intervention_filter
from app.auth.access import require_permission
from app.auth.roles import Permission
from app.dispatch.days import day_order
from app.errors import ValidationFailed
from app.i18n import msg
from app.interventions.queries import InterventionFilter
from app.interventions.routes import LIST_SORT
from app.printing import queries, services
from app.printing.wording import printed_at, wording
from app.web import current_language, db_session, services as app_services, wants_json
from print_templates.work_order import render_work_order

blueprint = Blueprint("printing", __name__, template_folder="templates")


@blueprint.get("/interventions/<int:intervention_id>/work-order.pdf")
@require_permission(Permission.VIEW_MAP)
def work_order_pdf(intervention_id: int):
    """The work order of one intervention (``?scale=500|1000|2000&lang=fr|en``)."""
    settings = app_services().settings
    options = _options()
    order = queries.work_order(db_session(), current_user, intervention_id, options)
    pdf = render_work_order(order, settings.print_branding, wording(options.language), printed_at(options.language))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{order.reference}.pdf"', "Cache-Control": "private, no-store"})


@blueprint.post("/prints")
@require_permission(Permission.VIEW_MAP)
def start_print():
    """Print many work orders as one PDF in the background: the ticked ``ids``, else the
    list's filter (in the query string); or, with ``team_id`` and ``day``, a crew's day."""
    db, settings = db_session(), app_services().settings
    options = _options(request.form)
    team_id, day = _crew_day()
    if team_id is not None:
        ids = day_order(db, current_user, team_id, day)
        db.commit()  # the plan is stored: the pack's cover reads the same order
    else:
        ticked = [int(value) for value in request.form.getlist("ids") if value.isdigit()]
        flt = intervention_filter(default_sort=LIST_SORT)
        if ticked:
            flt = InterventionFilter(ids=ticked, sort=flt.sort)
        ids = services.selection_ids(db, current_user, flt)
    print_id = services.start_batch(app_services().redis, settings.print_dir, current_user, ids, options,
                                    team_id, day)
    if wants_json():
        return jsonify(id=print_id, total=services.parts_of(ids, team_id),
                       status_url=url_for(".print_status", print_id=print_id),
                       download_url=url_for(".print_download", print_id=print_id)), 202
    return redirect(url_for(".print_status", print_id=print_id), code=303)


@blueprint.get("/prints/<print_id>")
@require_permission(Permission.VIEW_MAP)
def print_status(print_id: str):
    """Where a batch is (JSON for the page's script; a page refreshing itself otherwise)."""
    status = services.batch_status(db_session(), app_services().redis, app_services().settings.print_dir,
                                   current_user, print_id)
    if wants_json():
        return jsonify(status)
    return render_template("printing/status.html", status=status, print_id=print_id)


@blueprint.get("/prints/<print_id>.pdf")
@require_permission(Permission.VIEW_MAP)
def print_download(print_id: str):
    """The finished batch's PDF, for the user who asked or one who may read all of it."""
    path, filename = services.batch_file(db_session(), app_services().settings.print_dir, current_user, print_id)
    response = send_file(path, mimetype="application/pdf", as_attachment=True, download_name=filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _options(args=None) -> queries.PrintOptions:
    """Scale and language from ``args`` (default: the query string) with their defaults."""
    args = request.args if args is None else args
    settings = app_services().settings
    return services.print_options(args.get("scale"), args.get("lang"), settings.print_branding.default_scale,
                                  current_language(), settings.public_url or request.url_root.rstrip("/"),
                                  settings.storage_srid)


def _crew_day() -> tuple[int | None, date | None]:
    """The team and day of a day pack, if the form asks for one."""
    team, day = request.form.get("team_id", ""), request.form.get("day", "")
    if not team and not day:
        return None, None
    errors = {}
    if not team.isdigit():
        errors["team_id"] = msg("Choose a team.")
    try:
        chosen_day = date.fromisoformat(day)
    except ValueError:
        errors["day"] = msg("Choose a day.")
    if errors:
        raise ValidationFailed(msg("Invalid parameter."), errors)
    return int(team), chosen_day



@blueprint.app_template_global()
def print_default_scale() -> int:
    """The map scale work orders print at unless another is chosen."""
    return app_services().settings.print_branding.default_scale


@blueprint.app_template_global()
def print_strings() -> dict:
    """The words of ``printing.js``, in the user's language (for any page that prints)."""
    return {"preparing": gettext("Preparing the PDF…"), "progress": gettext("%(done)s of %(total)s printed"),
            "retrying": gettext("Printing failed; trying again…"), "failed": gettext("Printing failed."),
            "download": gettext("Download the PDF"), "network": gettext("The server could not be reached.")}
