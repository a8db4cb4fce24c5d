"""Query parameters of the items endpoints, checked strictly: anything wrong or unknown is a 400."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from flask import request

from app.errors import ValidationFailed
from app.i18n import Msg, msg
from app.inventory.attributes import validate_attributes
from app.inventory.models import ASSET_STATUSES
from app.inventory.queries import AssetFilter
from app.request_args import datetime_arg, list_arg

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
FORMATS = ("json", "geojson")
ITEMS_PARAMETERS = ("f", "limit", "offset", "bbox", "datetime", "status", "commune")


@dataclass(frozen=True)
class ItemsQuery:
    """What one items request asks for."""

    flt: AssetFilter
    limit: int
    offset: int


def items_query(asset_type: dict) -> ItemsQuery:
    """Parse the items request of ``asset_type`` (a row of queries.asset_types)."""
    schema = asset_type["attribute_schema"]
    reject_unknown_parameters(ITEMS_PARAMETERS + tuple(spec["name"] for spec in schema))
    check_format()
    flt = AssetFilter(
        bbox=parse_bbox(request.args.get("bbox")),
        type_codes=[asset_type["code"]],
        statuses=_statuses(),
        communes=list_arg("commune"),
        as_of=_instant(),
        attributes_equal=_attribute_filters(schema),
    )
    return ItemsQuery(flt, *paging())


def paging() -> tuple[int, int]:
    """``limit`` and ``offset`` of an items request."""
    return _whole("limit", DEFAULT_LIMIT, 1, MAX_LIMIT), _whole("offset", 0, 0, None)


def reject_unknown_parameters(allowed: tuple[str, ...]) -> None:
    """400 naming every query parameter the endpoint does not know."""
    unknown = sorted(set(request.args) - set(allowed))
    if unknown:
        raise _invalid({name: msg("Unknown parameter.") for name in unknown})


def check_format() -> None:
    """Only JSON is served: ``f`` may be absent, json or geojson."""
    if request.args.get("f", "json") not in FORMATS:
        raise _invalid({"f": msg("Only JSON is available (f=json).")})


def _invalid(fields: dict[str, Msg]) -> ValidationFailed:
    return ValidationFailed(msg("Invalid parameter."), fields)


def _whole(name: str, default: int, low: int, high: int | None) -> int:
    raw = request.args.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or int(raw) < low or (high is not None and int(raw) > high):
        bound = f"{low}-{high}" if high is not None else f">= {low}"
        raise _invalid({name: msg("Expected a whole number %(bound)s.", bound=bound)})
    return int(raw)


def parse_bbox(raw: str | None) -> tuple[float, float, float, float] | None:
    """minx,miny,maxx,maxy in CRS84 (a 3D bbox has its heights dropped)."""
    if raw is None:
        return None
    try:
        numbers = [float(v) for v in raw.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) == 6:
        numbers = numbers[0:2] + numbers[3:5]
    if (len(numbers) != 4 or not all(math.isfinite(n) for n in numbers)
            or not -180 <= numbers[0] <= numbers[2] <= 180 or not -90 <= numbers[1] <= numbers[3] <= 90):
        raise _invalid({"bbox": msg("Expected minx,miny,maxx,maxy in longitude/latitude.")})
    return numbers[0], numbers[1], numbers[2], numbers[3]


def _statuses() -> list[str]:
    statuses = list_arg("status")
    for status in statuses:
        if status not in ASSET_STATUSES:
            raise _invalid({"status": msg("Unknown status %(value)s.", value=status)})
    return statuses


def _instant() -> datetime | None:
    """An instant: the inventory as it was then. Intervals have no meaning for a registry state."""
    if "/" in request.args.get("datetime", ""):
        raise _invalid({"datetime": msg("Give one instant, not an interval: the inventory as it was then.")})
    return datetime_arg("datetime")


def _attribute_filters(schema: list[dict]) -> dict:
    """Equality filters on the type's attributes, typed by its schema."""
    given = {spec["name"]: request.args[spec["name"]] for spec in schema
             if spec["name"] in request.args and spec["name"] not in ITEMS_PARAMETERS}
    clean, errors = validate_attributes(schema, given, partial=True)
    if errors:
        raise _invalid(errors)
    return clean
