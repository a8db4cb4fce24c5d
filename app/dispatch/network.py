"""The routable street network, built from the road segments of the registry.

A road segment (asset type ``road_segment``, in or near service) becomes one edge per
line part. Vertices are made ONLY from the segments' end points, those closer than
``SNAP_TOLERANCE_M`` being one vertex: two segments that merely cross (a bridge over a
street, an underpass) share no vertex, so no route turns there. ``one_way`` (one way in
the digitised direction) gives ``reverse_cost = -1``. Costs are seconds at
``DEFAULT_SPEED_KMH``, or at the segment's ``speed_kmh`` attribute when it has one.

The build is one SQL statement (clustering of the end points, then both tables written
by data-modifying CTEs) under an advisory lock, so it is idempotent and cheap to re-run;
``road_network_builds`` records when, from how many segments and up to which history
row of the road segments: a later history row means the network is stale.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

ROAD_SEGMENT_TYPE = "road_segment"
# Statuses of a segment that a van may drive on (out of service = closed to traffic).
ROUTABLE_STATUSES = ("in_service", "faulty")
# End points closer than this are one junction (digitising noise), in metres.
SNAP_TOLERANCE_M = 0.5
# A crew van in town, door to door, when the segment says nothing of its speed.
DEFAULT_SPEED_KMH = 25.0
_LOCK = "hashtext('vigie:road-network')"

_ROAD_HISTORY = """
SELECT max(h.id) FROM asset_history h JOIN assets a ON a.id = h.asset_id
JOIN asset_types t ON t.id = a.type_id WHERE t.code = :type"""

_BUILD = f"""
WITH parts AS (
    SELECT row_number() OVER (ORDER BY a.id, d.path) AS id, a.id AS asset_id, d.geom,
           coalesce(a.attributes->>'one_way' = 'true', false) AS one_way,
           CASE WHEN a.attributes->>'speed_kmh' ~ '^[0-9]+(\\.[0-9]+)?$'
                 AND (a.attributes->>'speed_kmh')::float8 > 0
                THEN (a.attributes->>'speed_kmh')::float8 ELSE :speed END / 3.6 AS speed_m_per_s
    FROM assets a JOIN asset_types t ON t.id = a.type_id
    CROSS JOIN LATERAL ST_Dump(ST_Force2D(a.geom)) d
    WHERE t.code = :type AND a.status IN ({", ".join(f"'{s}'" for s in ROUTABLE_STATUSES)})
      AND ST_GeometryType(d.geom) = 'ST_LineString' AND ST_Length(d.geom) > 0
), ends AS (
    SELECT id, 0 AS which, ST_StartPoint(geom) AS pt FROM parts
    UNION ALL SELECT id, 1, ST_EndPoint(geom) FROM parts
), clustered AS (
    SELECT id, which, pt, ST_ClusterDBSCAN(pt, eps := :tolerance, minpoints := 1) OVER () + 1 AS vertex FROM ends
), ends_of_part AS (
    SELECT id, min(vertex) FILTER (WHERE which = 0) AS source, min(vertex) FILTER (WHERE which = 1) AS target
    FROM clustered GROUP BY id
), vertices AS (
    INSERT INTO road_network_vertices (id, geom)
    SELECT vertex, ST_Centroid(ST_Collect(pt)) FROM clustered GROUP BY vertex
    RETURNING id
), edges AS (
    INSERT INTO road_network_edges (id, asset_id, source, target, cost, reverse_cost, length_m, geom)
    SELECT p.id, p.asset_id, v.source, v.target, ST_Length(p.geom) / p.speed_m_per_s,
           CASE WHEN p.one_way THEN -1 ELSE ST_Length(p.geom) / p.speed_m_per_s END, ST_Length(p.geom), p.geom
    FROM parts p JOIN ends_of_part v ON v.id = p.id
    RETURNING asset_id
)
SELECT (SELECT count(DISTINCT asset_id) FROM edges) AS segments, (SELECT count(*) FROM edges) AS edges,
       (SELECT count(*) FROM vertices) AS vertices"""


@dataclass(frozen=True)
class NetworkState:
    """The last build of the network, and whether road segments changed since."""

    built_at: datetime | None
    segment_count: int
    edge_count: int
    vertex_count: int
    build_ms: int
    stale: bool

    @property
    def loaded(self) -> bool:
        return self.edge_count > 0


def build_road_network(session: Session) -> NetworkState:
    """Rebuild the edges and vertices from the road segments now in the registry (flushes;
    the caller commits). Readers keep the previous network until the commit."""
    session.execute(text(f"SELECT pg_advisory_xact_lock({_LOCK})"))
    started = time.perf_counter()
    source_history_id = session.execute(text(_ROAD_HISTORY), {"type": ROAD_SEGMENT_TYPE}).scalar()
    session.execute(text("DELETE FROM road_network_edges"))
    session.execute(text("DELETE FROM road_network_vertices"))
    counts = session.execute(text(_BUILD), {"type": ROAD_SEGMENT_TYPE, "speed": DEFAULT_SPEED_KMH,
                                            "tolerance": SNAP_TOLERANCE_M}).one()
    build_ms = round((time.perf_counter() - started) * 1000)
    session.execute(text("""
        INSERT INTO road_network_builds (id, built_at, segment_count, edge_count, vertex_count, source_history_id,
                                         build_ms)
        VALUES (1, now(), :segments, :edges, :vertices, :history, :ms)
        ON CONFLICT (id) DO UPDATE SET built_at = excluded.built_at, segment_count = excluded.segment_count,
            edge_count = excluded.edge_count, vertex_count = excluded.vertex_count,
            source_history_id = excluded.source_history_id, build_ms = excluded.build_ms"""),
                    {"segments": counts.segments, "edges": counts.edges, "vertices": counts.vertices,
                     "history": source_history_id, "ms": build_ms})
    return network_state(session)


def network_state(session: Session) -> NetworkState:
    """The record of the last build (nothing built: empty and not stale unless segments exist)."""
    row = session.execute(text(
        f"SELECT b.*, ({_ROAD_HISTORY}) IS DISTINCT FROM b.source_history_id AS stale "
        "FROM (SELECT 1) one LEFT JOIN road_network_builds b ON b.id = 1"), {"type": ROAD_SEGMENT_TYPE}).mappings().one()
    if row["built_at"] is None:
        stale = session.execute(text(_ROAD_HISTORY), {"type": ROAD_SEGMENT_TYPE}).scalar() is not None
        return NetworkState(None, 0, 0, 0, 0, stale)
    return NetworkState(row["built_at"], row["segment_count"], row["edge_count"], row["vertex_count"],
                        row["build_ms"], row["stale"])


def refresh_road_network(session: Session) -> NetworkState:
    """Rebuild only if road segments changed since the last build (the cheap check first)."""
    state = network_state(session)
    return build_road_network(session) if state.stale else state


def import_touched_road_segments(session: Session, import_id: int) -> bool:
    """Whether import ``import_id`` wrote (or undid) road segments."""
    return session.execute(text(
        "SELECT EXISTS (SELECT 1 FROM asset_history h JOIN assets a ON a.id = h.asset_id "
        "JOIN asset_types t ON t.id = a.type_id WHERE h.import_id = :id AND t.code = :type)"),
        {"id": import_id, "type": ROAD_SEGMENT_TYPE}).scalar()


def are_road_segments(session: Session, asset_ids: list[int]) -> bool:
    """Whether any of ``asset_ids`` is a road segment (an edit that changes the network)."""
    if not asset_ids:
        return False
    return session.execute(text(
        "SELECT EXISTS (SELECT 1 FROM assets a JOIN asset_types t ON t.id = a.type_id "
        "WHERE a.id = ANY(:ids) AND t.code = :type)"), {"ids": list(asset_ids), "type": ROAD_SEGMENT_TYPE}).scalar()
