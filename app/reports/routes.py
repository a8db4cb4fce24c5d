"""/reports/: the métropole's dashboard and one per commune, their CSV and PDF, the coverage map data.

A user limited to communes sees those only: the métropole view sums their communes and
another commune's dashboard is a 404, as for an unknown one.
"""
from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import require_permission
from app.auth.roles import Permission
from app.csv_cells import safe_cell
from app.i18n import msg
from app.printing.wording import printed_at, wording
from app.queue import PendingJob, enqueue_now
from app.reports import pdf, presentation, queries
from app.reports.coverage import territory_day
from app.reports.queries import DEFAULT_PERIOD, PERIODS, Window
from app.web import current_language, db_session, services, translate
from print_templates.coverage_report import render_coverage_report

blueprint = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates")


def _window() -> tuple[Window, dict[str, str]]:
    """The period and as-of day asked for; a wrong one is named, the default used instead."""
    errors: dict[str, str] = {}
    today = territory_day()
    days = DEFAULT_PERIOD
    raw_period = request.args.get("period", "").strip()
    if raw_period:
        if raw_period.isdigit() and int(raw_period) in PERIODS:
            days = int(raw_period)
        else:
            errors["period"] = translate(msg("Choose one of the periods offered."))
    as_of = today
    raw_as_of = request.args.get("as_of", "").strip()
    if raw_as_of:
        try:
            as_of = date.fromisoformat(raw_as_of)
        except ValueError:
            errors["as_of"] = translate(msg("Give a date as YYYY-MM-DD."))
        else:
            if as_of > today:
                errors["as_of"] = translate(msg("The date cannot be in the future."))
                as_of = today
    return Window(as_of, days), errors


def _dashboard(communes: list[dict], commune: dict | None) -> str:
    db = db_session()
    window, errors = _window()
    rows, total = queries.dashboard_figures(db, communes, window)
    previous_rows, previous_total = queries.dashboard_figures(db, communes, window.previous())
    current, previous = (rows[0], previous_rows[0]) if commune else (total, previous_total)
    # A past day shows the latest figures stored before it until its own are computed.
    computing = current.snapshot_day != window.as_of and _compute_past_day(window.as_of)
    language = current_language()
    table = [(row, presentation.headlines(_, language, row, prev)) for row, prev in zip(rows, previous_rows)]
    args = {"period": window.days, "as_of": window.as_of.isoformat()}
    choropleth = {
        "communes": queries.communes_geojson(db, communes),
        "values": {row.insee: {h.key: h.raw for h in heads} for row, heads in table},
        "texts": {row.insee: {h.key: h.value for h in heads} for row, heads in table},
        "names": {row.insee: row.name for row, _heads in table},
        "links": {row.insee: url_for(".commune", insee=row.insee, **args) for row, _heads in table},
    }
    return render_template(
        "reports/dashboard.html", commune=commune, window=window, errors=errors, periods=PERIODS,
        headlines=presentation.headlines(_, language, current, previous), current=current,
        table=table if not commune else [], choropleth_json=json.dumps(choropleth, ensure_ascii=False),
        metric_labels=presentation.labels(_, current), args=args,
        coverage_url=url_for(".coverage", insee=commune["insee"]) if commune else None,
        dark_spots=queries.dark_spots(db, commune["id"]) if commune else [],
        computed_at=queries.latest_computation(db),
        dates={"start": format_date(window.as_of - timedelta(days=window.days - 1), "medium"),
               "end": format_date(window.as_of, "medium"),
               "snapshot": format_date(current.snapshot_day, "medium") if current.snapshot_day else ""},
        shows_cctv=current_user.can(Permission.VIEW_SENSITIVE_POSITIONS), computing=computing,
    )


def _compute_past_day(day: date) -> bool:
    """Ask the worker for a past day's figures nobody computed yet (once per day and ten
    minutes: a key in Redis keeps the dashboards' reloads from queueing it again)."""
    if day >= territory_day():
        return False  # today's figures come from the refreshes
    redis = services().redis
    if redis.set(f"vigie:coverage-day:{day.isoformat()}", 1, nx=True, ex=600):
        enqueue_now(redis, PendingJob("app.jobs.coverage.compute_past_day", (day.isoformat(),), retries=1,
                                      timeout=1800, job_id=f"coverage-day-{day.isoformat()}"))
    return True


@blueprint.get("/")
@require_permission(Permission.VIEW_REPORTS)
def index():
    """The métropole's dashboard (the user's communes only, if limited)."""
    return _dashboard(queries.communes_in_scope(db_session(), current_user), None)


@blueprint.get("/communes/<insee>")
@require_permission(Permission.VIEW_REPORTS)
def commune(insee: str):
    """One commune's dashboard; 404 outside the user's communes."""
    found = queries.commune_in_scope(db_session(), current_user, insee)
    return _dashboard([found], found)


@blueprint.get("/communes/<insee>/coverage.geojson")
@require_permission(Permission.VIEW_REPORTS)
def coverage(insee: str) -> Response:
    """The commune's lit areas, dark stretches and (roles allowed to see cameras) CCTV sectors."""
    db = db_session()
    found = queries.commune_in_scope(db, current_user, insee)
    features = queries.coverage_features(db, current_user, found["id"])
    return Response('{"type":"FeatureCollection","features":[' + ",".join(features) + "]}",
                    mimetype="application/geo+json")


@blueprint.get("/communes/<insee>/report.pdf")
@require_permission(Permission.VIEW_REPORTS)
def commune_pdf(insee: str) -> Response:
    """One commune's dashboard as a PDF report (figures and the coverage map, vectors)."""
    db = db_session()
    found = queries.commune_in_scope(db, current_user, insee)
    window, _errors = _window()
    (current,), _total = queries.dashboard_figures(db, [found], window)
    (previous,), _total = queries.dashboard_figures(db, [found], window.previous())
    language = current_language()
    subtitle = _("From %(start)s to %(end)s, compared with the %(days)s days before.",
                 start=format_date(window.as_of - timedelta(days=window.days - 1), "medium"),
                 end=format_date(window.as_of, "medium"), days=window.days)
    report = pdf.coverage_report(_, found, subtitle, window.as_of.isoformat(),
                                 presentation.headlines(_, language, current, previous),
                                 pdf.coverage_map(db, current_user, found["id"]), current.lit_by_roads)
    body = render_coverage_report(report, services().settings.print_branding, wording(language),
                                  printed_at(language))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="vigie-rapport-{insee}-{window.as_of.isoformat()}.pdf"'})


@blueprint.get("/figures.csv")
@require_permission(Permission.VIEW_REPORTS)
def figures_csv() -> Response:
    """Every commune's figures (in the user's scope) as CSV."""
    return _csv(queries.communes_in_scope(db_session(), current_user), "vigie-rapport-metropole")


@blueprint.get("/communes/<insee>/figures.csv")
@require_permission(Permission.VIEW_REPORTS)
def commune_csv(insee: str) -> Response:
    """One commune's figures as CSV."""
    found = queries.commune_in_scope(db_session(), current_user, insee)
    return _csv([found], f"vigie-rapport-{insee}")


def _csv(communes: list[dict], stem: str) -> Response:
    window, errors = _window()
    if errors:
        return Response("\n".join(errors.values()), status=400, mimetype="text/plain")
    rows, total = queries.dashboard_figures(db_session(), communes, window)
    if len(rows) > 1:
        total.name = "Total"
        rows = [*rows, total]
    header, cells = presentation.csv_rows(rows, window.start.date().isoformat(), window.as_of.isoformat())
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in cells:
        writer.writerow([safe_cell(cell) for cell in row])
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{stem}-{window.as_of.isoformat()}.csv"'})
