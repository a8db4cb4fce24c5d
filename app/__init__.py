"""Vigie: the application package. ``create_app`` is the one place it is assembled."""
from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.settings import Settings


def create_app(settings: Settings | None = None) -> Flask:
    """Assemble the Flask application from validated settings."""
    from app import web
    from app.api import assets as _asset_routes  # noqa: F401 - registers on the api blueprint
    from app.api import interventions as _intervention_routes  # noqa: F401 - registers on the api blueprint
    from app.api import dispatch as _dispatch_routes  # noqa: F401 - registers on the api blueprint
    from app.api import field as _field_routes  # noqa: F401 - registers on the api blueprint
    from app.api.routes import blueprint as api_blueprint
    from app.auth.routes import blueprint as auth_blueprint
    from app.exports.routes import blueprint as exports_blueprint
    from app.field.routes import blueprint as field_blueprint
    from app.health import blueprint as health_blueprint
    from app.interventions.routes import blueprint as interventions_blueprint
    from app.interventions.team_routes import blueprint as teams_blueprint
    from app.dispatch.map_routes import blueprint as dispatch_map_blueprint
    from app.dispatch.day_routes import blueprint as crew_days_blueprint
    from app.imports.routes import blueprint as imports_blueprint
    from app.inventory.routes import blueprint as inventory_blueprint
    from app.inventory.type_routes import blueprint as asset_types_blueprint
    from app.map.routes import blueprint as map_blueprint
    from app.printing.routes import blueprint as printing_blueprint
    from app.reports.routes import blueprint as reports_blueprint
    from app.ogc.routes import blueprint as ogc_blueprint
    from app.tiles.routes import blueprint as tiles_blueprint

    settings = settings or Settings.from_env()
    flask_app = Flask(__name__, static_folder="../static", static_url_path="/static")
    web.configure(flask_app, settings)
    if settings.trusted_proxies:
        flask_app.wsgi_app = ProxyFix(flask_app.wsgi_app, x_for=settings.trusted_proxies,
                                      x_proto=settings.trusted_proxies, x_host=settings.trusted_proxies,
                                      x_prefix=settings.trusted_proxies)
    for blueprint in (
        health_blueprint,
        auth_blueprint,
        map_blueprint,
        inventory_blueprint,
        api_blueprint,
        tiles_blueprint,
        asset_types_blueprint,
        ogc_blueprint,
        interventions_blueprint,
        teams_blueprint,
        dispatch_map_blueprint,
        crew_days_blueprint,
        exports_blueprint,
        imports_blueprint,
        printing_blueprint,
        reports_blueprint,
        field_blueprint,
    ):
        flask_app.register_blueprint(blueprint)
    web.refuse_demo_passwords_outside_demo(flask_app)
    return flask_app
