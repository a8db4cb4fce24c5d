"""Registry rules against the real database: validation, history, as-of, conflicts, scope."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from shapely.geometry import LineString, Point, Polygon
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from app.inventory import queries, services
from app.inventory.catalogue import CATALOGUE
from app.inventory.queries import AssetFilter
from gis.crs import reproject
from tests.conftest import DIJON_CENTRE, TALANT, storage_point


def test_create_derives_reference_commune_status_and_history(db, make_asset):
    asset = make_asset("bench", properties={"material": "wood", "seats": 3})
    assert asset.reference.startswith("BA-21231-")
    assert asset.status == "in_service" and asset.version == 1
    feature = queries.asset_feature(db, _anyone(db), asset.id)
    assert feature["properties"]["commune"] == "21231"
    assert feature["properties"]["seats"] == 3
    lon, lat = feature["geometry"]["coordinates"]
    assert abs(lon - DIJON_CENTRE[0]) < 1e-6 and abs(lat - DIJON_CENTRE[1]) < 1e-6
    history = queries.asset_history(db, _anyone(db), asset.id)
    assert [h["change"] for h in history] == ["created"]


@pytest.mark.parametrize("type_code, geom_of, field_message", [
    ("bench", lambda p: LineString([p, (p[0] + 10, p[1])]), "drawn as a point"),
    ("road_segment", lambda p: Point(p), "drawn as a line"),
    ("green_space", lambda p: Polygon([p, (p[0] + 10, p[1] + 10), (p[0] + 10, p[1]), (p[0], p[1] + 10), p]), "invalid"),
    ("bench", lambda p: Point(), "missing"),
])
def test_wrong_or_invalid_geometry_is_refused_at_the_geometry_field(db, settings, editor, type_code, geom_of, field_message):
    origin = storage_point(settings, *DIJON_CENTRE)
    geom = geom_of((origin.x, origin.y))
    stored_before = _count(db, "assets")
    with pytest.raises(ValidationFailed) as error:
        services.create_asset(db, editor, type_code, geom, settings.storage_srid, {"seats": "many"})
    fields = error.value.field_errors
    assert field_message in str(fields["geometry"])
    # Every wrong field is reported at once: the attribute error comes with the geometry's.
    assert set(fields) == {"geometry", "seats"}
    assert _count(db, "assets") == stored_before


def test_outside_the_metropole_is_refused(db, settings, editor):
    paris = reproject(Point(2.35, 48.85), 4326, settings.storage_srid)
    with pytest.raises(ValidationFailed) as error:
        services.create_asset(db, editor, "bench", paris, settings.storage_srid)
    assert "outside the métropole" in str(error.value.field_errors["geometry"])


def test_attribute_errors_are_given_per_field(db, make_asset):
    with pytest.raises(ValidationFailed) as error:
        make_asset("cctv_camera", properties={"mounting_height_m": "high", "direction_deg": 90,
                                              "range_m": 40, "ptz": "perhaps", "colour": "red", "condition": 7})
    fields = error.value.field_errors
    assert set(fields) == {"mounting_height_m", "field_of_view_deg", "ptz", "colour", "condition"}
    assert "required" in str(fields["field_of_view_deg"])
    assert "number" in str(fields["mounting_height_m"])
    with pytest.raises(ValidationFailed) as error:
        make_asset("street_light", properties={"height_m": 8, "material": "gold"})
    assert "Unknown value gold" in str(error.value.field_errors["material"])


def test_move_status_and_attribute_changes_each_leave_history(db, settings, editor, make_asset):
    asset = make_asset("street_light", properties={"height_m": 8})
    srid = settings.storage_srid
    services.update_asset(db, editor, asset.id, 1, srid, geom=storage_point(settings, 5.0420, 47.3221))
    services.update_asset(db, editor, asset.id, 2, srid, properties={"height_m": "10,5"})
    with pytest.raises(ValidationFailed) as error:
        services.update_asset(db, editor, asset.id, 3, srid, properties={"status": "faulty"})
    assert "reason" in error.value.field_errors
    services.update_asset(db, editor, asset.id, 3, srid, properties={"status": "faulty"}, reason="Lamp out")
    services.decommission_asset(db, editor, asset.id, 4, srid, reason="Removed for roadworks")
    history = queries.asset_history(db, editor, asset.id)
    assert [h["change"] for h in history] == ["created", "moved", "updated", "status_changed", "decommissioned"]
    assert history[2]["changes"] == {"attributes.height_m": [8.0, 10.5]}
    assert history[3]["reason"] == "Lamp out" and history[3]["changes"]["status"] == ["in_service", "faulty"]
    assert history[1]["actor_login"] == editor.login
    with pytest.raises(ValidationFailed):
        services.update_asset(db, editor, asset.id, 5, srid, properties={"status": "in_service"}, reason="back")


def test_history_is_append_only_in_the_database(db, make_asset):
    make_asset()
    with pytest.raises(DBAPIError, match="append-only"):
        with db.begin_nested():
            db.execute(text("UPDATE asset_history SET reason = 'rewritten'"))
    with pytest.raises(DBAPIError, match="append-only"):
        with db.begin_nested():
            db.execute(text("DELETE FROM asset_history"))


def test_stale_version_is_a_conflict_showing_both_versions(db, settings, editor, make_asset):
    asset = make_asset("bench", properties={"seats": 2})
    services.update_asset(db, editor, asset.id, 1, settings.storage_srid, properties={"seats": 4})
    with pytest.raises(Conflict) as error:
        services.update_asset(db, editor, asset.id, 1, settings.storage_srid, properties={"seats": 6})
    assert error.value.current["properties"]["seats"] == 4
    assert error.value.current["properties"]["version"] == 2
    assert error.value.submitted["properties"] == {"seats": 6}
    assert queries.asset_feature(db, editor, asset.id)["properties"]["seats"] == 4


def test_inventory_as_of_a_past_date(db, settings, editor, make_asset):
    asset = make_asset("bench", properties={"seats": 2})
    _backdate(db, asset.id, "2020-01-01")
    services.update_asset(db, editor, asset.id, 1, settings.storage_srid, geom=storage_point(settings, *TALANT))
    before = datetime(2021, 1, 1, tzinfo=timezone.utc)
    then = queries.asset_feature(db, editor, asset.id, as_of=before)
    assert then["properties"]["commune"] == "21231" and then["properties"]["version"] == 1
    assert queries.asset_feature(db, editor, asset.id)["properties"]["commune"] == "21617"
    dijon_bbox = (5.03, 47.31, 5.05, 47.33)
    in_2021, _ = queries.list_asset_features(db, editor, AssetFilter(bbox=dijon_bbox, as_of=before), 10, 0)
    today, _ = queries.list_asset_features(db, editor, AssetFilter(bbox=dijon_bbox), 10, 0)
    assert asset.id in [f["id"] for f in in_2021] and asset.id not in [f["id"] for f in today]
    with pytest.raises(NotFound):
        queries.asset_feature(db, editor, asset.id, as_of=datetime(2019, 1, 1, tzinfo=timezone.utc))


def test_commune_scope_limits_create_edit_and_read(db, settings, make_user, make_asset):
    talant_editor = make_user("asset_manager", communes=["21617"])
    in_dijon = make_asset("bench")
    with pytest.raises(PermissionDenied):
        services.create_asset(db, talant_editor, "bench", storage_point(settings, *DIJON_CENTRE), settings.storage_srid)
    with pytest.raises(NotFound):
        services.update_asset(db, talant_editor, in_dijon.id, 1, settings.storage_srid, properties={"seats": 1})
    with pytest.raises(NotFound):
        queries.asset_feature(db, talant_editor, in_dijon.id)
    in_talant = make_asset("bench", lonlat=TALANT, actor=talant_editor)
    with pytest.raises(PermissionDenied):
        services.update_asset(db, talant_editor, in_talant.id, 1, settings.storage_srid,
                              geom=storage_point(settings, *DIJON_CENTRE))
    features, total = queries.list_asset_features(db, talant_editor, AssetFilter(), 100, 0)
    assert total == 1 and features[0]["id"] == in_talant.id


def test_read_only_roles_cannot_edit(db, settings, make_user):
    for role in ("councillor", "field_agent", "dispatcher"):
        with pytest.raises(PermissionDenied):
            services.create_asset(db, make_user(role), "bench", storage_point(settings, *DIJON_CENTRE), settings.storage_srid)


def test_hierarchy_follows_the_types_allowed_parents(db, settings, editor, make_asset):
    cabinet = make_asset("lighting_cabinet")
    mast = make_asset("street_light", properties={"height_m": 8, "parent_id": cabinet.id})
    luminaire = make_asset("luminaire", properties={"lamp_technology": "led", "power_w": 40, "parent_id": mast.id})
    assert luminaire.parent_id == mast.id
    with pytest.raises(ValidationFailed) as error:
        make_asset("bench", properties={"parent_id": cabinet.id})
    assert "cannot hang under" in str(error.value.field_errors["parent_id"])


def test_bulk_update_is_all_or_nothing_with_one_history_row_each(db, settings, editor, make_asset):
    benches = [make_asset("bench") for _ in range(3)]
    services.bulk_update(db, editor, [b.id for b in benches], {"material": "metal"}, settings.storage_srid)
    for bench in benches:
        assert [h["change"] for h in queries.asset_history(db, editor, bench.id)] == ["created", "updated"]
    with pytest.raises(ValidationFailed):
        services.bulk_update(db, editor, [b.id for b in benches], {"material": "gold"}, settings.storage_srid)


def test_catalogue_attribute_names_never_shadow_core_properties():
    reserved = set(services.CORE_FIELDS) | set(services.DERIVED_FIELDS)
    for entry in CATALOGUE:
        assert not reserved & {f["name"] for f in entry["schema"]}, entry["code"]
    assert len(CATALOGUE) == 20


def _anyone(db):
    from app.auth.models import User

    return db.query(User).filter_by(login="admin").one()


def _count(db, table: str) -> int:
    return db.execute(text(f"SELECT count(*) FROM {table}")).scalar()


def _backdate(db, asset_id: int, day: str) -> None:
    # History is append-only; to stage an asset created years ago, the test (as the
    # database owner, inside its rolled-back transaction) lifts the guard for one statement.
    db.execute(text("ALTER TABLE asset_history DISABLE TRIGGER asset_history_append_only"))
    db.execute(text("UPDATE asset_history SET recorded_at = :d WHERE asset_id = :id"), {"d": day, "id": asset_id})
    db.execute(text("ALTER TABLE asset_history ENABLE TRIGGER asset_history_append_only"))
