"""The main map page: the entry point of every logged-in user."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import require_permission
from app.auth.roles import Permission
from app.interventions import labels as intervention_labels
from app.inventory.models import ASSET_STATUSES
from app.web import services

blueprint = Blueprint("map", __name__, template_folder="templates")


@blueprint.route("/")
@require_permission(Permission.VIEW_MAP)
def index():
    """The map of the territory and its assets; editing tools for asset managers."""
    return render_template(
        "map/index.html",
        basemap_url=services().settings.basemap_url,
        can_edit=current_user.can(Permission.EDIT_INVENTORY),
        can_create_interventions=current_user.can(Permission.CREATE_INTERVENTIONS),
        js_strings=_js_strings(),
        today=date.today().isoformat(),
        asset_tiles_url=url_for("tiles.tile", layer="assets", z=0, x=0, y=0).removesuffix("/0/0/0.mvt"),
        intervention_tiles_url=url_for("tiles.tile", layer="interventions", z=0, x=0, y=0).removesuffix("/0/0/0.mvt"),
    )


def status_labels() -> dict[str, str]:
    """Asset statuses in the user's language."""
    return {
        "planned": _("Planned"),
        "in_service": _("In service"),
        "faulty": _("Faulty"),
        "out_of_service": _("Out of service"),
        "decommissioned": _("Decommissioned"),
    }


def _js_strings() -> dict:
    """The strings the map's script shows, already in the user's language."""
    return {
        "statuses": status_labels(),
        "changes": {
            "created": _("Created"), "updated": _("Attributes changed"), "moved": _("Moved"),
            "status_changed": _("Status changed"), "decommissioned": _("Decommissioned"), "replaced": _("Replaced"),
            "repaired": _("Repaired"),
        },
        "core": {
            "status": _("Status"), "installed_on": _("Installed on"), "manufacturer": _("Manufacturer"),
            "model": _("Model"), "condition": _("Condition (1 = good, 5 = bad)"), "parent_id": _("Parent asset"),
            "external_ref": _("Source reference"), "geometry": _("Position"), "commune_id": _("Commune"), "reason": _("Reason"),
        },
        "yes": _("yes"), "no": _("no"), "unset": _("—"),
        "zoomIn": _("Zoom in to select several assets or edit them on the map."),
        "tooMany": _("Showing %(shown)s of %(total)s assets here: zoom in to see them all."),
        "attributes": _("Attributes"), "history": _("History"), "parent": _("Parent"), "children": _("Children"),
        "by": _("by"), "system": _("system"), "reasonLabel": _("Reason"),
        "save": _("Save"), "cancel": _("Cancel"), "edit": _("Edit attributes"), "move": _("Move or reshape"),
        "savePosition": _("Save the position"), "changeStatus": _("Change status"), "decommission": _("Decommission"),
        "decommissionConfirm": _("Decommission this asset for good? It stays in the history."),
        "newAsset": _("New %(type)s"), "drawPoint": _("Click on the map to place the asset."),
        "drawLine": _("Click to add points, double-click to finish the line."),
        "drawPolygon": _("Click to add corners, double-click to close the polygon."),
        "saved": _("Saved."), "notSaved": _("Not saved:"),
        "conflictTitle": _("Someone else changed this asset meanwhile"),
        "conflictHelp": _("Nothing was saved. Compare, then reload the current version and redo your change."),
        "field": _("Field"), "current": _("Current (version %(version)s)"), "yours": _("Yours (version %(version)s)"),
        "reload": _("Reload the current version"),
        "bulkTitle": _("%(count)s assets selected"), "bulkField": _("Field to change"), "bulkValue": _("New value"),
        "bulkApply": _("Apply to all"), "bulkHint": _("Ctrl + drag on the map to select several assets."),
        "asOfBanner": _("Inventory as it was on %(date)s — read-only"),
        "notFound": _("No asset matches."), "networkError": _("The server could not be reached."),
        "reference": _("Reference"), "type": _("Type"), "commune": _("Commune"), "version": _("Version"),
        "positionChanged": _("position changed"), "hangUnder": _("Hang under %(reference)s"),
        "interventions": _intervention_strings(),
        "interventionForm": _intervention_form_strings(),
    }


def _intervention_strings() -> dict:
    """The strings of the intervention layer and its card (interventions-layer.js)."""
    return {
        "statuses": intervention_labels.status_labels(),
        "kinds": intervention_labels.kind_labels(),
        "priorities": {f"P{number}": label for number, label in intervention_labels.priority_labels().items()},
        "legend": _("Interventions"), "kind": _("Kind"), "priority": _("Priority"),
        "dueAt": _("Due at"), "overdue": _("Overdue"), "atRisk": _("At risk"), "assets": _("Assets"),
        "open": _("Open the intervention"),
    }


def _intervention_form_strings() -> dict:
    """The strings of the "new intervention" form on the map (intervention-form.js)."""
    return {
        "kinds": intervention_labels.kind_labels(),
        "priorities": {f"P{number}": label for number, label in intervention_labels.priority_labels().items()},
        "problems": intervention_labels.problem_labels(),
        "newIntervention": _("New intervention"), "forAssets": _("New intervention for these %(count)s assets"),
        "title": _("New intervention"), "onAssets": _("On %(references)s"),
        "atPlace": _("At the place drawn on the map"), "drawPlace": _("Click on the map where the work is."),
        "kind": _("Kind"), "priority": _("Priority"), "problem": _("Problem"), "description": _("Description"),
        "estimate": _("Estimated duration (minutes)"), "create": _("Create the intervention"), "cancel": _("Cancel"),
        "created": _("Intervention %(reference)s created."), "open": _("Open the intervention"),
        "choose": _("— choose —"), "notSaved": _("Not saved:"),
    }
