"""Creating, editing and closing interventions: rules, bad input, consequences on assets."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from shapely.geometry import Point
from sqlalchemy import delete, select

from app.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from app.interventions import services
from app.interventions.models import Intervention, InterventionEvent, TaskTemplate
from app.inventory.models import AssetHistory
from tests.conftest import DIJON_CENTRE, TALANT, storage_point

REPORT = {"cause": "Driver burnt out", "action_taken": "Driver replaced", "time_spent_minutes": 45,
          "outcome": "back_in_service"}


def close(db, actor, item, **report):
    """Take an intervention from new to closed with ``report``."""
    team_id = report.pop("team_id")
    services.perform_transition(db, actor, item.id, item.version, "assigned", None, {"team_id": team_id})
    services.perform_transition(db, actor, item.id, item.version, "in_progress")
    services.perform_transition(db, actor, item.id, item.version, "completed", None, report)
    return services.perform_transition(db, actor, item.id, item.version, "closed")


def test_creation_derives_reference_location_commune_checklist_and_due_date(db, settings, make_asset, dispatcher, sla_rules):
    asset = make_asset("street_light", properties={"height_m": 8, "material": "steel"})
    db.execute(delete(TaskTemplate).where(TaskTemplate.kind == "corrective", TaskTemplate.asset_type_id == asset.type_id))
    db.add(TaskTemplate(kind="corrective", asset_type_id=asset.type_id,
                        tasks=[{"label_fr": "Consigner", "label_en": "Isolate"}]))
    reported = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
    item = services.create_intervention(db, dispatcher, kind="corrective", priority="P2", srid=settings.storage_srid,
                                        asset_ids=[asset.id], problem="out_of_order", reported_at=reported)
    year = reported.year
    assert item.reference.startswith(f"INT-{year}-") and len(item.reference) == len("INT-2026-000001")
    assert item.status == "new" and item.priority == 2 and item.commune_id == asset.commune_id
    assert db.scalar(select(Intervention.geom.ST_Equals(asset.geom)).where(Intervention.id == item.id))
    assert item.checklist == [{"label_fr": "Consigner", "label_en": "Isolate", "done": False}]
    assert item.due_at == datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)  # P2: 24 calendar hours


def test_references_follow_each_other_within_a_year(make_intervention):
    first, second = make_intervention(), make_intervention()
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1


def test_an_intervention_without_asset_needs_a_place_inside_the_territory(db, settings, dispatcher, sla_rules):
    with pytest.raises(ValidationFailed) as refused:
        services.create_intervention(db, dispatcher, kind="corrective", priority="P3", srid=settings.storage_srid,
                                     problem="damaged")
    assert "geometry" in refused.value.field_errors
    with pytest.raises(ValidationFailed) as refused:
        services.create_intervention(db, dispatcher, kind="corrective", priority="P3", srid=settings.storage_srid,
                                     problem="damaged", geom=storage_point(settings, 2.35, 48.85))  # Paris
    assert "geometry" in refused.value.field_errors
    pothole = services.create_intervention(db, dispatcher, kind="corrective", priority="P3", problem="damaged",
                                           srid=settings.storage_srid, geom=storage_point(settings, *TALANT),
                                           description="Nid-de-poule")
    assert pothole.assets == [] and pothole.commune_id is not None


def test_bad_input_is_refused_at_each_field_and_nothing_is_written(db, settings, dispatcher, make_asset):
    before = db.scalar(select(Intervention.id).order_by(Intervention.id.desc()).limit(1))
    with pytest.raises(ValidationFailed) as refused:
        services.create_intervention(db, dispatcher, kind="repair", priority="P9", srid=settings.storage_srid,
                                     asset_ids=[999_999_999], estimated_minutes="-5")
    assert set(refused.value.field_errors) >= {"kind", "priority", "asset_ids", "estimated_minutes"}
    assert db.scalar(select(Intervention.id).order_by(Intervention.id.desc()).limit(1)) == before


def test_a_second_open_corrective_for_the_same_asset_and_problem_is_flagged_unless_split(
        db, make_asset, make_intervention):
    light = make_asset("bench")
    first = make_intervention(assets=[light], problem="damaged")
    with pytest.raises(ValidationFailed) as refused:
        make_intervention(assets=[light], problem="damaged")
    assert first.reference in str(refused.value.field_errors["asset_ids"].params)
    assert make_intervention(assets=[light], problem="dirty").problem == "dirty"  # another problem
    split = make_intervention(assets=[light], problem="damaged", split_from_id=first.id)
    assert split.split_from_id == first.id


def test_closing_puts_the_asset_back_in_service_and_its_history_links_to_the_intervention(
        db, make_asset, make_intervention, make_team, dispatcher, editor, settings):
    from app.inventory.services import update_asset

    bench = make_asset("bench")
    update_asset(db, editor, bench.id, bench.version, settings.storage_srid,
                 properties={"status": "faulty"}, reason="Broken slat")
    item = make_intervention(assets=[bench], problem="damaged")
    close(db, dispatcher, item, team_id=make_team().id, **REPORT)
    assert item.status == "closed" and bench.status == "in_service"
    last = db.scalars(select(AssetHistory).where(AssetHistory.asset_id == bench.id)
                      .order_by(AssetHistory.id.desc())).first()
    assert (last.change, last.intervention_id, last.status) == ("repaired", item.id, "in_service")
    assert item.reference in last.reason


def test_closing_with_replacement_records_the_new_model_and_keeps_the_old_in_history(
        db, make_asset, make_intervention, make_team, dispatcher):
    luminaire = make_asset("luminaire", properties={"lamp_technology": "hps", "power_w": 150,
                                                    "serial_number": "OLD-1"})
    luminaire.model = "Old lantern"
    db.flush()
    item = make_intervention(assets=[luminaire], problem="out_of_order")
    close(db, dispatcher, item, team_id=make_team().id, **dict(REPORT, outcome="replaced", replacement={
        "manufacturer": "Thorn", "model": "Isaro Pro", "serial_number": "NEW-42", "installed_on": "2026-11-22"}))
    assert (luminaire.manufacturer, luminaire.model, luminaire.attributes["serial_number"]) == ("Thorn", "Isaro Pro", "NEW-42")
    assert luminaire.installed_on.isoformat() == "2026-11-22"
    last = db.scalars(select(AssetHistory).where(AssetHistory.asset_id == luminaire.id)
                      .order_by(AssetHistory.id.desc())).first()
    assert last.change == "replaced" and last.changes["model"] == ["Old lantern", "Isaro Pro"]


def test_closing_can_decommission_the_asset(db, make_asset, make_intervention, make_team, dispatcher):
    sign = make_asset("bench")
    item = make_intervention(assets=[sign], kind="removal")
    close(db, dispatcher, item, team_id=make_team().id, **dict(REPORT, outcome="decommissioned"))
    assert sign.status == "decommissioned"


def test_a_consequence_that_contradicts_the_asset_is_refused_and_nothing_changes(
        db, make_asset, make_intervention, make_team, dispatcher, editor, settings):
    from app.inventory.services import decommission_asset

    bench = make_asset("bench")
    item = make_intervention(assets=[bench], problem="damaged")
    team = make_team()
    services.perform_transition(db, dispatcher, item.id, item.version, "assigned", None, {"team_id": team.id})
    services.perform_transition(db, dispatcher, item.id, item.version, "in_progress")
    services.perform_transition(db, dispatcher, item.id, item.version, "completed", None, REPORT)
    decommission_asset(db, editor, bench.id, bench.version, settings.storage_srid, "Removed by the commune")
    history_before = db.scalar(select(AssetHistory.id).where(AssetHistory.asset_id == bench.id)
                               .order_by(AssetHistory.id.desc()).limit(1))
    version = item.version
    with pytest.raises(ValidationFailed) as refused:
        services.perform_transition(db, dispatcher, item.id, version, "closed")
    assert "outcome" in refused.value.field_errors
    db.refresh(item)
    assert item.status == "completed" and item.version == version
    assert db.scalar(select(AssetHistory.id).where(AssetHistory.asset_id == bench.id)
                     .order_by(AssetHistory.id.desc()).limit(1)) == history_before


@pytest.mark.parametrize("report,field", [
    ({}, "action_taken"),
    (dict(REPORT, cause=""), "cause"),
    (dict(REPORT, time_spent_minutes="abc"), "time_spent_minutes"),
    (dict(REPORT, outcome="fixed"), "outcome"),
    (dict(REPORT, outcome="replaced"), "replacement"),
    (dict(REPORT, parts_used=[{"name": "", "quantity": 1}]), "parts_used"),
])
def test_an_incomplete_report_is_refused_at_its_field(db, make_intervention, make_team, dispatcher, report, field):
    item = make_intervention()
    services.perform_transition(db, dispatcher, item.id, item.version, "assigned", None, {"team_id": make_team().id})
    services.perform_transition(db, dispatcher, item.id, item.version, "in_progress")
    with pytest.raises(ValidationFailed) as refused:
        services.perform_transition(db, dispatcher, item.id, item.version, "completed", None, report)
    assert field in refused.value.field_errors


def test_no_asset_means_the_outcome_can_only_be_no_change(db, settings, dispatcher, make_team):
    pothole = services.create_intervention(db, dispatcher, kind="corrective", priority="P3", problem="damaged",
                                           srid=settings.storage_srid, geom=storage_point(settings, *DIJON_CENTRE))
    services.perform_transition(db, dispatcher, pothole.id, pothole.version, "assigned", None, {"team_id": make_team().id})
    services.perform_transition(db, dispatcher, pothole.id, pothole.version, "in_progress")
    with pytest.raises(ValidationFailed) as refused:
        services.perform_transition(db, dispatcher, pothole.id, pothole.version, "completed", None, REPORT)
    assert "outcome" in refused.value.field_errors
    services.perform_transition(db, dispatcher, pothole.id, pothole.version, "completed", None,
                                dict(REPORT, outcome="no_change"))
    assert pothole.status == "completed"


def test_a_stale_version_is_a_conflict_and_changes_nothing(db, make_intervention, dispatcher):
    item = make_intervention()
    seen = item.version
    services.update_intervention(db, dispatcher, item.id, seen, {"priority": "P1"})
    with pytest.raises(Conflict):
        services.perform_transition(db, dispatcher, item.id, seen, "cancelled", "Duplicate")
    with pytest.raises(Conflict):
        services.update_intervention(db, dispatcher, item.id, seen, {"description": "Mine"})
    assert item.status == "new" and item.description == "Test"


def test_changing_the_priority_recomputes_the_due_date_and_is_in_the_timeline(db, make_intervention, dispatcher, sla_rules):
    item = make_intervention(priority="P4")
    slow = item.due_at
    services.update_intervention(db, dispatcher, item.id, item.version, {"priority": "P1"})
    assert item.due_at < slow
    edit = db.scalars(select(InterventionEvent).where(InterventionEvent.intervention_id == item.id)
                      .order_by(InterventionEvent.id.desc())).first()
    assert edit.to_status is None and edit.changes["priority"] == [4, 1]


def test_the_crew_may_tick_the_checklist_but_not_replan(db, make_user, make_team, make_intervention, dispatcher):
    agent = make_user("field_agent")
    item = make_intervention()
    item.checklist = [{"label_fr": "A", "label_en": "A", "done": False}, {"label_fr": "B", "label_en": "B", "done": False}]
    db.flush()
    services.perform_transition(db, dispatcher, item.id, item.version, "assigned", None,
                                {"team_id": make_team(members=[agent]).id})
    services.update_intervention(db, agent, item.id, item.version, {"checklist": [True, False]})
    assert [task["done"] for task in item.checklist] == [True, False]
    with pytest.raises(PermissionDenied):
        services.update_intervention(db, agent, item.id, item.version, {"priority": "P1"})
    with pytest.raises(ValidationFailed):
        services.update_intervention(db, agent, item.id, item.version, {"checklist": [True]})


def test_a_closed_intervention_cannot_be_replanned(db, make_intervention, make_team, dispatcher):
    item = make_intervention()
    close(db, dispatcher, item, team_id=make_team().id, **REPORT)
    with pytest.raises(InvalidTransition):
        services.update_intervention(db, dispatcher, item.id, item.version, {"priority": "P1"})


def test_commune_scope_hides_interventions_elsewhere(db, make_user, make_intervention, make_asset):
    item = make_intervention(assets=[make_asset("bench", lonlat=TALANT)])
    dijon_only = make_user("dispatcher", communes=["21231"])
    with pytest.raises(NotFound):
        services.perform_transition(db, dijon_only, item.id, item.version, "cancelled", "x")


def test_attachments_accept_photos_and_pdfs_only(db, make_intervention, dispatcher):
    item = make_intervention()
    photo = services.add_attachment(db, dispatcher, item.id, "../../etc/photo.jpg", "image/jpeg", b"\xff\xd8\xff\xe0rest")
    assert photo.filename == "photo.jpg" and photo.size_bytes == 8
    with pytest.raises(ValidationFailed):
        services.add_attachment(db, dispatcher, item.id, "virus.exe", "image/jpeg", b"MZ\x90\x00")
    with pytest.raises(ValidationFailed):
        services.add_attachment(db, dispatcher, item.id, "big.pdf", "application/pdf",
                                b"%PDF-" + b"0" * services.MAX_ATTACHMENT_BYTES)


def test_a_councillor_cannot_create_interventions(db, settings, make_user):
    with pytest.raises(PermissionDenied):
        services.create_intervention(db, make_user("councillor"), kind="inspection", priority="P4",
                                     srid=settings.storage_srid, geom=Point(*[0, 0]))
