"""Login, logout and language choice."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import queries as auth_queries
from app.auth import services as auth_services
from app.auth.access import require_permission
from app.auth.forms import ApiTokenForm, LoginForm
from app.auth.roles import Permission
from app.settings import SUPPORTED_LANGUAGES
from app.errors import PermissionDenied, ValidationFailed
from app.i18n import msg
from app.web import api_credentials, db_session, services, translate

blueprint = Blueprint("auth", __name__, template_folder="templates")


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; on success open a server-side login session."""
    if current_user.is_authenticated:
        return redirect(url_for("map.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        throttle = services().login_throttle
        address = request.remote_addr or "unknown"
        wait = throttle.seconds_locked(form.login.data, address)
        if wait:
            minutes = max(1, (wait + 59) // 60)
            form.login.errors.append(
                ngettext(
                    "Too many failed attempts. Try again in %(num)d minute.",
                    "Too many failed attempts. Try again in %(num)d minutes.",
                    minutes,
                )
            )
            status = 429
        else:
            db = db_session()
            user = auth_services.authenticate(db, form.login.data, form.password.data)
            if user is None:
                throttle.record_failure(form.login.data, address)
                form.password.errors.append(gettext("Wrong login or password."))
                status = 401
            else:
                auth_services.open_login_session(db, user, address, request.user_agent.string)
                db.commit()
                throttle.clear(form.login.data)
                _restart_browser_session()
                login_user(user)
                return redirect(_safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 422
    return render_template("auth/login.html", form=form), status


@blueprint.post("/logout")
@login_required
def logout():
    """End the login session on the server, then forget the cookie."""
    token = current_user.login_session_token
    if token:
        db = db_session()
        auth_services.revoke_login_session(db, token)
        db.commit()
    logout_user()
    _restart_browser_session()
    return redirect(url_for("auth.login"))


@blueprint.route("/account/tokens", methods=["GET", "POST"])
@login_required
def api_tokens():
    """The user's own API tokens (QGIS, scripts): create one, shown once; list; revoke."""
    _require_browser_session()
    form = ApiTokenForm()
    created, status = None, 200
    if form.validate_on_submit():
        db = db_session()
        try:
            created = auth_services.create_api_token(db, current_user, form.name.data)
            db.commit()
            form = ApiTokenForm(formdata=None)
        except ValidationFailed as error:
            db.rollback()
            form.name.errors.append(translate(error.field_errors["name"]))
            status = 422
    elif request.method == "POST":
        status = 422
    tokens = auth_services.api_tokens_of(db_session(), current_user)
    response = make_response(render_template("auth/tokens.html", form=form, tokens=tokens, created=created), status)
    response.headers["Cache-Control"] = "no-store"  # the page may hold a token in clear
    return response


@blueprint.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_api_token(token_id: int):
    """Revoke one of the user's tokens (404 if it is not theirs or already revoked)."""
    _require_browser_session()
    db = db_session()
    auth_services.revoke_api_token(db, current_user, token_id)
    db.commit()
    return redirect(url_for("auth.api_tokens"), code=303)


def _require_browser_session() -> None:
    """Tokens are managed from a login session only: a token cannot mint or revoke tokens."""
    if api_credentials() is not None:
        raise PermissionDenied(msg("API tokens are managed from a login session, not with a token."))


@blueprint.post("/language")
def choose_language():
    """Remember the chosen interface language in the browser session."""
    language = request.form.get("language", "")
    if language in SUPPORTED_LANGUAGES:
        session["language"] = language
    return redirect(_safe_next(request.form.get("next")))


def _restart_browser_session() -> None:
    """Drop everything from the cookie session (fixation) but the chosen language."""
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language


def _safe_next(target: str | None) -> str:
    """Only local paths are followed after login (no open redirect)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("map.index")


@blueprint.get("/admin/users")
@require_permission(Permission.MANAGE_USERS)
def list_users():
    """Administrators: every account with its role and commune scope."""
    users = auth_queries.list_users(db_session())
    return render_template("auth/users.html", users=users)
