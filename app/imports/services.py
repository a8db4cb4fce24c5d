"""The steps of an import: receive the file, set the mapping, validate, commit, undo.

The requests only check and change the import's status, then enqueue the job that does
the work (``app/jobs/imports.py``); the job functions below run one step in one
transaction and record a failure, in the user's language later, on the import.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import BinaryIO, Callable

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.roles import Permission
from app.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from app.i18n import Msg, msg
from app.imports.commit import commit_rows, undo_rows
from app.db import STORAGE_SRID
from app.imports.guesses import crs_diagnosis, initial_settings
from app.imports.mapping import parse_settings, remember_settings, source_key
from app.imports.messages import source_error_message
from app.imports.models import Import
from app.imports.queries import territory_box
from app.imports.staging import stage_rows
from gis.sources import (CsvGeometry, SourceError, describe_layer, list_layers, source_format, text_encoding,
                         to_utf8, unpack_shapefile)

Progress = Callable[[int, int], None]
# Failures that are the data's or the user's, recorded on the import; others also fail the job.
EXPECTED_FAILURES = (DomainError, SourceError)
COPY_CHUNK = 1024 * 1024


def receive_upload(session: Session, actor: User, filename: str, stream: BinaryIO, import_dir: Path,
                   max_bytes: int) -> Import:
    """Store an uploaded file and describe its layers; a file that cannot be read is refused
    at the ``file`` field and leaves nothing behind."""
    _require_importer(actor)
    try:
        kind = source_format(filename)
    except SourceError as error:
        raise ValidationFailed(source_error_message(error), {"file": source_error_message(error)}) from None
    imp = Import(created_by_id=actor.id, filename=Path(filename).name[:255], source_format=kind, source_path="",
                 layers=[], settings={}, counts={})
    session.add(imp)
    session.flush()
    folder = import_dir / str(imp.id)
    try:
        upload = _save(stream, folder, Path(filename).suffix.lower(), max_bytes)
        source = unpack_shapefile(upload, folder / "shapefile") if kind == "shapefile" else upload
        encoding = text_encoding(source) if kind == "csv" else "utf-8"
        if encoding != "utf-8":
            to_utf8(source, encoding)
        imp.source_path = str(source)
        imp.layers = [_layer_description(source, name, kind) for name in list_layers(source)]
    except SourceError as error:
        shutil.rmtree(folder, ignore_errors=True)
        raise ValidationFailed(source_error_message(error), {"file": source_error_message(error)}) from None
    if not imp.layers or (kind != "csv" and all(layer["geometry_type"] is None for layer in imp.layers)):
        shutil.rmtree(folder, ignore_errors=True)
        message = msg("The file holds no layer with geometries.")
        raise ValidationFailed(message, {"file": message})
    imp.settings = initial_settings(session, imp.layers[0], territory_box(session, STORAGE_SRID))
    imp.counts = {"features": imp.layers[0]["feature_count"]}
    session.flush()
    return imp


def _save(stream: BinaryIO, folder: Path, suffix: str, max_bytes: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"upload{suffix}"
    written = 0
    with open(target, "wb") as out:
        while chunk := stream.read(COPY_CHUNK):
            written += len(chunk)
            if written > max_bytes:
                raise SourceError("too_large", limit_mb=max_bytes // 1024**2)
            out.write(chunk)
    if written == 0:
        raise SourceError("empty_file")
    return target


def _layer_description(path: Path, layer: str, kind: str) -> dict:
    return {**asdict(describe_layer(path, layer)), "format": kind}


def configure(session: Session, actor: User, import_id: int, form: dict[str, str]) -> Import:
    """Save the mapping step's choices, remember them for this source, and ask for validation."""
    imp = _import_for_update(session, actor, import_id)
    if imp.status not in ("uploaded", "validated", "failed"):
        raise ValidationFailed(msg("This import can no longer be changed."))
    layer = next((l for l in imp.layers if l["name"] == form.get("layer")), imp.layers[0])
    settings = parse_settings(session, form, list(layer["fields"]), layer["crs_wkt"],
                              [l["name"] for l in imp.layers], imp.source_format == "csv")
    diagnosis = imp.settings.get("diagnosis")
    if settings.csv is not None:  # the CSV's geometry columns decide its geometry, count and extent
        layer = _described_csv(imp, layer, settings.csv)
        diagnosis = crs_diagnosis(layer, territory_box(session, STORAGE_SRID))
    imp.settings = {**settings.as_json(), "diagnosis": diagnosis}
    imp.status, imp.error = "validating", None
    imp.counts = {"features": layer["feature_count"]}
    remember_settings(session, source_key(layer["geometry_type"], list(layer["fields"])), settings, actor.id)
    session.flush()
    return imp


def _described_csv(imp: Import, layer: dict, csv: CsvGeometry) -> dict:
    try:
        info = describe_layer(Path(imp.source_path), layer["name"], csv)
    except SourceError as error:
        raise ValidationFailed(source_error_message(error), {"csv_x": source_error_message(error)}) from None
    return {**layer, "feature_count": info.feature_count, "bounds": info.bounds, "crs_wkt": None}


def request_commit(session: Session, actor: User, import_id: int, skip_errors: bool) -> Import:
    """Ask for the validated rows to be written; rows in error need an explicit "skip them"."""
    imp = _import_for_update(session, actor, import_id)
    if imp.status != "validated":
        raise ValidationFailed(msg("Validate the import before writing it."))
    if imp.counts.get("error") and not skip_errors:
        message = msg("%(count)s rows have errors: correct the file, or confirm that they are left out.",
                      count=imp.counts["error"])
        raise ValidationFailed(message, {"skip_errors": message})
    if not imp.counts.get("create") and not imp.counts.get("update"):
        raise ValidationFailed(msg("Nothing to create or update."))
    imp.status, imp.error = "committing", None
    session.flush()
    return imp


def request_undo(session: Session, actor: User, import_id: int) -> Import:
    """Ask for a committed import to be undone as a whole."""
    imp = _import_for_update(session, actor, import_id)
    if imp.status != "committed":
        raise ValidationFailed(msg("Only a written import can be undone."))
    imp.status, imp.error = "undoing", None
    session.flush()
    return imp


def run_validation(session: Session, import_id: int, storage_srid: int, progress: Progress) -> None:
    """The validation job's work: stage every row, then mark the import validated."""
    imp, actor = _job_import(session, import_id, "validating")
    imp.counts = stage_rows(session, actor, imp, storage_srid, progress)
    imp.status, imp.validated_at = "validated", func.now()


def run_commit(session: Session, import_id: int, storage_srid: int, progress: Progress) -> None:
    """The commit job's work: write the assets, all or nothing."""
    imp, actor = _job_import(session, import_id, "committing")
    imp.counts = {**imp.counts, "result": commit_rows(session, actor, imp, storage_srid, progress)}
    imp.status, imp.committed_at, imp.committed_by_id = "committed", func.now(), actor.id


def run_undo(session: Session, import_id: int, storage_srid: int, progress: Progress) -> None:
    """The undo job's work: decommission what was created, restore what was changed."""
    imp, actor = _job_import(session, import_id, "undoing")
    imp.counts = {**imp.counts, "undo": undo_rows(session, actor, imp, storage_srid)}
    imp.status, imp.undone_at = "undone", func.now()
    progress(1, 1)


class StepStopped(Exception):
    """The job of a step stopped without finishing (worker killed, or the job lost)."""


def purge_written_rows(session: Session, import_id: int) -> None:
    """After the commit: drop the uploaded file and the staged rows that were written
    (the refused and skipped ones stay, for the report)."""
    imp = session.get(Import, import_id)
    session.execute(text("DELETE FROM import_rows WHERE import_id = :id AND action IN ('create', 'update')"),
                    {"id": import_id})
    folder = Path(imp.source_path)  # <import dir>/<id>/upload.<ext> or <import dir>/<id>/shapefile
    while folder.name != str(import_id) and folder != folder.parent:
        folder = folder.parent
    if folder.name == str(import_id):
        shutil.rmtree(folder, ignore_errors=True)


def record_failure(session: Session, import_id: int, error: Exception) -> None:
    """After a failed step (rolled back): back to the state before it, with the reason."""
    imp = session.get(Import, import_id, with_for_update=True, populate_existing=True)
    if imp is None:
        return
    back = {"validating": "uploaded", "committing": "validated", "undoing": "committed"}
    imp.status = back.get(imp.status, imp.status)
    imp.error = json.dumps(_failure_message(error))


def _failure_message(error: Exception) -> Msg:
    if isinstance(error, StepStopped):
        return msg("The step stopped before the end (the worker was stopped?). Nothing was written: ask for it again.")
    if isinstance(error, SourceError):
        return source_error_message(error)
    if isinstance(error, DomainError):
        return error.message if isinstance(error.message, Msg) else msg("%(reason)s", reason=str(error.message))
    return msg("Unexpected error: %(reason)s", reason=str(error)[:300])


class NotWaiting(Exception):
    """A job for a step the import is not (or no longer) waiting for: it must change nothing."""


def _job_import(session: Session, import_id: int, status: str) -> tuple[Import, User]:
    imp = session.get(Import, import_id, with_for_update=True, populate_existing=True)
    if imp is None or imp.status != status:
        raise NotWaiting(f"import {import_id} is not {status}")
    return imp, session.get(User, imp.requested_by_id or imp.created_by_id)


def _import_for_update(session: Session, actor: User, import_id: int) -> Import:
    _require_importer(actor)
    imp = session.scalar(select(Import).where(Import.id == import_id).with_for_update())
    if imp is None:
        raise NotFound(msg("No import %(id)s.", id=import_id))
    imp.requested_by_id = actor.id
    return imp


def _require_importer(actor: User) -> None:
    if not actor.can(Permission.EDIT_INVENTORY):
        raise PermissionDenied(msg("Your role does not allow importing into the inventory."))
