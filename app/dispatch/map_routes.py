"""The dispatch map (``/dispatch``): the crews' last positions with their age and current
job over the open interventions; a click on an intervention offers "Suggest a crew".
The page polls ``/api/v1/dispatch/crews``; everything it writes goes through the API."""
from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _

from app.auth.access import require_permission
from app.auth.roles import Permission
from app.interventions.labels import skill_labels, status_labels
from app.map.routes import _intervention_strings
from app.web import services

blueprint = Blueprint("dispatch_map", __name__, template_folder="templates")

POLL_SECONDS = 10
STALE_AFTER_MINUTES = 10  # a position older than this is greyed


@blueprint.get("/dispatch")
@require_permission(Permission.PLAN_INTERVENTIONS)
def dispatch_map():
    """The control room's map of crews and open interventions."""
    return render_template(
        "dispatch/map.html", basemap_url=services().settings.basemap_url, js_strings=_js_strings(),
        poll_seconds=POLL_SECONDS, stale_after_minutes=STALE_AFTER_MINUTES,
        intervention_tiles_url=url_for("tiles.tile", layer="interventions", z=0, x=0, y=0).removesuffix("/0/0/0.mvt"),
    )


def _js_strings() -> dict:
    """The strings of the map's scripts (dispatch.js, interventions-layer.js), translated."""
    return {
        "interventions": _intervention_strings(),
        "networkError": _("The server could not be reached."), "unset": _("—"),
        "dispatch": {
            "skills": skill_labels(), "statuses": status_labels(),
            "noPosition": _("No position yet"), "by": _("by %(name)s"), "accuracy": _("± %(metres)s m"),
            "noCurrent": _("No job in progress"), "stale": _("Position out of date"), "back": _("Back to the crews"),
            "updated": _("Updated %(time)s"),
            "pollFailed": _("Could not refresh the crews; retrying."),
        },
    }
