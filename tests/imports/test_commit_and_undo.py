"""Commit is all or nothing; an update names the import in the history; undo puts back
what the import changed; the steps run through a real worker with their progress."""
from __future__ import annotations

import io
import json
import time
import uuid

from rq.job import Job
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.inventory.models import Asset, AssetHistory
from tests.conftest import DIJON_CENTRE


def _geojson(features: list[tuple[tuple[float, float], dict]]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(lonlat)}, "properties": props}
        for lonlat, props in features]}).encode()


def test_a_matched_asset_is_updated_with_history_and_undo_restores_it(db, make_asset, upload, configure, run_step):
    bench = make_asset("bench", properties={"material": "wood", "seats": 3})
    new_place = (DIJON_CENTRE[0] + 0.0005, DIJON_CENTRE[1])
    imp = upload("maj.geojson", _geojson([(new_place, {"ref": bench.reference, "mat": "metal", "places": 5}),
                                          ((DIJON_CENTRE[0] + 0.001, DIJON_CENTRE[1]), {"ref": None, "mat": "wood", "places": 2})]))
    configure(imp, {"crs": "file", "asset_type": "bench", "map.reference": "ref", "map.attributes.material": "mat",
                    "map.attributes.seats": "places"})
    run_step(imp, "validate")
    assert (imp.counts["update"], imp.counts["create"], imp.counts["error"]) == (1, 1, 0), imp.counts
    imp.status = "committing"
    run_step(imp, "commit")
    db.refresh(bench)
    assert bench.attributes == {"material": "metal", "seats": 5} and bench.version == 2
    entry = db.scalars(select(AssetHistory).where(AssetHistory.asset_id == bench.id).order_by(AssetHistory.id.desc())).first()
    assert entry.import_id == imp.id and entry.change == "moved" and "attributes.material" in entry.changes
    assert entry.reason == f"Import #{imp.id} (maj.geojson)"
    imp.status = "undoing"
    run_step(imp, "undo")
    db.refresh(bench)
    assert bench.attributes == {"material": "wood", "seats": 3} and bench.status == "in_service"
    assert db.execute(text("SELECT ST_Distance(a.geom, h.geom) FROM assets a JOIN asset_history h ON h.asset_id = a.id "
                           "WHERE a.id = :id AND h.change = 'created'"), {"id": bench.id}).scalar_one() < 0.001
    created = db.execute(text("SELECT a.status FROM asset_history h JOIN assets a ON a.id = h.asset_id "
                              "WHERE h.import_id = :id AND h.change = 'created'"), {"id": imp.id}).scalars().all()
    assert created == ["decommissioned"]


def test_undo_is_refused_when_an_asset_changed_since(db, editor, settings, upload, configure, run_step):
    from app.errors import Conflict
    from app.inventory.services import update_asset

    imp = upload("b.geojson", _geojson([(DIJON_CENTRE, {"n": "x"})]))
    configure(imp, {"crs": "file", "asset_type": "bench", "map.external_ref": "n"})
    run_step(imp, "validate")
    imp.status = "committing"
    run_step(imp, "commit")
    asset_id = db.execute(text("SELECT asset_id FROM asset_history WHERE import_id = :id"), {"id": imp.id}).scalar_one()
    update_asset(db, editor, asset_id, None, settings.storage_srid, properties={"seats": 4})
    imp.status = "undoing"
    try:
        run_step(imp, "undo")
        raise AssertionError("the undo should have been refused")
    except Conflict as refused:
        assert "changed after the import" in refused.message.template
    assert db.get(Asset, asset_id).status == "in_service"


def test_a_commit_that_fails_half_way_writes_nothing(db, editor, settings, make_asset, upload, configure):
    from app.imports import services
    from app.inventory.services import decommission_asset
    from app.jobs.imports import run_step_in

    bench = make_asset("bench")
    features = [((DIJON_CENTRE[0] + i * 0.0002, DIJON_CENTRE[1] + 0.002), {"ref": None}) for i in range(30)]
    features.append(((DIJON_CENTRE[0], DIJON_CENTRE[1] + 0.003), {"ref": bench.reference}))
    imp = upload("c.geojson", _geojson(features))
    configure(imp, {"crs": "file", "asset_type": "bench", "map.reference": "ref"})
    run_step_in(db, "validate", imp.id, settings.storage_srid)
    db.refresh(imp)
    assert (imp.counts["create"], imp.counts["update"]) == (30, 1)
    decommission_asset(db, editor, bench.id, None, settings.storage_srid, reason="gone meanwhile")
    services.request_commit(db, editor, imp.id, skip_errors=False)
    db.commit()  # the test transaction's savepoint: what the page's request would commit
    run_step_in(db, "commit", imp.id, settings.storage_srid)
    db.refresh(imp)
    assert imp.status == "validated" and "decommissioned" in json.loads(imp.error)[0]
    assert db.execute(text("SELECT count(*) FROM asset_history WHERE import_id = :id"), {"id": imp.id}).scalar_one() == 0


def _wait(redis, job_id: str, timeout: float = 60) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = Job.fetch(job_id, connection=redis)
        if job.get_status() in ("finished", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish")


def test_validate_commit_and_undo_through_a_real_worker(rq_worker, redis, engine, tmp_path):
    from app.auth.models import User
    from app.imports import services
    from app.imports.models import Import
    from app.queue import PendingJob, enqueue_now

    tag = uuid.uuid4().hex[:8]
    plombieres = (4.9540, 47.3372)  # committed test data lives here (Plombières-lès-Dijon)
    content = _geojson([((plombieres[0] + i * 0.0002, plombieres[1]), {"n": f"{tag}-{i}"}) for i in range(25)])
    with Session(engine) as session:
        manager = session.scalar(select(User).where(User.login == "manager"))
        imp = services.receive_upload(session, manager, "worker.geojson", io.BytesIO(content), tmp_path, 10**7)
        services.configure(session, manager, imp.id, {"crs": "file", "asset_type": "bench", "map.external_ref": "n"})
        session.commit()
        import_id = imp.id
    def enqueue(step: str, job_id: str):
        return enqueue_now(redis, PendingJob("app.jobs.imports.run_import_step", (step, import_id), retries=0,
                                             timeout=300, job_id=job_id))

    for step in ("validate", "commit", "undo"):
        job_id = f"import-{import_id}-{step}-{tag}"
        with Session(engine) as session:  # what the page does when it asks for the step
            session.get(Import, import_id).job_id = job_id
            session.commit()
        if step == "commit":  # a stale job (another id) for a step no longer awaited changes nothing
            assert _wait(redis, enqueue("validate", f"stale-{tag}").id).get_status() == "finished"
        job = _wait(redis, enqueue(step, job_id).id)
        assert job.get_status() == "finished", job.latest_result().exc_string if job.latest_result() else step
        with Session(engine) as session:
            imp = session.get(Import, import_id)
            assert imp.error is None, imp.error
            if step == "validate":
                assert imp.status == "validated" and imp.counts["create"] == 25
                assert job.meta["progress"] == [25, 25]
                services.request_commit(session, session.get(User, imp.created_by_id), import_id, False)
            elif step == "commit":
                assert imp.status == "committed" and imp.counts["result"] == {"created": 25, "updated": 0}
                references = session.execute(text(
                    "SELECT a.reference FROM asset_history h JOIN assets a ON a.id = h.asset_id "
                    "WHERE h.import_id = :id"), {"id": import_id}).scalars().all()
                assert len(references) == 25 and all(r.startswith("BA-21485-") for r in references)
                services.request_undo(session, session.get(User, imp.created_by_id), import_id)
            else:
                assert imp.status == "undone" and imp.counts["undo"] == {"decommissioned": 25, "restored": 0}
            session.commit()


def test_reference_numbers_past_999999_keep_all_their_digits(db, upload, configure, run_step):
    start = db.execute(text("SELECT last_value FROM asset_reference_seq")).scalar_one()
    db.execute(text("SELECT setval('asset_reference_seq', 999998)"))
    try:
        imp = upload("b.geojson", _geojson([((DIJON_CENTRE[0] + i * 0.0002, DIJON_CENTRE[1]), {"n": str(i)}) for i in range(3)]))
        configure(imp, {"crs": "file", "asset_type": "bench", "map.external_ref": "n"})
        run_step(imp, "validate")
        imp.status = "committing"
        run_step(imp, "commit")
        references = db.execute(text("SELECT a.reference FROM asset_history h JOIN assets a ON a.id = h.asset_id "
                                     "WHERE h.import_id = :id ORDER BY a.external_ref"), {"id": imp.id}).scalars().all()
        assert [r.rsplit("-", 1)[1] for r in references] == ["999999", "1000000", "1000001"]
    finally:  # sequences ignore rollbacks: put it back for the other tests
        db.execute(text("SELECT setval('asset_reference_seq', :n)"), {"n": max(start, 1)})


def test_the_maps_aggregates_count_the_imported_assets(db, upload, configure, run_step):
    grid = text("SELECT coalesce(sum(g.n), 0) FROM asset_grid g JOIN asset_types t ON t.id = g.type_id "
                "WHERE g.z = 8 AND t.code = 'bench' AND g.status = 'in_service'")
    versions = text("SELECT coalesce(sum(version), 0) FROM tile_versions")
    before, versions_before = db.execute(grid).scalar_one(), db.execute(versions).scalar_one()
    imp = upload("g.geojson", _geojson([((DIJON_CENTRE[0] + i * 0.0002, DIJON_CENTRE[1]), {"n": str(i)}) for i in range(7)]))
    configure(imp, {"crs": "file", "asset_type": "bench", "map.external_ref": "n"})
    run_step(imp, "validate")
    imp.status = "committing"
    run_step(imp, "commit")
    assert db.execute(grid).scalar_one() == before + 7
    assert db.execute(versions).scalar_one() > versions_before  # the tiles under them are revalidated


def test_the_mapping_is_remembered_for_the_next_file_of_the_same_source(db, upload, configure):
    first = upload("bancs-2025.geojson", _geojson([(DIJON_CENTRE, {"ident": "a", "matiere": "bois"})]))
    assert first.settings["remembered"] is False
    configure(first, {"crs": "file", "asset_type": "bench", "map.external_ref": "ident",
                      "map.attributes.material": "matiere", "values.attributes.material.1.from": "bois",
                      "values.attributes.material.1.to": "wood"})
    second = upload("bancs-2026.geojson", _geojson([(DIJON_CENTRE, {"ident": "b", "matiere": "métal"})]))
    assert second.settings["remembered"] is True
    assert second.settings["asset_type"] == "bench"
    assert second.settings["fields"]["attributes.material"] == {"source": "matiere"}
    assert second.settings["values"] == {"attributes.material": {"bois": "wood"}}
    other = upload("arbres.geojson", _geojson([(DIJON_CENTRE, {"espece": "tilleul"})]))
    assert other.settings["remembered"] is False


def test_near_duplicates_are_skipped_and_required_fields_enforced(db, make_asset, upload, configure, run_step):
    existing = make_asset("fountain", properties={"drinking_water": True})
    lon, lat = DIJON_CENTRE
    imp = upload("fontaines.geojson", _geojson([((lon, lat), {"n": "same place"}),
                                                ((lon + 0.001, lat), {"n": "70 m away"})]))
    configure(imp, {"crs": "file", "asset_type": "fountain", "map.external_ref": "n", "proximity_m": "2"})
    run_step(imp, "validate")
    assert imp.counts["error"] == 2  # drinking_water is required and not given
    configure(imp, {"crs": "file", "asset_type": "fountain", "map.external_ref": "n", "proximity_m": "2",
                    "const.attributes.drinking_water": "true"})
    run_step(imp, "validate")
    assert (imp.counts["skip"], imp.counts["create"]) == (1, 1), imp.counts
    skipped = db.execute(text("SELECT asset_id, messages FROM import_rows WHERE import_id = :id AND action = 'skip'"),
                         {"id": imp.id}).one()
    assert skipped.asset_id == existing.id
    assert skipped.messages["geometry"][1]["reference"] == existing.reference
