"""Read queries on the registry: current or as-of inventory, one asset, its history.

Features are GeoJSON texts (EPSG:4326) made by PostGIS: the current registry's are stored
in ``asset_features`` by triggers; the inventory as of ``t`` reads, for each asset, its
latest history row recorded at or before ``t`` and builds them with the same function.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session, object_session

from app.auth.models import User
from app.auth.roles import Permission
from app.db import STORAGE_SRID
from app.errors import NotFound
from app.i18n import msg
from app.inventory.models import ASSET_STATE_COLUMNS, ASSET_STATUSES, Asset

# The current state's feature is stored (asset_features, kept by triggers); a past state's
# is built by the same SQL function from the history row ``s``, its type ``t`` and commune ``c``.
_FEATURE_AS_OF = ("asset_feature_text(s.id, s.geom, s.attributes, t.code, s.reference, s.status, c.insee, c.name, "
                  "s.version, s.installed_on, s.manufacturer, s.model, s.condition, s.parent_id, s.external_ref)")
_JOINS = "JOIN asset_types t ON t.id = s.type_id LEFT JOIN communes c ON c.id = s.commune_id"


@dataclass(frozen=True)
class AssetFilter:
    """What a list of assets is restricted to. ``bbox`` is in EPSG:4326."""

    bbox: tuple[float, float, float, float] | None = None
    type_codes: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    communes: list[str] = field(default_factory=list)  # INSEE codes
    as_of: datetime | None = None
    asset_ids: list[int] = field(default_factory=list)
    reference: str | None = None  # a part of the reference, case-insensitive
    attribute: tuple[str, str] | None = None  # (name, value as text)
    parent_id: int | None = None
    sort: str = "id"
    attributes_equal: dict = field(default_factory=dict)  # {name: typed value}, exact (JSON) equality


# Sort keys a list may ask for ("-" in front: descending), mapped to SQL.
SORT_KEYS = {
    "id": "s.id", "reference": "s.reference", "type": "t.code", "commune": "c.name",
    "status": "s.status", "installed_on": "s.installed_on", "condition": "s.condition",
}


def _states(as_of: datetime | None) -> str:
    """The assets' states now (with the stored geom_box) or as of ``:as_of`` (from history)."""
    if as_of is None:
        return f"SELECT id, {', '.join(ASSET_STATE_COLUMNS)}, geom_box FROM assets"
    return (
        f"SELECT h.asset_id AS id, {', '.join('h.' + c for c in ASSET_STATE_COLUMNS)} "
        "FROM asset_history h WHERE h.recorded_at <= :as_of AND NOT EXISTS ("
        " SELECT 1 FROM asset_history h2 WHERE h2.asset_id = h.asset_id AND h2.recorded_at <= :as_of"
        " AND (h2.recorded_at, h2.id) > (h.recorded_at, h.id))"
    )


# The clause that leaves out the assets of sensitive types (for users who may not see their
# positions): every read of the registry (features, API, OGC, exports, tiles) applies it.
SENSITIVE_TYPES_HIDDEN = "{alias}.type_id NOT IN (SELECT id FROM asset_types WHERE is_sensitive)"


def asset_states_sql(as_of: datetime | None) -> str:
    """SELECT of every asset's state (id and the state columns): now, or as of ``:as_of``
    (bind it) — for readers that aggregate the whole registry (reports)."""
    return _states(as_of)


def _where(actor: User, flt: AssetFilter, params: dict) -> str:
    clauses = []
    if flt.bbox:
        # Now: the stored box, which ix_assets_type_id_geom_box answers without the table
        # (with one type and no other filter on the row); as of a date: the history's geometry.
        envelope = f"ST_Transform(ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326), {STORAGE_SRID})"
        clauses.append(f"s.geom && {envelope}" if flt.as_of else f"s.geom_box && box({envelope})")
        params.update(zip(("minx", "miny", "maxx", "maxy"), flt.bbox))
    if len(flt.type_codes) == 1:  # "=" (not "= ANY"), which a GiST index can take as its condition
        clauses.append("s.type_id = (SELECT id FROM asset_types WHERE code = :type_code)")
        params["type_code"] = flt.type_codes[0]
    elif flt.type_codes:
        clauses.append("s.type_id = ANY(ARRAY(SELECT id FROM asset_types WHERE code = ANY(:type_codes)))")
        params["type_codes"] = flt.type_codes
    if flt.statuses:
        clauses.append("s.status = ANY(:statuses)")
        params["statuses"] = flt.statuses
    else:
        clauses.append("s.status <> 'decommissioned'")
    if flt.communes:
        clauses.append("s.commune_id = ANY(ARRAY(SELECT id FROM communes WHERE insee = ANY(:communes)))")
        params["communes"] = flt.communes
    if flt.asset_ids:
        clauses.append("s.id = ANY(:asset_ids)")
        params["asset_ids"] = flt.asset_ids
    if flt.reference:
        clauses.append("s.reference ILIKE :reference")
        params["reference"] = "%" + flt.reference.replace("%", "").replace("_", "\\_") + "%"
    if flt.attribute:
        clauses.append("s.attributes ->> :attribute_name ILIKE :attribute_value")
        params["attribute_name"], params["attribute_value"] = flt.attribute[0], flt.attribute[1].replace("%", "")
    if flt.attributes_equal:
        clauses.append("s.attributes @> CAST(:attributes_equal AS jsonb)")
        params["attributes_equal"] = json.dumps(flt.attributes_equal)
    if flt.parent_id is not None:
        clauses.append("s.parent_id = :parent_id")
        params["parent_id"] = flt.parent_id
    if actor.commune_ids is not None:
        clauses.append("s.commune_id = ANY(:scope)")
        params["scope"] = sorted(actor.commune_ids)
    if not actor.can(Permission.VIEW_SENSITIVE_POSITIONS):
        clauses.append(SENSITIVE_TYPES_HIDDEN.format(alias="s"))
    if flt.as_of is not None:
        params["as_of"] = flt.as_of
    return " AND ".join(clauses) or "true"


@dataclass(frozen=True)
class FeaturePage:
    """One page of assets as GeoJSON Feature texts, ready to send."""

    features: list[str]
    more: bool  # whether a next page exists
    matched: int | None  # how many assets match in all; None when more than the count cap


def list_asset_features(session: Session, actor: User, flt: AssetFilter, limit: int, offset: int) -> tuple[list[dict], int]:
    """One page of assets as GeoJSON features (dicts), and how many match in all."""
    page = feature_page(session, actor, flt, limit, offset)
    return [json.loads(feature) for feature in page.features], page.matched


def feature_page(session: Session, actor: User, flt: AssetFilter, limit: int, offset: int,
                 *, count_cap: int | None = None) -> FeaturePage:
    """One page of assets as GeoJSON texts, and how many match: exact up to ``count_cap``.

    One row more than ``limit`` is read to know whether a next page exists. The count is
    free on the last page and comes with the page under a bbox; otherwise a second query
    counts, up to ``count_cap``.
    """
    rows, counted = _feature_rows(session, actor, flt, limit + 1, offset)
    features, more = rows[:limit], len(rows) > limit
    if not more and (features or offset == 0):
        matched: int | None = offset + len(features)
    elif counted is not None:
        matched = counted if count_cap is None or counted <= count_cap else None
    else:
        matched = count_asset_features(session, actor, flt, cap=count_cap)
    return FeaturePage(features, more, matched)


def _feature_rows(session: Session, actor: User, flt: AssetFilter, limit: int,
                  offset: int) -> tuple[list[str], int | None]:
    """A page of GeoJSON Feature texts, and how many assets match when the page counted them.

    The page's ids are chosen first, then given their features: the stored ones now (a
    primary-key read each), or built from the history as of a date. PostgreSQL would
    otherwise build the feature of every row skipped by OFFSET too (measured 4x slower at
    offset 5,000).
    """
    params: dict = {"limit": limit, "offset": offset}
    column, direction = _sort(flt.sort)
    ctes, matched, order = _page_ctes(_source(actor, flt, params), column, direction, bbox=bool(flt.bbox))
    if flt.as_of is None:
        features = "asset_features f ON f.asset_id = page.id"
        select = "f.feature"
    else:
        features = f"({_states(flt.as_of)}) AS s ON s.id = page.id {_JOINS}"
        select = _FEATURE_AS_OF
    rows = session.execute(text(
        f"WITH {ctes} SELECT {matched} AS matched, {select} AS feature FROM page JOIN {features} ORDER BY {order}"),
        params).all()
    return [row.feature for row in rows], (rows[0].matched if rows else None)


def _page_ctes(source: str, column: str, direction: str, *, bbox: bool) -> tuple[str, str, str]:
    """The CTEs ending with ``page`` (the page's ids, with their sort key unless it is the
    id), the SQL of the count they give, and the ORDER BY of page's rows.

    Under a bbox, every match is read from the spatial index and sorted (walking the primary
    key in id order and discarding the rows outside the box took 135 ms at 1 M assets): the
    matches are kept so that the same scan counts them (a second scan took 15-20 ms for
    48,000 matches). Without one, the page walks the index of its order and counts nothing.
    """
    if column == "s.id":
        key, carried, order, page_order = "", "id", f"id {direction}", f"page.id {direction}"
    else:
        key, carried = f", {column} AS sort_key", "id, sort_key"
        order, page_order = _order_by("sort_key", direction, "id"), _order_by("page.sort_key", direction, "page.id")
    if not bbox:
        page = f"SELECT s.id{key} {source} ORDER BY {_order_by(column, direction, 's.id')} LIMIT :limit OFFSET :offset"
        return f"page AS MATERIALIZED ({page})", "NULL::bigint", page_order
    return (f"matches AS MATERIALIZED (SELECT s.id{key} {source}), "
            f"page AS MATERIALIZED (SELECT {carried} FROM matches ORDER BY {order} LIMIT :limit OFFSET :offset)",
            "(SELECT count(*) FROM matches)", page_order)


def count_asset_features(session: Session, actor: User, flt: AssetFilter, cap: int | None = None) -> int | None:
    """How many assets match; with ``cap``, None when more than ``cap`` do (counting stops there)."""
    params: dict = {"cap": cap}
    source = _source(actor, flt, params)
    if cap is None:
        return session.execute(text(f"SELECT count(*) {source}"), params).scalar_one()
    capped = f"SELECT count(*) FROM (SELECT 1 {source} LIMIT :cap + 1) AS capped"
    total = session.execute(text(capped), params).scalar_one()
    return total if total <= cap else None


def selection_sql(actor: User, flt: AssetFilter, params: dict) -> str:
    """FROM and WHERE of the assets ``flt`` selects in ``actor``'s scope (state ``s``, its type
    ``t``, commune ``c``), filling ``params``: for readers of whole selections (exports)."""
    return _source(actor, flt, params, join_types=True)


def _source(actor: User, flt: AssetFilter, params: dict, *, join_types: bool = False) -> str:
    """FROM and WHERE of the matching assets.

    Types and communes are filtered by their ids, so that asset_types is joined only to sort
    by type (always joined, it cost 3 ms on 48,000 matches) and PostgreSQL drops the left
    join to communes unless the sort reads it.
    """
    column, _ = _sort(flt.sort)
    types = "JOIN asset_types t ON t.id = s.type_id " if join_types or column.startswith("t.") else ""
    return (f"FROM ({_states(flt.as_of)}) AS s {types}LEFT JOIN communes c ON c.id = s.commune_id "
            f"WHERE {_where(actor, flt, params)}")


def _sort(sort: str) -> tuple[str, str]:
    """The SQL column and direction of a sort key ("-" in front: descending)."""
    return SORT_KEYS.get(sort.lstrip("-"), "s.id"), "DESC" if sort.startswith("-") else "ASC"


def _order_by(column: str, direction: str, id_column: str) -> str:
    """A stable order: the sort column, then the id."""
    return f"{column} {direction} NULLS LAST, {id_column}"


_ASSET_TYPE_COLUMNS = ("SELECT id, code, label_fr, label_en, geometry_kind, attribute_schema, symbol, colour, "
                       "parent_type_codes FROM asset_types")


def asset_types(session: Session) -> list[dict]:
    """Every asset type with its schema, for the map's forms and legend."""
    return [dict(row) for row in session.execute(text(f"{_ASSET_TYPE_COLUMNS} ORDER BY code")).mappings()]


def asset_type(session: Session, code: str) -> dict | None:
    """One asset type with its schema (as in ``asset_types``), or None."""
    row = session.execute(text(f"{_ASSET_TYPE_COLUMNS} WHERE code = :code"), {"code": code}).mappings().first()
    return dict(row) if row else None


def asset_feature(session: Session, actor: User, asset_id: int, as_of: datetime | None = None) -> dict:
    """One asset as a GeoJSON feature (current, or as of a date); NotFound outside scope."""
    features, _ = _feature_rows(
        session, actor, AssetFilter(asset_ids=[asset_id], as_of=as_of, statuses=list(ASSET_STATUSES)), 1, 0
    )
    if not features:
        raise NotFound(msg("No asset %(id)s.", id=asset_id))
    return json.loads(features[0])


def feature_of(asset: Asset) -> dict:
    """The stored state of an ORM asset as a feature (e.g. the 'current' side of a conflict)."""
    session = object_session(asset)
    feature = session.execute(text("SELECT feature FROM asset_features WHERE asset_id = :id"), {"id": asset.id}).scalar_one()
    return json.loads(feature)


def asset_history(session: Session, actor: User, asset_id: int) -> list[dict]:
    """Every change of an asset, oldest first: when, who, what (before → after), why."""
    asset_feature(session, actor, asset_id)  # scope check
    rows = session.execute(
        text(
            "SELECT h.id, h.recorded_at, h.change, h.reason, h.changes, h.version, h.status, "
            "u.login AS actor_login, u.display_name AS actor_name "
            "FROM asset_history h LEFT JOIN users u ON u.id = h.actor_id "
            "WHERE h.asset_id = :id ORDER BY h.recorded_at, h.id"
        ),
        {"id": asset_id},
    ).mappings()
    return [
        {**row, "recorded_at": row["recorded_at"].isoformat(),
         "changes": row["changes"] if isinstance(row["changes"], dict) else json.loads(row["changes"])}
        for row in rows
    ]
