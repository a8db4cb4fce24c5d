"""Flask glue only: per-request database session, login manager, CSRF, i18n,
security headers, and the mapping of domain errors to HTTP answers."""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app, g, jsonify, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import Babel, gettext, lazy_gettext
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect
from redis import Redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.auth import services as auth_services
from app.auth.models import User
from app.auth.throttle import LoginThrottle
from app.demo.dijon import DEMO_ACCOUNTS, DEMO_PASSWORD
from app.db import make_engine, make_session_factory
from app.i18n import Msg
from app.errors import Conflict, DomainError, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from app.settings import SUPPORTED_LANGUAGES, Settings


@dataclass(frozen=True)
class AppServices:
    """What the web layer holds for the life of the process."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    redis: Redis
    login_throttle: LoginThrottle


def configure(app: Flask, settings: Settings) -> None:
    """Attach settings, services and Flask extensions to ``app``."""
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        SESSION_COOKIE_NAME="vigie_session",
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the login session
        WTF_CSRF_CHECK_DEFAULT=False,  # checked by _authenticate_token_or_check_csrf
        BABEL_DEFAULT_LOCALE=settings.default_language,
        BABEL_DEFAULT_TIMEZONE="Europe/Paris",  # dates are shown in the territory's local time
        BABEL_TRANSLATION_DIRECTORIES="translations",
        # Inventory files are the largest uploads (their page checks its own limit exactly).
        MAX_CONTENT_LENGTH=max(64, settings.import_max_mb + 1) * 1024 * 1024,
    )
    engine = make_engine(settings.database_url)
    redis = Redis.from_url(settings.redis_url)
    app.extensions["vigie"] = AppServices(
        settings=settings,
        engine=engine,
        session_factory=make_session_factory(engine),
        redis=redis,
        login_throttle=LoginThrottle(redis, settings.login_max_failures, settings.login_lockout_seconds),
    )
    csrf = CSRFProtect(app)
    Babel(app, locale_selector=current_language)
    _configure_login(app)
    app.before_request(lambda: _authenticate_token_or_check_csrf(csrf))
    _register_error_handlers(app)
    app.teardown_appcontext(_close_db_session)
    app.after_request(_security_headers)
    app.add_template_filter(local_datetime)
    app.context_processor(
        lambda: {
            "current_language": current_language(),
            "languages": SUPPORTED_LANGUAGES,
            "role_label": role_label,
        }
    )


ROLE_LABELS = {
    "admin": lazy_gettext("Administrator"),
    "asset_manager": lazy_gettext("Asset manager"),
    "dispatcher": lazy_gettext("Dispatcher"),
    "field_agent": lazy_gettext("Field agent"),
    "councillor": lazy_gettext("Councillor"),
}


def role_label(role: str) -> str:
    """The role's name in the user's language."""
    return str(ROLE_LABELS.get(role, role))


def local_datetime(value: object, style: str = "short") -> str:
    """A date-time (or its ISO text, as PostGIS-built JSON gives it) in the user's language
    and the territory's time zone; empty for None."""
    from flask_babel import format_datetime

    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return format_datetime(value, style)


def services() -> AppServices:
    """The process-wide services of the running app."""
    return current_app.extensions["vigie"]


def db_session() -> Session:
    """The request's database session, opened on first use, closed at teardown."""
    if "db_session" not in g:
        g.db_session = services().session_factory()
    return g.db_session


def current_language() -> str:
    """The language chosen in this browser session, else the user's, else the default."""
    from flask_login import current_user

    chosen = session.get("language")
    if chosen in SUPPORTED_LANGUAGES:
        return chosen
    user_language = getattr(current_user, "language", None)
    if user_language in SUPPORTED_LANGUAGES:
        return user_language
    return services().settings.default_language


def wants_json() -> bool:
    """Whether the caller is an API client rather than a page."""
    return request.path.startswith(("/api/", "/ogc/")) or request.accept_mimetypes.best == "application/json"


def refuse_demo_passwords_outside_demo(app: Flask) -> None:
    """Stop start-up while a demo account still has the public demo password."""
    if services_of(app).settings.demo_mode:
        return
    with services_of(app).session_factory() as db:
        exposed = auth_services.users_still_on_password(
            db, [account.login for account in DEMO_ACCOUNTS], DEMO_PASSWORD
        )
    if exposed:
        raise RuntimeError(
            "refusing to start outside demo mode: the account(s) "
            + ", ".join(exposed)
            + f" still have the demo password; change it with `vigie set-password LOGIN` "
            "or set VIGIE_DEMO_MODE=1"
        )


def services_of(app: Flask) -> AppServices:
    return app.extensions["vigie"]


def _configure_login(app: Flask) -> None:
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = None
    manager.session_protection = None  # sessions are revocable server-side instead

    @manager.user_loader
    def load_user(token: str):
        if api_credentials() is not None:
            return None  # a token request is authenticated by its token alone, never by a cookie
        return auth_services.user_for_session_token(db_session(), token)

    @manager.request_loader
    def load_user_from_request(_request) -> User | None:
        return api_token_user()

    @manager.unauthorized_handler
    def unauthorized():
        if wants_json():
            return jsonify(error="authentication_required", message=gettext("Please log in.")), 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def api_credentials() -> tuple[str | None, str] | None:
    """The API token this request presents, with the login it names, else None.

    Two forms: ``Authorization: Bearer <token>`` (login None) for scripts, and HTTP Basic
    with the login as user name and the token as password, for clients that only know
    Basic (QGIS 3.22's authentication methods). An account password is never accepted
    there: it would sit in the client's settings and cost a password hash per request.
    Basic counts for reading only (GET, HEAD): a browser may replay Basic credentials on
    its own, as it does cookies, so a write sent that way stays under the CSRF check.
    """
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return None, value.strip()
    if scheme.lower() == "basic" and request.method in ("GET", "HEAD"):
        try:
            login, _, token = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return "", ""  # a malformed header is a wrong token, not an anonymous request
        return login, token
    return None


def api_token_user() -> User | None:
    """The user of this request's API token (looked up once per request), or None."""
    if "api_token_user" not in g:
        credentials = api_credentials()
        user = auth_services.user_for_api_token(db_session(), credentials[1]) if credentials else None
        if user is not None and credentials[0] is not None and credentials[0].casefold() != user.login.casefold():
            user = None  # Basic: the token must be the named user's
        g.api_token_user = user
    return g.api_token_user


def _authenticate_token_or_check_csrf(csrf: CSRFProtect) -> ResponseReturnValue | None:
    """Authenticate a request by its API token (401 if unknown or revoked), else check CSRF.

    CSRF protects what a browser sends on its own: the session cookie. A bearer token is
    never sent by the browser by itself (and a cross-site page cannot add an Authorization
    header without a CORS preflight Vigie does not grant), and a bearer request ignores
    the cookie (see load_user), so it needs no CSRF token. WTF_CSRF_CHECK_DEFAULT is off
    so that this one before_request decides, in this order, for every request.
    """
    if api_credentials() is None:
        # As Flask-WTF's own hook: unknown URLs get their 404/405. (No view is csrf.exempt.)
        if current_app.config["WTF_CSRF_ENABLED"] and request.endpoint is not None:
            csrf.protect()
        return None
    if api_token_user() is None:
        body = jsonify(error="invalid_token", message=gettext("This API token is unknown or revoked."))
        return body, 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'}
    db_session().commit()  # keeps the token's last use even when the view only reads
    return None


def _register_error_handlers(app: Flask) -> None:
    statuses: list[tuple[type[DomainError], int]] = [
        (NotFound, 404),
        (PermissionDenied, 403),
        (ValidationFailed, 422),
        (InvalidTransition, 409),
        (Conflict, 409),
    ]
    for error_class, status in statuses:
        app.register_error_handler(error_class, _domain_error_handler(status))

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = gettext("The form has expired or was not sent by Vigie. Please try again.")
        if wants_json():
            return jsonify(error="csrf", message=message), 400
        return render_template("error.html", status=400, message=message), 400

    for status, text in (
        (403, lazy_gettext("You are not allowed to do this.")),
        (404, lazy_gettext("Page not found.")),
        (413, lazy_gettext("What you sent is too large.")),
        (500, lazy_gettext("Vigie met an unexpected error; nothing was saved. Please try again.")),
    ):
        app.register_error_handler(status, _http_error_handler(status, text))


def translate(message: str | Msg) -> str:
    """A domain message in the user's language."""
    if isinstance(message, Msg):
        return gettext(message.template, **message.params)
    return gettext(message)


def _domain_error_handler(status: int):
    def handle(error: DomainError):
        db_session().rollback()
        if wants_json():
            body: dict = {"error": type(error).__name__, "message": translate(error.message)}
            if error.field_errors:
                body["fields"] = {name: translate(m) for name, m in error.field_errors.items()}
            if isinstance(error, Conflict):
                body["current"], body["submitted"] = error.current, error.submitted
            return jsonify(body), status
        return render_template("error.html", status=status, message=translate(error.message)), status

    return handle


def _http_error_handler(status: int, text: str):
    def handle(_error):
        if wants_json():
            return jsonify(error=status, message=str(text)), status
        return render_template("error.html", status=status, message=str(text)), status

    return handle


def _close_db_session(_exc: BaseException | None) -> None:
    db = g.pop("db_session", None)
    if db is not None:
        db.close()


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
