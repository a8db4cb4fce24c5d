"""Settings read from the environment once, validated at start.

Every variable is prefixed ``VIGIE_``. A wrong value stops the application with a
message naming the variable, instead of failing later in a request.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from pyproj import CRS
from pyproj.exceptions import CRSError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from print_templates.branding import Branding, BrandingError, load_branding

SUPPORTED_LANGUAGES = ("fr", "en")
DEFAULT_STORAGE_SRID = 2154  # RGF93 / Lambert-93, the French legal projection
DEMO_SECRET_KEY = "vigie-demo-secret-key-not-for-production"


class SettingsError(ValueError):
    """A setting from the environment is missing or wrong; the message names it."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str
    secret_key: str
    storage_srid: int = DEFAULT_STORAGE_SRID
    default_language: str = "fr"
    basemap_url: str | None = None
    demo_mode: bool = False
    session_cookie_secure: bool = False
    login_max_failures: int = 5
    login_lockout_seconds: int = 900
    # How many reverse proxies stand in front of Vigie (their X-Forwarded-* headers are
    # trusted, so absolute links carry the public host and scheme); 0: none, trust nothing.
    trusted_proxies: int = 0
    # Where uploaded inventory files wait between the upload and the commit (web and
    # worker must both see it), and the largest upload accepted.
    import_dir: str = str(Path(__file__).resolve().parent.parent / "instance" / "imports")
    import_max_mb: int = 512
    # Batches of printed work orders wait there for their download (web and worker must both
    # see it); the base URL the QR codes of work orders open (default: the host the page
    # was asked on); the organisation's branding of printed documents (VIGIE_PRINT_CONFIG).
    print_dir: str = str(Path(__file__).resolve().parent.parent / "instance" / "prints")
    public_url: str | None = None
    print_branding: Branding = field(default_factory=Branding)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        """Build and validate the settings from ``environ`` (default: ``os.environ``)."""
        env = os.environ if environ is None else environ
        demo_mode = _parse_bool(env, "VIGIE_DEMO_MODE", default=False)
        secret_key = env.get("VIGIE_SECRET_KEY", "")
        if not secret_key and demo_mode:
            secret_key = DEMO_SECRET_KEY
        return cls(
            database_url=database_url_from_env(env),
            redis_url=_parse_redis_url(env),
            secret_key=_validate_secret_key(secret_key, demo_mode),
            storage_srid=parse_storage_srid(env),
            default_language=_parse_language(env),
            basemap_url=_parse_basemap_url(env),
            demo_mode=demo_mode,
            session_cookie_secure=_parse_bool(env, "VIGIE_SESSION_COOKIE_SECURE", default=False),
            login_max_failures=_parse_positive_int(env, "VIGIE_LOGIN_MAX_FAILURES", 5),
            login_lockout_seconds=_parse_positive_int(env, "VIGIE_LOGIN_LOCKOUT_SECONDS", 900),
            trusted_proxies=_parse_count(env, "VIGIE_TRUSTED_PROXIES"),
            import_dir=env.get("VIGIE_IMPORT_DIR", "").strip() or cls.import_dir,
            import_max_mb=_parse_positive_int(env, "VIGIE_IMPORT_MAX_MB", cls.import_max_mb),
            print_dir=env.get("VIGIE_PRINT_DIR", "").strip() or cls.print_dir,
            public_url=_parse_public_url(env),
            print_branding=_parse_print_config(env),
        )


def parse_storage_srid(env: Mapping[str, str]) -> int:
    """Return the storage SRID: a known projected CRS measured in metres."""
    raw = env.get("VIGIE_STORAGE_SRID", str(DEFAULT_STORAGE_SRID)).strip()
    if not raw.isdigit():
        raise SettingsError("VIGIE_STORAGE_SRID", f"expected an EPSG code such as 2154, got {raw!r}")
    srid = int(raw)
    try:
        crs = CRS.from_epsg(srid)
    except CRSError:
        raise SettingsError("VIGIE_STORAGE_SRID", f"EPSG:{srid} is not a known CRS") from None
    if not crs.is_projected or crs.axis_info[0].unit_name not in ("metre", "meter"):
        raise SettingsError(
            "VIGIE_STORAGE_SRID", f"EPSG:{srid} must be a projected CRS in metres (e.g. 2154)"
        )
    return srid


def database_url_from_env(env: Mapping[str, str]) -> str:
    """Return the validated VIGIE_DATABASE_URL, normalised to the psycopg 3 driver."""
    raw = env.get("VIGIE_DATABASE_URL", "").strip()
    if not raw:
        raise SettingsError("VIGIE_DATABASE_URL", "is not set (e.g. postgresql+psycopg://vigie:secret@127.0.0.1/vigie)")
    try:
        url = make_url(raw)
    except ArgumentError:
        raise SettingsError("VIGIE_DATABASE_URL", "is not a valid database URL") from None
    if url.get_backend_name() != "postgresql":
        raise SettingsError("VIGIE_DATABASE_URL", "must point to PostgreSQL with PostGIS")
    if url.drivername != "postgresql+psycopg":
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def _parse_redis_url(env: Mapping[str, str]) -> str:
    raw = env.get("VIGIE_REDIS_URL", "").strip()
    if not raw:
        raise SettingsError("VIGIE_REDIS_URL", "is not set (e.g. redis://127.0.0.1:6379/0)")
    if not re.match(r"^(redis|rediss|unix)://", raw):
        raise SettingsError("VIGIE_REDIS_URL", "must start with redis://, rediss:// or unix://")
    return raw


def _validate_secret_key(secret_key: str, demo_mode: bool) -> str:
    if not secret_key:
        raise SettingsError("VIGIE_SECRET_KEY", "is not set (use a long random string)")
    if len(secret_key) < 16:
        raise SettingsError("VIGIE_SECRET_KEY", "is too short: use at least 16 characters")
    if secret_key == DEMO_SECRET_KEY and not demo_mode:
        raise SettingsError("VIGIE_SECRET_KEY", "the demo key may only be used with VIGIE_DEMO_MODE=1")
    return secret_key


def _parse_language(env: Mapping[str, str]) -> str:
    language = env.get("VIGIE_DEFAULT_LANGUAGE", "fr").strip().lower()
    if language not in SUPPORTED_LANGUAGES:
        raise SettingsError("VIGIE_DEFAULT_LANGUAGE", f"must be one of {', '.join(SUPPORTED_LANGUAGES)}")
    return language


def _parse_basemap_url(env: Mapping[str, str]) -> str | None:
    raw = env.get("VIGIE_BASEMAP_URL", "").strip()
    if not raw:
        return None
    if not re.match(r"^https?://", raw) or not all(p in raw for p in ("{z}", "{x}", "{y}")):
        raise SettingsError(
            "VIGIE_BASEMAP_URL", "must be an http(s) XYZ tile URL containing {z}, {x} and {y}"
        )
    return raw


def _parse_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SettingsError(name, f"expected 1/0, true/false, yes/no or on/off, got {raw!r}")


def _parse_positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SettingsError(name, f"expected a positive whole number, got {raw!r}")
    return int(raw)


def _parse_count(env: Mapping[str, str], name: str) -> int:
    raw = env.get(name, "0").strip() or "0"
    if not raw.isdigit() or int(raw) > 5:
        raise SettingsError(name, f"expected a number of proxies from 0 to 5, got {raw!r}")
    return int(raw)


def _parse_public_url(env: Mapping[str, str]) -> str | None:
    raw = env.get("VIGIE_PUBLIC_URL", "").strip()
    if not raw:
        return None
    if not re.fullmatch(r"https?://[^/?#\s]+(/[^?#\s]*)?", raw):
        raise SettingsError("VIGIE_PUBLIC_URL", f"expected the base URL users reach Vigie at, e.g. "
                                                f"https://vigie.example.fr, got {raw!r}")
    return raw.rstrip("/")


def _parse_print_config(env: Mapping[str, str]) -> Branding:
    try:
        return load_branding(env.get("VIGIE_PRINT_CONFIG", "").strip() or None)
    except BrandingError as error:
        raise SettingsError("VIGIE_PRINT_CONFIG", str(error)) from None
