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
