"""Files that must be refused with a clear reason, writing nothing: broken zips, zip
bombs, paths escaping the folder, oversize uploads, empty or mixed geometries."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import text

from app.errors import ValidationFailed
from app.imports import services
from gis.sources import SourceError, UnpackLimits, unpack_shapefile
from tests.imports.conftest import DATA


def _zip(members: dict[str, bytes], flag_utf8: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, content)
    return buffer.getvalue()


def _refused(db, upload, filename: str, content: bytes, **kwargs) -> str:
    """The reason at the file field; the caller's transaction is rolled back, as the page does."""
    savepoint = db.begin_nested()
    with pytest.raises(ValidationFailed) as refused:
        upload(filename, content, **kwargs)
    savepoint.rollback()
    assert "file" in refused.value.field_errors
    return refused.value.field_errors["file"].template


def test_each_bad_file_gets_its_own_reason_and_nothing_is_stored(db, upload, import_dir):
    before = db.execute(text("SELECT count(*) FROM imports")).scalar_one()
    assert "not read" in _refused(db, upload, "plan.dwg", b"AC1015")
    assert "damaged" in _refused(db, upload, "cut.zip", (DATA / "fontaines.zip").read_bytes()[:2000])
    assert "no .shp" in _refused(db, upload, "nothing.zip", _zip({"readme.txt": b"hello"}))
    assert "outside its own folder" in _refused(db, upload, "evil.zip", _zip({"../../etc/x.shp": b"x"}))
    assert "larger than" in _refused(db, upload, "big.geojson", b" " * 2048, max_bytes=1024)
    assert "empty" in _refused(db, upload, "empty.geojson", b"")
    assert "cannot be read" in _refused(db, upload, "broken.geojson", b'{"type": "FeatureCollection", "features": [')
    assert db.execute(text("SELECT count(*) FROM imports")).scalar_one() == before
    assert not import_dir.exists() or not any(p.is_file() for p in import_dir.rglob("*"))


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("layer.shp", b"\0" * (60 * 1024**2))  # 60 MB of zeros: ~60 kB compressed
    with pytest.raises(SourceError) as refused:
        unpack_shapefile(bomb, tmp_path / "out")
    assert refused.value.code == "zip_bomb"
    with pytest.raises(SourceError) as refused:
        unpack_shapefile(bomb, tmp_path / "out2", UnpackLimits(max_total_bytes=1024**2))
    assert refused.value.code == "zip_too_large"
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_legacy_code_page_member_names_are_read(tmp_path):
    folder = unpack_shapefile(DATA / "defibrillateurs.zip", tmp_path / "out")  # 'Défibrillateurs' in cp850
    assert sorted(p.name for p in folder.iterdir()) == [
        f"VilleMTP_MTP_Defibrillateurs{suffix}" for suffix in (".dbf", ".prj", ".sbn", ".sbx", ".shp", ".shx")]


def test_empty_and_wrong_kind_geometries_are_refused_row_by_row(db, upload, configure, run_step, editor):
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [5.0415, 47.3220]}, "properties": {"n": "ok"}},
        {"type": "Feature", "geometry": None, "properties": {"n": "no geometry"}},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[5.04, 47.32], [5.05, 47.33]]},
         "properties": {"n": "a line"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [2.35, 48.85]}, "properties": {"n": "Paris"}},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[5.04, 47.32], [5.05, 47.33], [5.05, 47.32], [5.04, 47.32]]]},
         "properties": {"n": "a polygon"}},
    ]
    imp = upload("mixed.geojson", json.dumps({"type": "FeatureCollection", "features": features}).encode())
    configure(imp, {"crs": "file", "asset_type": "bench", "map.external_ref": "n"})
    run_step(imp, "validate")
    assert imp.counts["create"] == 1 and imp.counts["error"] == 4
    reasons = {row: m["geometry"][0] for row, m in db.execute(text(
        "SELECT row_number, messages FROM import_rows WHERE import_id = :id AND action = 'error'"), {"id": imp.id}).all()}
    assert reasons == {2: "No geometry.", 3: "A %(given)s, but this asset type is drawn as a %(kind)s.",
                       4: "Outside the métropole.", 5: "A %(given)s, but this asset type is drawn as a %(kind)s."}
    with pytest.raises(ValidationFailed) as refused:  # rows in error need the explicit "leave them out"
        services.request_commit(db, editor, imp.id, skip_errors=False)
    assert "skip_errors" in refused.value.field_errors
    assert services.request_commit(db, editor, imp.id, skip_errors=True).status == "committing"


def test_an_invalid_polygon_is_refused_with_the_reason(db, upload, configure, run_step):
    bow_tie = {"type": "Polygon", "coordinates": [[[5.04, 47.32], [5.05, 47.33], [5.05, 47.32], [5.04, 47.33], [5.04, 47.32]]]}
    square = {"type": "Polygon", "coordinates": [[[5.04, 47.32], [5.041, 47.32], [5.041, 47.321], [5.04, 47.321], [5.04, 47.32]]]}
    features = [{"type": "Feature", "geometry": g, "properties": {"nom": n}} for g, n in ((square, "Square"), (bow_tie, "Nœud"))]
    imp = upload("parcs.geojson", json.dumps({"type": "FeatureCollection", "features": features}).encode())
    configure(imp, {"crs": "file", "asset_type": "green_space", "map.attributes.name": "nom"})
    run_step(imp, "validate")
    assert imp.counts["create"] == 1 and imp.counts["error"] == 1
    message = db.execute(text("SELECT messages FROM import_rows WHERE import_id = :id AND action = 'error'"),
                         {"id": imp.id}).scalar_one()
    assert message["geometry"][0] == "Invalid geometry (%(reason)s)." and "Self-intersection" in message["geometry"][1]["reason"]
