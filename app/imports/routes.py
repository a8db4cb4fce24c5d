"""The asset managers' import pages: upload, mapping, validation report with preview,
commit and undo. Each step is a job; the page shows its progress and reloads when done."""
from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from pyproj import CRS
from rq.exceptions import NoSuchJobError
from rq.job import Job
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from app.auth.access import require_permission
from app.auth.roles import Permission
from app.csv_cells import safe_cell
from app.errors import ValidationFailed
from app.i18n import msg
from app.imports import queries, services
from app.imports.labels import STATUS_LABELS, crs_problem_message
from app.imports.guesses import asset_type_guess, guess_fields
from app.imports.mapping import choices_of, targets_of
from app.imports.models import Import
from app.inventory.models import AssetType
from app.map.routes import status_labels
from app.queue import enqueue_after_commit
from app.request_args import bbox_arg
from app.web import current_language, db_session, services as app_services, translate
from gis.crs import CANDIDATE_SRIDS, crs_label

blueprint = Blueprint("imports", __name__, template_folder="templates")
JOB = "app.jobs.imports.run_import_step"
JOB_TIMEOUT_SECONDS = 3 * 3600
RUNNING = ("validating", "committing", "undoing")


@blueprint.context_processor
def _words() -> dict:
    return {"import_status_label": lambda status: translate(STATUS_LABELS[status]),
            "crs_problem": lambda problem, suggested: translate(crs_problem_message(problem, suggested))}


@blueprint.get("/imports")
@require_permission(Permission.EDIT_INVENTORY)
def list_imports():
    """The latest imports and the upload form."""
    return _list_page({}, 200)


@blueprint.post("/imports")
@require_permission(Permission.EDIT_INVENTORY)
def upload():
    """Receive a file and describe it; a refused file leaves nothing behind."""
    settings = app_services().settings
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return _list_page({"file": translate(msg("Choose a file."))}, 422)
    db = db_session()
    try:
        imp = services.receive_upload(db, current_user, sent.filename, sent.stream, Path(settings.import_dir),
                                      settings.import_max_mb * 1024**2)
    except ValidationFailed as error:
        db.rollback()
        return _list_page({name: translate(m) for name, m in error.field_errors.items()}, 422)
    db.commit()
    return redirect(url_for("imports.show", import_id=imp.id))


@blueprint.errorhandler(RequestEntityTooLarge)
def _too_large(_error):
    """Beyond the application's upload limit (checked before the page is reached)."""
    limit = app_services().settings.import_max_mb
    return _list_page({"file": translate(msg("The file is larger than %(limit_mb)s MB.", limit_mb=limit))}, 413)


def _list_page(errors: dict[str, str], status: int):
    return render_template("imports/list.html", imports=queries.recent_imports(db_session()), errors=errors,
                           max_mb=app_services().settings.import_max_mb), status


@blueprint.get("/imports/<int:import_id>")
@require_permission(Permission.EDIT_INVENTORY)
def show(import_id: int):
    """The import's page: mapping form, report and preview, commit or undo, as its status allows."""
    db = db_session()
    imp = queries.get_import(db, import_id)
    if imp.status in RUNNING and _job_state(imp) in ("failed", "stopped", "canceled", "gone"):
        # The worker died or gave up: its transaction was rolled back, so the step can be asked again.
        services.record_failure(db, import_id, services.StepStopped())
        db.commit()
    return _page(imp, request.args.get("asset_type"), {}, None, 200)


@blueprint.post("/imports/<int:import_id>/settings")
@require_permission(Permission.EDIT_INVENTORY)
def configure(import_id: int):
    """Save the mapping and start the validation."""
    return _step(import_id, "validate", lambda db: services.configure(db, current_user, import_id, request.form.to_dict()))


@blueprint.post("/imports/<int:import_id>/commit")
@require_permission(Permission.EDIT_INVENTORY)
def commit(import_id: int):
    """Write the validated rows (a job: all or nothing)."""
    skip = request.form.get("skip_errors") == "1"
    return _step(import_id, "commit", lambda db: services.request_commit(db, current_user, import_id, skip))


@blueprint.post("/imports/<int:import_id>/undo")
@require_permission(Permission.EDIT_INVENTORY)
def undo(import_id: int):
    """Undo a written import as a whole (a job)."""
    return _step(import_id, "undo", lambda db: services.request_undo(db, current_user, import_id))


def _step(import_id: int, step: str, request_step):
    db = db_session()
    try:
        imp = request_step(db)
    except ValidationFailed as error:
        db.rollback()
        imp = queries.get_import(db, import_id)
        fields = {name: translate(m) for name, m in error.field_errors.items()}
        return _page(imp, request.form.get("asset_type"), fields, translate(error.message), 422)
    imp.job_id = f"import-{imp.id}-{step}-{uuid.uuid4().hex[:8]}"
    enqueue_after_commit(db, app_services().redis, JOB, step, imp.id, retries=0, timeout=JOB_TIMEOUT_SECONDS,
                         job_id=imp.job_id)
    db.commit()
    return redirect(url_for("imports.show", import_id=import_id))


@blueprint.get("/imports/<int:import_id>/status")
@require_permission(Permission.EDIT_INVENTORY)
def status(import_id: int):
    """The step under way and its progress, polled by the page."""
    imp = queries.get_import(db_session(), import_id)
    done, total = _progress(imp)
    stalled = imp.status in RUNNING and _job_state(imp) in ("failed", "stopped", "canceled", "gone")
    # A stalled step reports a status change, so the page reloads and shows it.
    return jsonify(status="stalled" if stalled else imp.status, done=done, total=total, counts=imp.counts)


def _progress(imp: Import) -> tuple[int, int]:
    job = _job(imp)
    if imp.status not in RUNNING or job is None:
        return 0, 0
    done, total = job.meta.get("progress", [0, 0])
    return int(done), int(total)


def _job(imp: Import) -> Job | None:
    if not imp.job_id:
        return None
    try:
        return Job.fetch(imp.job_id, connection=app_services().redis)
    except NoSuchJobError:
        return None


def _job_state(imp: Import) -> str:
    job = _job(imp)
    return "gone" if job is None else str(job.get_status())


@blueprint.get("/imports/<int:import_id>/preview.geojson")
@require_permission(Permission.EDIT_INVENTORY)
def preview(import_id: int):
    """The staged rows as GeoJSON, coloured by what the commit would do."""
    queries.get_import(db_session(), import_id)
    return jsonify(queries.preview_features(db_session(), import_id, bbox_arg(request.args)))


@blueprint.get("/imports/<int:import_id>/report.csv")
@require_permission(Permission.EDIT_INVENTORY)
def report_csv(import_id: int):
    """Every refused or skipped row with its reasons, for correcting the file."""
    db = db_session()
    imp = queries.get_import(db, import_id)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([translate(msg("Row")), translate(msg("Outcome")), translate(msg("Field")), translate(msg("Reason"))])
    labels = _target_labels(_asset_type(imp.settings.get("asset_type")))
    for row in queries.report_rows(db, import_id, limit=None):
        for field, message in row["messages"].items():
            writer.writerow([row["row_number"], translate(_ACTIONS[row["action"]]), safe_cell(labels.get(field, field)),
                             safe_cell(translate(message))])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="import-{imp.id}-report.csv"'})


# The systems offered are the ones the CRS diagnosis tries (gis.crs.CANDIDATE_SRIDS).
_CRS_CHOICES = [(f"EPSG:{srid}", crs_label(CRS.from_epsg(srid))) for srid in CANDIDATE_SRIDS]
_ACTIONS = {"create": msg("to create"), "update": msg("to update"), "skip": msg("skipped"), "error": msg("refused")}


def _page(imp: Import, type_code: str | None, errors: dict[str, str], summary: str | None, status_code: int):
    db = db_session()
    settings = dict(imp.settings)
    layer = next((l for l in imp.layers if l["name"] == settings.get("layer")), imp.layers[0])
    asset_type = _asset_type(type_code or settings.get("asset_type"))
    if asset_type is not None and asset_type.code != settings.get("asset_type"):
        settings["fields"] = guess_fields(asset_type, layer)
    failure = queries.last_error(imp)
    return render_template(
        "imports/show.html", imp=imp, settings=settings, layer=layer, asset_type=asset_type,
        asset_types=asset_type_guess(db, layer["geometry_type"]),
        targets=_targets(asset_type, layer, settings, imp.counts.get("unmapped", {})),
        errors=errors, summary=summary, failure=translate(failure) if failure else None,
        report=queries.report_rows(db, imp.id) if imp.status in ("validated", "committed") else [],
        labels=_target_labels(asset_type), actions={k: translate(v) for k, v in _ACTIONS.items()},
        running=imp.status in RUNNING, translate=translate, language=current_language(), crs_choices=_CRS_CHOICES,
        remaining=queries.created_assets(db, imp.id) if imp.status == "committed" else 0,
    ), status_code


def _asset_type(code: str | None) -> AssetType | None:
    return db_session().scalar(select(AssetType).where(AssetType.code == code)) if code else None


def _targets(asset_type: AssetType | None, layer: dict, settings: dict, unmapped: dict) -> list[dict]:
    """One row of the mapping table per target: its source or constant, and its value table."""
    if asset_type is None:
        return []
    chosen = settings.get("fields", {})
    rows = []
    labels = _target_labels(asset_type)
    for target in targets_of(asset_type):
        choice = chosen.get(target, {})
        source = choice.get("source")
        known = settings.get("values", {}).get(target, {})
        seen = list(known) + [v for v in layer["samples"].get(source, []) if v not in known] if source else list(known)
        seen += [v for v in unmapped.get(target, {}) if v not in seen]
        rows.append({"target": target, "label": labels[target], "source": source, "constant": choice.get("constant", ""),
                     "choices": _labelled(asset_type, target), "value_rows": [(v, known.get(v, "")) for v in seen],
                     "required": _is_required(asset_type, target)})
    return rows


def _labelled(asset_type: AssetType, target: str) -> list[tuple[str, str]] | None:
    """A closed list's values with their labels in the user's language."""
    values = choices_of(asset_type, target)
    if values is None:
        return None
    language = current_language()
    labels = {"true": translate(msg("yes")), "false": translate(msg("no")), **status_labels()}
    for spec in asset_type.attribute_schema:
        if f"attributes.{spec['name']}" == target:
            labels.update({c["value"]: c["label_fr" if language == "fr" else "label_en"] for c in spec.get("choices", [])})
    return [(value, labels.get(value, value)) for value in values]


def _is_required(asset_type: AssetType, target: str) -> bool:
    return any(f"attributes.{s['name']}" == target and s.get("required") for s in asset_type.attribute_schema)


def _target_labels(asset_type: AssetType | None) -> dict[str, str]:
    labels = {
        "reference": translate(msg("Vigie reference (to update existing assets)")),
        "external_ref": translate(msg("Source reference")), "status": translate(msg("Status")),
        "installed_on": translate(msg("Installed on")), "manufacturer": translate(msg("Manufacturer")),
        "model": translate(msg("Model")), "condition": translate(msg("Condition (1 = good, 5 = bad)")),
        "geometry": translate(msg("Geometry")),
    }
    language = current_language()
    for spec in asset_type.attribute_schema if asset_type else []:
        labels[f"attributes.{spec['name']}"] = spec["label_fr"] if language == "fr" else spec["label_en"]
    return labels
