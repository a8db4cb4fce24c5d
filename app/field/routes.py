"""The tablet app's pages: the shell (one page that draws the day and the mission sheets
from /api/v1/field, online or not), its manifest and its service worker (served under
/field/ so that its scope is the app).

The login cookie of a field agent is made persistent when the app opens (the login
session itself lives on the server until logout or a password change), so that a tablet
closed and reopened during a day offline is still logged in when the network returns.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, jsonify, redirect, render_template, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from app.auth.roles import Permission
from app.interventions.labels import kind_labels, outcome_labels, problem_labels, status_labels
from app.map.routes import status_labels as asset_status_labels

blueprint = Blueprint("field", __name__, url_prefix="/field", template_folder="templates")

SERVICE_WORKER = Path(__file__).resolve().parents[2] / "static" / "js" / "field" / "sw.js"


@blueprint.get("/")
@login_required
def index():
    """The tablet app: "My day" and, from it, the mission sheets."""
    return _shell(None)


@blueprint.get("/interventions/<int:intervention_id>")
@login_required
def intervention(intervention_id: int):
    """One mission sheet (where a printed work order's QR code leads). A user who does no
    field work lands on the intervention's page instead."""
    return _shell(intervention_id)


@blueprint.get("/manifest.webmanifest")
def manifest():
    """The web app manifest (installable, scope /field/)."""
    icons = [{"src": url_for("static", filename=f"img/field-icon-{size}.png"), "sizes": f"{size}x{size}",
              "type": "image/png", "purpose": "any maskable"} for size in (192, 512)]
    body = jsonify(name=gettext("Vigie field"), short_name="Vigie", start_url=url_for(".index"),
                   scope=url_for(".index"), display="standalone", orientation="any",
                   background_color="#ffffff", theme_color="#0b3d6e", icons=icons)
    body.mimetype = "application/manifest+json"
    return body


@blueprint.get("/sw.js")
def service_worker():
    """The service worker, served from /field/ so that it may control /field/."""
    response = Response(SERVICE_WORKER.read_text(encoding="utf-8"), mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


def _shell(intervention_id: int | None):
    if not current_user.can(Permission.DO_FIELD_WORK):
        if intervention_id is not None:
            return redirect(url_for("interventions.show", intervention_id=intervention_id))
        return render_template("error.html", status=403, message=gettext("You are not allowed to do this.")), 403
    session.permanent = True
    response = Response(render_template("field/app.html", open_intervention=intervention_id, strings=_js_strings()))
    response.headers["Cache-Control"] = "no-cache"
    return response


def _js_strings() -> dict:
    """The words the tablet's scripts show, in the user's language (kept with the page offline)."""
    return {
        "statuses": status_labels(), "kinds": kind_labels(), "problems": problem_labels(),
        "outcomes": outcome_labels(), "assetStatuses": asset_status_labels(),
        "changes": {"created": gettext("Created"), "updated": gettext("Attributes changed"),
                    "moved": gettext("Moved"), "status_changed": gettext("Status changed"),
                    "decommissioned": gettext("Decommissioned"), "replaced": gettext("Replaced"),
                    "repaired": gettext("Repaired")},
        "actions": {"start": gettext("Start"), "hold": gettext("Put on hold"), "resume": gettext("Resume"),
                    "complete": gettext("Complete"), "checklist": gettext("Checklist"), "note": gettext("Note"),
                    "photo": gettext("Photo"), "signature": gettext("Signature"),
                    "request": gettext("Problem reported")},
        "online": gettext("Online"), "offline": gettext("Offline"), "onDuty": gettext("On duty"),
        "offDuty": gettext("Off duty"), "pending": gettext("%(count)s to send"),
        "due": gettext("Due"), "planned": gettext("Time slot"), "estimate": gettext("Estimate"),
        "minutes": gettext("%(count)s min"), "navigate": gettext("Navigate there"),
        "openMap": gettext("Open the map instead"), "description": gettext("Dispatcher's notes"),
        "checklist": gettext("Checklist"), "assets": gettext("Assets"), "history": gettext("Recent history"),
        "attributes": gettext("Attributes"), "notes": gettext("Notes"), "attachments": gettext("Photos and files"),
        "noAsset": gettext("No asset: the work is at a place."), "nothing": gettext("None yet."),
        "takePhoto": gettext("Take a photo"), "sign": gettext("Signature"), "addNote": gettext("Add a note"),
        "report": gettext("Closing report"), "waiting": gettext("waiting to be sent"),
        "dismiss": gettext("Seen"),
        "updatedAt": gettext("Day as of %(when)s"), "keptOffline": gettext("kept on this tablet"),
        "positionUnknown": gettext("Position unknown: allow the location, or wait for a fix."),
        "positionKnown": gettext("Your position: ±%(metres)s m"),
        "installedOn": gettext("Installed on"), "manufacturer": gettext("Manufacturer"), "model": gettext("Model"),
        "notOnDay": gettext("This intervention is not in your day: it is shown as the server sent it."),
        "notFound": gettext("This intervention cannot be opened offline: it is not in your day."),
        "signatureEmpty": gettext("Sign in the box first."), "photoFailed": gettext("This photo could not be read."),
        "cause": gettext("Cause"), "actionTaken": gettext("Action taken"), "timeSpent": gettext("Time spent"),
        "outcome": gettext("Outcome"), "parts": gettext("Parts used"),
    }
