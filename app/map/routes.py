"""The main map page: the entry point of every logged-in user."""
from __future__ import annotations

from flask import Blueprint, render_template

from app.auth.access import require_permission
from app.auth.roles import Permission
from app.web import services

blueprint = Blueprint("map", __name__, template_folder="templates")


@blueprint.route("/")
@require_permission(Permission.VIEW_MAP)
def index():
    """The map of the territory."""
    return render_template("map/index.html", basemap_url=services().settings.basemap_url)
