"""The inventory list: search and filter assets, sorted and paginated, linked to the map."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timezone

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from app.auth.access import require_permission
from app.auth.roles import Permission
from app.inventory import queries
from app.inventory.models import ASSET_STATUSES
from app.map.routes import status_labels
from app.territory.queries import commune_choices
from app.web import current_language, db_session

blueprint = Blueprint("inventory", __name__, template_folder="templates")

PAGE_SIZE = 50


@blueprint.get("/inventory")
@require_permission(Permission.VIEW_MAP)
def list_assets():
    """The asset list with its filters; every row opens the asset on the map."""
    db = db_session()
    args = request.args
    errors: dict[str, str] = {}
    flt = list_filter(args, errors)
    page = max(1, args.get("page", 1, type=int) or 1)
    features, total = queries.list_asset_features(db, current_user, flt, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    types = {t["code"]: t for t in queries.asset_types(db)}
    return render_template(
        "inventory/list.html", features=features, total=total, page=page, page_size=PAGE_SIZE,
        filters=args, errors=errors, sort=flt.sort, types=types, language=current_language(),
        statuses=status_labels(), communes=commune_choices(db), page_url=_page_url,
    )


def list_filter(args: Mapping[str, str], errors: dict[str, str]) -> queries.AssetFilter:
    """The list's filter from a query string (also the export's); wrong values go to ``errors``."""
    return queries.AssetFilter(
        reference=args.get("q", "").strip() or None,
        type_codes=[args["type"]] if args.get("type") else [],
        statuses=[args["status"]] if args.get("status") in ASSET_STATUSES else [],
        communes=[args["commune"]] if args.get("commune") else [],
        attribute=_attribute_filter(args, errors),
        as_of=_as_of(args.get("as_of"), errors),
        sort=args.get("sort") if (args.get("sort") or "").lstrip("-") in queries.SORT_KEYS else "reference",
    )


def _page_url(**changes: object) -> str:
    """This page's URL with some query parameters changed."""
    args = {**request.args.to_dict(), **changes}
    return url_for("inventory.list_assets", **{k: v for k, v in args.items() if v not in (None, "")})


def _attribute_filter(args, errors: dict[str, str]) -> tuple[str, str] | None:
    name, value = args.get("attr_name", "").strip(), args.get("attr_value", "").strip()
    if not name and not value:
        return None
    if not name or not value:
        errors["attr"] = gettext("Give both the attribute and its value.")
        return None
    return name, value


def _as_of(raw: str | None, errors: dict[str, str]) -> datetime | None:
    if not raw:
        return None
    try:
        day = datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError:
        errors["as_of"] = gettext("Expected a date (YYYY-MM-DD).")
        return None
    return datetime.combine(day, time.max, tzinfo=timezone.utc)
