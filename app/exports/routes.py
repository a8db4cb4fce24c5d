"""Export entry points: the export form of the inventory list and of the map
(``/inventory/export``) and ``GET /api/v1/assets/export``.

The file is built inside the request in a temporary directory, which is deleted before
the file is sent: the open file is streamed, then closed (see docs/performance.md for
the times that made an rq job unnecessary).
"""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from flask import Blueprint, Response, jsonify, render_template, request, send_file
from flask_babel import get_timezone, gettext
from flask_login import current_user

from app.api.assets import asset_filter
from app.auth.access import require_permission
from app.auth.roles import Permission
from app.errors import ValidationFailed
from app.exports.builder import build_export
from app.exports.options import crs_name, export_srids, parse_export_options
from app.i18n import msg
from app.inventory import queries
from app.inventory.routes import list_filter
from app.map.routes import status_labels
from app.request_args import bbox_arg
from app.territory.queries import commune_choices
from app.web import current_language, db_session, services, translate
from gis.export_formats import FORMATS

blueprint = Blueprint("exports", __name__, template_folder="templates")

# The query parameters of a selection on the export page: the list's filters and the map's view.
SELECTION_ARGS = ("q", "type", "commune", "status", "attr_name", "attr_value", "as_of", "bbox")


@blueprint.app_context_processor
def _export_choices() -> dict:
    return {"export_choices": export_choices, "selection_args": selection_args}


def export_choices() -> dict:
    """The formats and CRSs offered, in the user's language, and the CRS selected first."""
    labels = {"gpkg": gettext("GeoPackage (.gpkg, one layer per asset type)"),
              "shp": gettext("Shapefile (.zip, one file per asset type)"),
              "geojson": gettext("GeoJSON (.geojson, one collection)"),
              "csv": gettext("CSV (.csv, spreadsheet, x/y and WKT geometry)")}
    storage_srid = services().settings.storage_srid
    return {"formats": [(code, labels[code]) for code in FORMATS],
            "crs": [(srid, crs_name(srid)) for srid in export_srids(storage_srid)], "default_crs": storage_srid}


def selection_args(args: Mapping[str, str]) -> dict[str, str]:
    """The selection parameters present in ``args``, to carry into an export form."""
    return {name: args[name] for name in SELECTION_ARGS if args.get(name)}


@blueprint.get("/inventory/export")
@require_permission(Permission.VIEW_MAP)
def export_page():
    """The export form of a selection (list filters, map view); with a format chosen, the file."""
    args = request.args
    errors: dict[str, str] = {}
    flt = replace(list_filter(args, errors), bbox=_page_bbox(errors))
    if "format" in args:
        fields: dict = {}
        options = _collecting(fields, parse_export_options, args.get("format"), args.get("crs"),
                              services().settings.storage_srid)
        errors.update({name: translate(message) for name, message in fields.items()})
        if not errors:
            try:
                return _send_export(flt, *options)
            except ValidationFailed as error:
                errors["selection"] = translate(error.message)
    db = db_session()
    total = None if errors else queries.count_asset_features(db, current_user, flt)
    types = {t["code"]: t for t in queries.asset_types(db)}
    return render_template(
        "exports/export.html", errors=errors, total=total, selection=selection_args(args),
        chosen_format=args.get("format", ""), chosen_crs=args.get("crs", ""), types=types,
        communes=dict(commune_choices(db)), statuses=status_labels(), language=current_language(),
    ), 400 if errors else 200


@blueprint.get("/api/v1/assets/export")
@require_permission(Permission.VIEW_MAP)
def export_api():
    """The selection of ``GET /api/v1/assets`` (same filters) as a file: ``format`` (gpkg, shp,
    geojson, csv) and ``crs`` (an EPSG code, default 4326). Bad input: 400 naming each field."""
    fields: dict = {}
    flt = _collecting(fields, asset_filter)
    options = _collecting(fields, parse_export_options, request.args.get("format"), request.args.get("crs"),
                          services().settings.storage_srid)
    try:
        if fields:
            raise ValidationFailed(msg("Invalid parameter."), fields)
        return _send_export(flt, *options)
    except ValidationFailed as error:
        body: dict = {"error": "ValidationFailed", "message": translate(error.message)}
        if error.field_errors:
            body["fields"] = {name: translate(message) for name, message in error.field_errors.items()}
        return jsonify(body), 400


def _collecting(fields: dict, parse: Callable, *args: object):
    """``parse(*args)``, or None with its field errors added to ``fields`` (all reported at once)."""
    try:
        return parse(*args)
    except ValidationFailed as error:
        fields.update(error.field_errors)
        return None


def _send_export(flt: queries.AssetFilter, fmt: str, srid: int) -> Response:
    """Build the file in a temporary directory, delete the directory, send the open file."""
    directory = Path(tempfile.mkdtemp(prefix="vigie-export-"))
    try:
        path = build_export(db_session(), current_user, flt, fmt, srid, directory, current_language())
        size = path.stat().st_size
        handle = open(path, "rb")  # noqa: SIM115 - closed by the response once sent
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    response = send_file(handle, mimetype=FORMATS[fmt].media_type, as_attachment=True,
                         download_name=export_filename(fmt, srid, flt))
    response.content_length = size
    return response


def export_filename(fmt: str, srid: int, flt: queries.AssetFilter) -> str:
    """``vigie-assets-2026-11-22.gpkg``; ``…-as-of-2025-01-31…`` for a past inventory; a CSV,
    which has nowhere else to say it, names its CRS (``…-epsg3947.csv``)."""
    today = datetime.now(get_timezone()).date().isoformat()
    as_of = f"-as-of-{flt.as_of.date().isoformat()}" if flt.as_of else ""
    crs = f"-epsg{srid}" if fmt == "csv" else ""
    return f"vigie-assets-{today}{as_of}{crs}.{FORMATS[fmt].extension}"


def _page_bbox(errors: dict[str, str]) -> tuple[float, float, float, float] | None:
    fields: dict = {}
    bbox = _collecting(fields, bbox_arg)
    errors.update({name: translate(message) for name, message in fields.items()})
    return bbox
