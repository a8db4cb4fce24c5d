"""The commune's PDF report: the dashboard's figures and coverage map as frozen data for
``print_templates.coverage_report`` (labels translated by the caller's gettext)."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session
from shapely import wkb

from app.auth.models import User
from app.auth.roles import Permission
from app.db import STORAGE_SRID
from app.reports.presentation import Gettext, Headline
from print_templates.coverage_report import CoverageMapData, CoverageReport, ReportFigure


def coverage_map(session: Session, actor: User, commune_id: int) -> CoverageMapData:
    """The commune's outline and coverage geometries (storage CRS), each cell's simplified to 1 m."""
    row = session.execute(text("""
        SELECT ST_AsBinary(m.geom) AS outline,
               (SELECT ST_AsBinary(ST_CollectionExtract(ST_Collect(ST_Simplify(lit_geom, 1)), 3)) FROM coverage_cells
                WHERE commune_id = m.id) AS lit,
               (SELECT ST_AsBinary(ST_CollectionExtract(ST_Collect(dark_geom), 2)) FROM coverage_cells WHERE commune_id = m.id) AS dark,
               (SELECT ST_AsBinary(ST_CollectionExtract(ST_Collect(ST_Simplify(cctv_geom, 1)), 3)) FROM coverage_cells
                WHERE commune_id = m.id) AS cctv
        FROM communes m WHERE m.id = :id"""), {"id": commune_id}).one()

    def shape(value):
        return None if value is None else wkb.loads(bytes(value))

    shows_cameras = actor.can(Permission.VIEW_SENSITIVE_POSITIONS)
    return CoverageMapData(STORAGE_SRID, shape(row.outline), shape(row.lit), shape(row.dark),
                           shape(row.cctv) if shows_cameras else None)


def coverage_report(_: Gettext, commune: dict, subtitle: str, day: str, headlines: list[Headline],
                    map_data: CoverageMapData, lit_by_roads: bool) -> CoverageReport:
    """The report's frozen data."""
    measured_on = (_("Lighting is measured on the length of the road segments.") if lit_by_roads else
                   _("No road segment is loaded for this commune: lighting is measured on the built-up area "
                     "(50 m squares holding public-space assets)."))
    notes = (measured_on,
             _("Lighting counts the street lights in service only; repair times count corrective interventions, "
               "from the report to the repair."))
    if map_data.cctv is None:
        notes += (_("Camera positions are not shown to your role: only the share of space covered."),)
    return CoverageReport(
        reference=f"{commune['name']} · {day}", title=_("Coverage and service report: %(commune)s") % {
            "commune": commune["name"]},
        subtitle=subtitle, figures_title=_("Key figures"),
        figures=tuple(ReportFigure(h.label, h.value, _("before: %(value)s") % {"value": h.previous}, h.trend,
                                   h.judgement) for h in headlines),
        map_title=_("Coverage map"), map=map_data,
        legend=(_("Lit area"), _("Dark stretch"), _("CCTV coverage")), notes=notes)
