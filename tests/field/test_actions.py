"""POST /api/v1/field/actions: each kind of action through the interventions' services,
exactly once per client id, refusals recorded with their reason."""
from __future__ import annotations

import io
import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.field.models import FieldAction, RequestPhoto
from app.interventions import services
from app.interventions.models import Intervention, InterventionAttachment, InterventionEvent, ServiceRequest
from tests.conftest import DIJON_CENTRE

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2000  # the server checks the first bytes
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 500
PDF = b"%PDF-1.4 not a photo"


def post(client, headers, kind, item=None, data=None, version=None, file=None, action_id=None, done_at=None):
    """Send one action as the tablet does (multipart when a file rides along)."""
    envelope = {"id": action_id or str(uuid.uuid4()), "kind": kind, "data": data or {},
                "intervention_id": item.id if item is not None else None,
                "version": version if version is not None else (item.version if item is not None else None),
                "done_at": done_at}
    if file is None:
        return client.post("/api/v1/field/actions", headers=headers, json=envelope)
    content, filename, content_type = file
    return client.post("/api/v1/field/actions", headers=headers, content_type="multipart/form-data", data={
        "action": json.dumps(envelope), "file": (io.BytesIO(content), filename, content_type)})


def counts(db, item_id: int) -> tuple[int, int]:
    events = db.scalar(select(func.count()).select_from(InterventionEvent)
                       .where(InterventionEvent.intervention_id == item_id))
    attachments = db.scalar(select(func.count()).select_from(InterventionAttachment)
                            .where(InterventionAttachment.intervention_id == item_id))
    return events, attachments


@pytest.fixture()
def job(crew, assign, make_intervention):
    return assign(make_intervention(), crew)


REPORT = {"cause": "Choc de véhicule", "action_taken": "Lame remplacée", "time_spent_minutes": 40,
          "parts_used": [{"name": "Lame chêne", "quantity": 1}], "outcome": "back_in_service"}


def test_start_hold_resume_complete_through_the_workflow(client, db, field_headers, job):
    answer = post(client, field_headers, "start", job)
    assert answer.status_code == 200 and answer.json["status"] == "applied", answer.json
    assert answer.json["outcome"]["status"] == "in_progress" and answer.json["replayed"] is False
    version = answer.json["outcome"]["version"]

    held = post(client, field_headers, "hold", job, {"comment": "Pièce manquante"}, version=version).json
    assert held["status"] == "applied" and held["outcome"]["status"] == "on_hold"
    resumed = post(client, field_headers, "resume", job, version=held["outcome"]["version"]).json
    completed = post(client, field_headers, "complete", job, REPORT, version=resumed["outcome"]["version"]).json

    assert completed["status"] == "applied", completed
    db.expire_all()
    item = db.get(Intervention, job.id)
    assert item.status == "completed" and item.action_taken == "Lame remplacée" and item.time_spent_minutes == 40
    assert item.parts_used == [{"name": "Lame chêne", "quantity": 1}] and item.outcome == "back_in_service"
    kinds = db.scalars(select(FieldAction.kind).order_by(FieldAction.received_at, FieldAction.kind)
                       .where(FieldAction.intervention_id == job.id)).all()
    assert sorted(kinds) == ["complete", "hold", "resume", "start"]


def test_the_tablets_time_is_kept_when_plausible(client, db, field_headers, crew, assign, make_intervention):
    offline, wrong_clock = assign(make_intervention(), crew), assign(make_intervention(), crew)
    two_hours_ago = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=2)
    post(client, field_headers, "start", offline, done_at=two_hours_ago.isoformat())
    post(client, field_headers, "start", wrong_clock, done_at="2020-01-01T00:00:00+00:00")
    db.expire_all()
    assert db.get(Intervention, offline.id).started_at == two_hours_ago
    assert db.get(Intervention, wrong_clock.id).started_at > two_hours_ago  # the server's clock instead
    stored = db.scalars(select(FieldAction).where(FieldAction.intervention_id == wrong_clock.id)).one()
    assert stored.done_at is None


def test_checklist_and_note(client, db, field_headers, crew, assign, make_intervention):
    job = assign(make_intervention(kind="preventive"), crew)
    ticks = [True] + [False] * (len(job.checklist) - 1)
    assert post(client, field_headers, "checklist", job, {"checklist": ticks}).json["status"] == "applied"
    note = post(client, field_headers, "note", job, {"note": "Coffret forcé"}).json
    assert note["status"] == "applied" and note["outcome"]["event_id"]
    db.expire_all()
    assert [task["done"] for task in db.get(Intervention, job.id).checklist] == ticks
    assert db.get(InterventionEvent, note["outcome"]["event_id"]).comment == "Coffret forcé"


def test_photo_and_signature_are_attached(client, db, field_headers, job):
    photo = post(client, field_headers, "photo", job, file=(JPEG, "IMG_0001.jpg", "image/jpeg")).json
    signature = post(client, field_headers, "signature", job, file=(PNG, "signature.png", "image/png")).json
    assert photo["status"] == signature["status"] == "applied"
    assert {a.filename for a in db.scalars(select(InterventionAttachment)
                                           .where(InterventionAttachment.intervention_id == job.id))} \
        == {"IMG_0001.jpg", "signature.png"}


@pytest.mark.parametrize(("kind", "file", "expected"), [
    ("photo", (PDF, "report.pdf", "application/pdf"), "photo"),
    ("photo", (b"GIF89a....", "a.jpg", "image/jpeg"), "photo"),
    ("photo", (b"", "empty.jpg", "image/jpeg"), "vide"),
    ("signature", (JPEG, "signature.jpg", "image/jpeg"), "photo"),
    ("photo", None, "fichier"),
])
def test_bad_files_are_refused_at_their_field(client, db, field_headers, job, kind, file, expected):
    answer = post(client, field_headers, kind, job, file=file)
    assert answer.status_code == 200 and answer.json["status"] == "refused"
    assert set(answer.json["fields"]) == {"file"}
    assert expected in answer.json["fields"]["file"].lower() or expected in answer.json["message"].lower()
    assert counts(db, job.id)[1] == 0


def test_a_problem_reported_on_the_spot_creates_a_field_agent_request(client, db, field_headers, make_asset):
    bench = make_asset("bench")
    answer = post(client, field_headers, "request", None, {
        "description": "Candélabre penché", "longitude": DIJON_CENTRE[0], "latitude": DIJON_CENTRE[1],
        "asset_id": bench.id}, file=(JPEG, "penché.jpg", "image/jpeg")).json
    assert answer["status"] == "applied", answer
    request = db.get(ServiceRequest, answer["outcome"]["request_id"])
    assert request.source == "field_agent" and request.asset_id == bench.id and request.commune_id is not None
    assert request.reference == answer["outcome"]["reference"]
    assert db.scalars(select(RequestPhoto.filename).where(RequestPhoto.request_id == request.id)).all() == ["penché.jpg"]


def test_a_problem_without_position_or_description_is_refused_at_those_fields(client, field_headers):
    answer = post(client, field_headers, "request", None, {"description": " "},
                  file=(PDF, "x.pdf", "application/pdf")).json
    assert answer["status"] == "refused" and set(answer["fields"]) == {"description", "position", "file"}
    outside = post(client, field_headers, "request", None, {"description": "x", "longitude": 2.35,
                                                             "latitude": 48.85}).json  # Paris
    assert outside["status"] == "refused" and set(outside["fields"]) == {"position"}


def test_replaying_the_same_actions_creates_nothing_twice(client, db, field_headers, job):
    sent = {
        "photo": dict(kind="photo", item=job, file=(JPEG, "p.jpg", "image/jpeg")),
        "signature": dict(kind="signature", item=job, file=(PNG, "s.png", "image/png")),
        "note": dict(kind="note", item=job, data={"note": "Une seule fois"}),
        "start": dict(kind="start", item=job),
        "request": dict(kind="request", item=None, data={"description": "Banc tagué", "longitude": DIJON_CENTRE[0],
                                                          "latitude": DIJON_CENTRE[1]}),
    }
    ids = {name: str(uuid.uuid4()) for name in sent}
    first = {name: post(client, field_headers, action_id=ids[name], **args).json for name, args in sent.items()}
    complete_id, version = str(uuid.uuid4()), first["start"]["outcome"]["version"]
    first["complete"] = post(client, field_headers, "complete", job, REPORT, version=version, action_id=complete_id).json
    assert all(answer["status"] == "applied" for answer in first.values()), first
    before = counts(db, job.id), db.scalar(select(func.count()).select_from(ServiceRequest))

    for name, args in sent.items():  # the tablet did not hear the answers: it sends everything again
        again = post(client, field_headers, action_id=ids[name], **args).json
        assert again["replayed"] is True and again["status"] == "applied"
        assert again["outcome"] == first[name]["outcome"]
    again = post(client, field_headers, "complete", job, REPORT, version=version, action_id=complete_id).json
    assert again["replayed"] is True and again["outcome"] == first["complete"]["outcome"]

    assert (counts(db, job.id), db.scalar(select(func.count()).select_from(ServiceRequest))) == before
    events, attachments = before[0]
    assert attachments == 2
    db.expire_all()
    item = db.get(Intervention, job.id)
    assert item.status == "completed" and item.version == first["complete"]["outcome"]["version"]
    assert db.scalar(select(func.count()).select_from(FieldAction).where(
        FieldAction.id.in_([uuid.UUID(i) for i in [*ids.values(), complete_id]]))) == 6


def test_an_action_on_a_job_reassigned_meanwhile_is_refused_with_the_reason_and_recorded(
        client, db, field_headers, job, dispatcher, make_team):
    seen_version = job.version
    other = make_team(name="Éclairage Sud")
    services.perform_transition(db, dispatcher, job.id, job.version, "planned", None)
    item = db.get(Intervention, job.id)
    services.perform_transition(db, dispatcher, job.id, item.version, "assigned", None, {"team_id": other.id})
    action_id = str(uuid.uuid4())

    answer = post(client, field_headers, "start", job, version=seen_version, action_id=action_id).json

    assert answer["status"] == "refused" and answer["error"] == "PermissionDenied"
    assert "Éclairage Sud" in answer["message"]
    stored = db.get(FieldAction, uuid.UUID(action_id))
    assert stored.status == "refused" and stored.intervention_id == job.id
    assert db.get(Intervention, job.id).status == "assigned"
    replay = post(client, field_headers, "start", job, version=seen_version, action_id=action_id).json
    assert replay["replayed"] is True and replay["message"] == answer["message"]


def test_a_stale_version_is_refused_as_a_conflict(client, db, field_headers, job, dispatcher):
    services.update_intervention(db, dispatcher, job.id, job.version, {"description": "Changé au poste"})
    answer = post(client, field_headers, "start", job, version=job.version - 1).json
    assert answer["status"] == "refused" and answer["error"] == "Conflict" and "version" in answer["message"]


def test_a_malformed_action_is_a_422_and_is_not_recorded(client, db, field_headers):
    answer = client.post("/api/v1/field/actions", headers=field_headers, json={"id": "not-a-uuid", "kind": "dance"})
    assert answer.status_code == 422 and set(answer.json["fields"]) == {"id", "kind"}
    assert db.scalar(select(func.count()).select_from(FieldAction)) == 0


def test_another_agents_action_id_cannot_be_replayed_by_someone_else(client, db, field_headers, job, make_user):
    action_id = uuid.uuid4()
    intruder = make_user("field_agent")
    db.add(FieldAction(id=action_id, user_id=intruder.id, kind="note", intervention_id=job.id, status="applied",
                       outcome={"event_id": 1}))
    db.flush()
    answer = post(client, field_headers, "note", job, {"note": "x"}, action_id=str(action_id))
    assert answer.status_code == 422 and set(answer.json["fields"]) == {"id"}


def test_only_field_agents_send_field_actions(client, login_as):
    login_as("dispatcher")
    token = client.get("/api/v1/field/session")
    assert token.status_code == 403
