"""What a printed map shows, read from PostGIS in the box of its frame: the assets around
(road segments apart: they are drawn as roads), the commune boundaries crossing it.

Geometries travel as WKB and become shapely objects in one vectorised call; lines and
areas are clipped to the box in SQL, so a long cable does not bring all its vertices.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import shapely
from sqlalchemy import text
from sqlalchemy.orm import Session

from print_templates.document import CONTENT_WIDTH
from print_templates.map_data import AssetStyle, CommuneOutline, MapAsset, MapExtract, Road, RouteMap
from print_templates.map_view import MapView
from print_templates.work_order import MAP_HEIGHT

if TYPE_CHECKING:  # queries imports this module
    from app.printing.queries import PrintOptions

MAX_MAP_ASSETS = 2500  # the nearest ones; a 1:2,000 extract of the densest street holds far fewer
MAX_ROUTE_ROADS = 4000
FRAME_MARGIN_PT = 20.0  # read a little beyond the frame, so symbols cut by its edge still show
ROAD_TYPE = "road_segment"
_BOX = "ST_MakeEnvelope(:x0, :y0, :x1, :y1, :srid)"


def asset_types(session: Session, language: str) -> dict[int, dict]:
    """Every asset type by id: code, label in ``language``, attribute schema and map style."""
    rows = session.execute(text(
        "SELECT id, code, label_fr, label_en, attribute_schema, symbol, colour, geometry_kind FROM asset_types"))
    return {row.id: {"code": row.code, "label": row.label_fr if language == "fr" else row.label_en,
                     "schema": row.attribute_schema or [], "symbol": row.symbol, "colour": row.colour,
                     "geometry_kind": row.geometry_kind} for row in rows}


def map_extract(session: Session, row: dict, concerned: set[int], types: dict,
                options: PrintOptions) -> MapExtract:
    """The work order's map: its place centred at ``options.scale``."""
    view = MapView(options.srid, (row["x"], row["y"]), options.scale, CONTENT_WIDTH, MAP_HEIGHT)
    box = _box_params(view.ground_box(FRAME_MARGIN_PT), options.srid)
    assets, roads = _assets_and_roads(session, box, (row["x"], row["y"]), concerned, types)
    styles = {kind["code"]: AssetStyle(kind["symbol"], kind["colour"], kind["label"], kind["geometry_kind"])
              for kind in types.values()}
    return MapExtract(srid=options.srid, centre=(row["x"], row["y"]), scale=options.scale,
                      target=shapely.from_wkb(bytes(row["geom"])), assets=assets, styles=styles, roads=roads,
                      communes=communes_in(session, box))


def route_map(session: Session, view: MapView, stops: tuple[tuple[float, float], ...]) -> RouteMap:
    """The day's route map: its stops, the commune boundaries and (at street scales) roads."""
    box = _box_params(view.ground_box(), view.srid)
    tolerance = 0.3 / view.pt_per_metre  # a third of a point on paper
    roads: tuple[Road, ...] = ()
    if view.scale <= 10_000:
        roads = tuple(_roads(session, box))
    return RouteMap(srid=view.srid, stops=stops, communes=communes_in(session, box, tolerance), roads=roads)


def _box_params(box: tuple[float, float, float, float], srid: int) -> dict:
    return {"x0": box[0], "y0": box[1], "x1": box[2], "y1": box[3], "srid": srid}


def _assets_and_roads(session: Session, box: dict, centre: tuple[float, float], concerned: set[int],
                      types: dict) -> tuple[tuple[MapAsset, ...], tuple[Road, ...]]:
    rows = session.execute(text(f"""
        SELECT a.id, a.reference, a.type_id, a.status, a.attributes->>'name' AS name,
               ST_AsBinary(CASE WHEN GeometryType(a.geom) = 'POINT' THEN a.geom
                                ELSE ST_ClipByBox2D(a.geom, {_BOX}) END) AS geom
        FROM assets a WHERE a.geom && {_BOX} AND a.status <> 'decommissioned'
        ORDER BY a.geom <-> ST_SetSRID(ST_MakePoint(:cx, :cy), :srid) LIMIT :limit"""),
        {**box, "cx": centre[0], "cy": centre[1], "limit": MAX_MAP_ASSETS}).all()
    geoms = shapely.from_wkb([bytes(r.geom) for r in rows])
    assets, roads = [], []
    for r, geom in zip(rows, geoms):
        if geom is None or geom.is_empty:
            continue
        code = types[r.type_id]["code"]
        if code == ROAD_TYPE:
            roads.append(Road(geom, r.name))
        else:
            assets.append(MapAsset(geom, code, r.reference, r.status, r.id in concerned))
    return tuple(assets), tuple(roads)


def _roads(session: Session, box: dict) -> list[Road]:
    rows = session.execute(text(f"""
        SELECT a.attributes->>'name' AS name, ST_AsBinary(ST_ClipByBox2D(a.geom, {_BOX})) AS geom
        FROM assets a JOIN asset_types t ON t.id = a.type_id
        WHERE t.code = :road AND a.geom && {_BOX} AND a.status <> 'decommissioned' LIMIT :limit"""),
        {**box, "road": ROAD_TYPE, "limit": MAX_ROUTE_ROADS}).all()
    geoms = shapely.from_wkb([bytes(r.geom) for r in rows])
    return [Road(geom, r.name) for r, geom in zip(rows, geoms) if geom is not None and not geom.is_empty]


def communes_in(session: Session, box: dict, tolerance: float = 0.0) -> tuple[CommuneOutline, ...]:
    """The communes whose boundary crosses the box: that part of the boundary, and a point
    inside the box to write the name at."""
    rows = session.execute(text(f"""
        SELECT c.name, ST_AsBinary(ST_SimplifyPreserveTopology(ST_Intersection(ST_Boundary(c.geom), {_BOX}),
                                                                :tolerance)) AS boundary,
               ST_X(ST_PointOnSurface(ST_Intersection(c.geom, {_BOX}))) AS lx,
               ST_Y(ST_PointOnSurface(ST_Intersection(c.geom, {_BOX}))) AS ly
        FROM communes c WHERE c.geom && {_BOX} AND ST_Intersects(ST_Boundary(c.geom), {_BOX})
        ORDER BY c.name"""), {**box, "tolerance": tolerance}).all()
    outlines = []
    for row in rows:
        boundary = shapely.from_wkb(bytes(row.boundary))
        if boundary is not None and not boundary.is_empty:
            label = (row.lx, row.ly) if row.lx is not None else None
            outlines.append(CommuneOutline(boundary, row.name, label))
    return tuple(outlines)
