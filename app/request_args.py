"""Query-string parsing shared by the API, tile and page routes (bad values → field errors)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import request

from app.errors import ValidationFailed
from app.i18n import msg


def list_arg(name: str) -> list[str]:
    """A repeatable, comma-separated query parameter as a list (empty values dropped)."""
    return [v for raw in request.args.getlist(name) for v in raw.split(",") if v]


def datetime_arg(name: str) -> datetime | None:
    """An ISO 8601 date or date-time; a plain date means the end of that day (UTC)."""
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationFailed(msg("Invalid parameter."), {name: msg("Expected a date or date-time (ISO 8601).")}) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    if len(raw) == 10:
        value += timedelta(days=1, microseconds=-1)
    return value


def int_arg(name: str, default: int | None, low: int, high: int | None) -> int | None:
    """A whole-number query parameter within [low, high] (no upper bound when ``high`` is None)."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < low or (high is not None and int(raw) > high):
        bound = f"{low}-{high}" if high is not None else f">= {low}"
        raise ValidationFailed(msg("Invalid parameter."), {name: msg("Expected a whole number %(bound)s.", bound=bound)})
    return int(raw)


def bbox_arg(name: str = "bbox") -> tuple[float, float, float, float] | None:
    """``minx,miny,maxx,maxy`` in longitude/latitude."""
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        minx, miny, maxx, maxy = (float(v) for v in raw.split(","))
    except ValueError:
        raise ValidationFailed(msg("Invalid parameter."), {name: msg("Expected minx,miny,maxx,maxy in longitude/latitude.")}) from None
    if minx > maxx or miny > maxy:
        raise ValidationFailed(msg("Invalid parameter."), {name: msg("Expected minx,miny,maxx,maxy in longitude/latitude.")})
    return minx, miny, maxx, maxy


def bool_arg(name: str) -> bool | None:
    """``true``/``false`` (also 1/0, yes/no); None when absent."""
    raw = (request.args.get(name) or "").strip().lower()
    if not raw:
        return None
    if raw in ("true", "1", "yes"):
        return True
    if raw in ("false", "0", "no"):
        return False
    raise ValidationFailed(msg("Invalid parameter."), {name: msg("Expected true or false.")})
