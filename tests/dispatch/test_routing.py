"""Travel on the real Montpellier street network (8,011 segments, imported through the
importer once for the module, in a transaction rolled back at the end)."""
from __future__ import annotations

import math

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.dispatch.network import build_road_network, network_state, refresh_road_network
from app.dispatch.travel import Place, legs_to, travel_matrix
from tests.dispatch.street_network import load_montpellier_streets


@pytest.fixture(scope="module")
def network_connection(engine, settings, tmp_path_factory):
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    load_montpellier_streets(session, settings.storage_srid, tmp_path_factory.mktemp("imports"))
    session.commit()  # releases the session's savepoint; the module's transaction stays open
    session.close()
    yield connection
    transaction.rollback()
    connection.close()


@pytest.fixture()
def db(network_connection):
    """The test's session on the module's network, rolled back to before the test."""
    savepoint = network_connection.begin_nested()
    session = Session(bind=network_connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield session
    session.close()
    savepoint.rollback()


def _lonlat(db, settings, lon: float, lat: float) -> Place:
    x, y = db.execute(text("SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), "
                           ":srid) p"), {"lon": lon, "lat": lat, "srid": settings.storage_srid}).one()
    return Place(x, y)


def _along(db, edge_id: int, fraction: float) -> Place:
    return Place(*db.execute(text("SELECT ST_X(p), ST_Y(p) FROM road_network_edges, "
                                  "ST_LineInterpolatePoint(geom, :f) p WHERE id = :id"),
                             {"f": fraction, "id": edge_id}).one())


def test_the_network_is_built_from_every_segment_with_one_way_streets_closed_backwards(db):
    state = network_state(db)
    assert state.loaded and not state.stale and state.segment_count == 8011 and state.edge_count == 8011
    counts = db.execute(text(
        "SELECT count(*) FILTER (WHERE reverse_cost < 0) AS one_way, count(*) FILTER (WHERE cost <= 0) AS free, "
        "(SELECT count(*) FROM assets a JOIN asset_types t ON t.id = a.type_id "
        " WHERE t.code = 'road_segment' AND a.attributes->>'one_way' = 'true') AS one_way_segments "
        "FROM road_network_edges")).mappings().one()
    assert counts["one_way"] == counts["one_way_segments"] == 1742 and counts["free"] == 0
    # Rebuilt again: the same network (idempotent).
    again = build_road_network(db)
    assert (again.edge_count, again.vertex_count) == (state.edge_count, state.vertex_count)


def test_an_edited_road_segment_makes_the_network_stale_until_refreshed(db, settings, make_user):
    from app.inventory.services import update_asset

    asset_id, version = db.execute(text(
        "SELECT a.id, a.version FROM road_network_edges e JOIN assets a ON a.id = e.asset_id "
        "WHERE e.reverse_cost > 0 ORDER BY e.id LIMIT 1")).one()
    update_asset(db, make_user("asset_manager"), asset_id, version, settings.storage_srid, None, {"one_way": True})
    db.flush()
    assert network_state(db).stale
    assert refresh_road_network(db).stale is False
    assert db.execute(text("SELECT reverse_cost FROM road_network_edges WHERE asset_id = :id"),
                      {"id": asset_id}).scalar() == -1


def test_a_one_way_street_is_quick_forwards_and_a_detour_backwards(db):
    # A long one-way segment between two real junctions (3+ segments at each end).
    edge_id, length = db.execute(text("""
        WITH degree AS (SELECT v, count(*) AS n FROM (SELECT source AS v FROM road_network_edges
                        UNION ALL SELECT target FROM road_network_edges) s GROUP BY v)
        SELECT e.id, e.length_m FROM road_network_edges e JOIN degree s ON s.v = e.source JOIN degree t ON t.v = e.target
        WHERE e.reverse_cost < 0 AND e.length_m > 120 AND s.n >= 3 AND t.n >= 3 ORDER BY e.id LIMIT 1""")).one()
    a, b = _along(db, edge_id, 0.25), _along(db, edge_id, 0.75)
    forwards, backwards = legs_to(db, [a], b)[0], legs_to(db, [b], a)[0]
    assert forwards.method == backwards.method == "network"
    assert forwards.metres == pytest.approx(length / 2, abs=1)  # straight along the street
    assert backwards.metres > 2 * forwards.metres  # round the block, never against the traffic
    matrix = travel_matrix(db, [a, b])
    assert matrix[0][1].seconds == pytest.approx(forwards.seconds) and matrix[1][0].seconds == pytest.approx(backwards.seconds)


def test_a_dead_end_is_reached_and_left_the_way_it_came(db, settings):
    # A two-way dead end: its last vertex has one segment only.
    edge_id, dead_end_fraction, length = db.execute(text("""
        WITH degree AS (SELECT v, count(*) AS n FROM (SELECT source AS v FROM road_network_edges
                        UNION ALL SELECT target FROM road_network_edges) s GROUP BY v)
        SELECT e.id, CASE WHEN s.n = 1 THEN 0.0 ELSE 1.0 END::float8, e.length_m
        FROM road_network_edges e JOIN degree s ON s.v = e.source JOIN degree t ON t.v = e.target
        WHERE e.reverse_cost > 0 AND e.source <> e.target AND (s.n = 1) <> (t.n = 1) AND greatest(s.n, t.n) >= 3
          AND e.length_m BETWEEN 80 AND 200
          AND ST_DWithin(e.geom, ST_Transform(ST_SetSRID(ST_MakePoint(3.8767, 43.6108), 4326), 2154), 1500)
        ORDER BY e.id LIMIT 1""")).one()
    bottom = _along(db, edge_id, dead_end_fraction)
    mouth = _along(db, edge_id, 1.0 - dead_end_fraction)  # where the dead end meets the streets
    elsewhere = _lonlat(db, settings, 3.8767, 43.6108)  # Place de la Comédie
    there, back = legs_to(db, [elsewhere], bottom)[0], legs_to(db, [bottom], elsewhere)[0]
    assert there.method == back.method == "network"
    from_mouth = legs_to(db, [mouth], elsewhere)[0]
    # Out of the dead end = its whole length back to its mouth, then on from there.
    assert back.metres == pytest.approx(length + from_mouth.metres, abs=1)


def test_two_streets_crossing_without_a_shared_end_point_are_not_a_junction(db):
    # A bridge or an underpass: the lines cross, but neither ends at the crossing.
    first, second, at_first, at_second = db.execute(text("""
        SELECT e1.id, e2.id, ST_LineLocatePoint(e1.geom, x.pt), ST_LineLocatePoint(e2.geom, x.pt)
        FROM road_network_edges e1 JOIN road_network_edges e2 ON e1.id < e2.id AND ST_Crosses(e1.geom, e2.geom)
        CROSS JOIN LATERAL (SELECT ST_PointN(ST_Intersection(e1.geom, e2.geom), 1) AS pt) x0
        CROSS JOIN LATERAL (SELECT coalesce(x0.pt, ST_Intersection(e1.geom, e2.geom)) AS pt) x
        WHERE e1.reverse_cost > 0 AND e2.reverse_cost > 0 AND e1.length_m > 100 AND e2.length_m > 100
          AND ST_GeometryType(ST_Intersection(e1.geom, e2.geom)) = 'ST_Point'
          AND NOT EXISTS (SELECT 1 FROM road_network_vertices v WHERE ST_DWithin(v.geom, x.pt, 30))
        ORDER BY e1.id, e2.id LIMIT 1""")).one()
    a = _along(db, first, at_first + 10 / db.execute(text("SELECT length_m FROM road_network_edges WHERE id = :id"),
                                                        {"id": first}).scalar())
    b = _along(db, second, at_second + 10 / db.execute(text("SELECT length_m FROM road_network_edges WHERE id = :id"),
                                                          {"id": second}).scalar())
    assert math.dist((a.x, a.y), (b.x, b.y)) < 20.5
    leg = legs_to(db, [a], b)[0]
    assert leg.method == "network"
    assert leg.metres > 60  # to a real junction at least 30 m away and back: never turning at the crossing


def test_across_the_lez_the_nearer_crew_as_the_crow_flies_is_farther_by_the_streets(db, settings):
    job = _lonlat(db, settings, 3.895919, 43.600036)  # west bank, by Pont Jean Zuccarelli
    across = _lonlat(db, settings, 3.897553, 43.600807)  # east bank (Port Marianne), 157 m away
    same_side = _lonlat(db, settings, 3.893409, 43.598440)  # west bank, 269 m away
    assert math.dist((across.x, across.y), (job.x, job.y)) < math.dist((same_side.x, same_side.y), (job.x, job.y))
    crew_across, crew_same_side = legs_to(db, [across, same_side], job)
    assert crew_across.method == crew_same_side.method == "network"
    assert crew_across.seconds > 2 * crew_same_side.seconds


def test_a_place_off_the_network_falls_back_to_the_straight_line(db, settings):
    comedie = _lonlat(db, settings, 3.8767, 43.6108)
    dijon = _lonlat(db, settings, 5.0415, 47.3220)  # no streets there in this network
    far, near = legs_to(db, [dijon, _lonlat(db, settings, 3.8790, 43.6100)], comedie)
    assert far.method == "straight_line" and near.method == "network"


def test_suggest_a_crew_ranks_by_network_time_across_the_lez(db, settings, dispatcher, make_crew, post_fix,
                                                             make_intervention):
    from datetime import timedelta

    from shapely.geometry import Point

    from app.dispatch.ranking import suggest_crews
    from tests.dispatch.conftest import NOW

    job = _lonlat(db, settings, 3.895919, 43.600036)  # west bank, by Pont Jean Zuccarelli
    item = make_intervention(assets=[], kind="inspection", priority="P2", problem=None, geom=Point(job.x, job.y))
    across, same_side = make_crew(skills=()), make_crew(skills=())
    post_fix(across.members[0], (3.897553, 43.600807), at=NOW - timedelta(minutes=3))  # east bank, 157 m away
    post_fix(same_side.members[0], (3.893409, 43.598440), at=NOW - timedelta(minutes=3))  # west bank, 269 m away

    result = suggest_crews(db, dispatcher, item.id, NOW)

    mine = [s for s in result.ranked if s.team_id in (across.id, same_side.id)]
    assert [s.team_id for s in mine] == [same_side.id, across.id]  # the farther crow-flies crew first
    assert {s.travel.method for s in mine} == {"network"}
    assert mine[0].travel.seconds < mine[1].travel.seconds
