"""Every transition, allowed and forbidden, for every role; what each step needs."""
from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from app.errors import InvalidTransition, PermissionDenied, ValidationFailed
from app.interventions import services, workflow
from app.interventions.models import InterventionEvent, STATUSES

ROLES = ("admin", "asset_manager", "dispatcher", "field_agent", "councillor")
PLANNERS = {"admin", "dispatcher"}
# What a step needs besides the actor: the fields it takes.
STEP_DETAILS = {
    "planned": {"planned_start": "2026-11-24T08:00"},
    "completed": {"cause": "Lamp at end of life", "action_taken": "Lamp replaced", "time_spent_minutes": 40,
                  "outcome": "back_in_service"},
}
STEP_DETAILS["closed"] = STEP_DETAILS["completed"]


def expected_allowed(role: str, step: workflow.Transition, member: bool) -> bool:
    return role in PLANNERS or (role == "field_agent" and step.by_crew and member)


@pytest.mark.parametrize("role", ROLES)
def test_every_pair_of_statuses_for_every_role(db, make_user, make_team, make_intervention, sla_rules, role):
    """For each (source, target) pair, the step happens exactly when the table and the role allow it."""
    actor = make_user(role)
    crew_agent = make_user("field_agent")
    team = make_team(members=[crew_agent, actor] if role == "field_agent" else [crew_agent])
    outcomes = {}
    for source, target in itertools.product(STATUSES, STATUSES):
        savepoint = db.begin_nested()
        item = make_intervention()
        item.status, item.team_id = source, team.id
        db.flush()
        step = workflow.transition(source, target)
        allowed = step is not None and expected_allowed(role, step, member=True)
        comment = "reason" if step and step.needs_comment else None
        try:
            services.perform_transition(db, actor, item.id, item.version, target, comment,
                                        dict(STEP_DETAILS.get(target, {}), team_id=team.id))
            outcomes[source, target] = "done" if item.status == target else "not applied"
        except InvalidTransition:
            outcomes[source, target] = "invalid"
        except PermissionDenied:
            outcomes[source, target] = "denied"
        except ValidationFailed as error:  # every step gets what it needs: a failure here is a test bug
            pytest.fail(f"{role}: {source} → {target}: {error.message} {error.field_errors}")
        savepoint.rollback()
    # A role with no part in the workflow is refused before anything else is looked at.
    expected = {
        (s, t): ("denied" if role not in PLANNERS | {"field_agent"}
                 else "invalid" if workflow.transition(s, t) is None
                 else "done" if expected_allowed(role, workflow.transition(s, t), member=True) else "denied")
        for s, t in itertools.product(STATUSES, STATUSES)
    }
    assert outcomes == expected
    assert sum(v == "done" for v in outcomes.values()) == {
        "admin": 20, "dispatcher": 20, "field_agent": 4, "asset_manager": 0, "councillor": 0}[role]


def test_a_field_agent_outside_the_team_may_not_start_it(db, make_user, make_team, make_intervention, sla_rules):
    outsider = make_user("field_agent")
    item = make_intervention()
    item.status, item.team_id = "assigned", make_team().id
    db.flush()
    with pytest.raises(PermissionDenied):
        services.perform_transition(db, outsider, item.id, item.version, "in_progress")
    assert item.status == "assigned"


def test_each_step_is_recorded_with_who_when_and_the_comment(db, dispatcher, make_team, make_intervention, sla_rules):
    agent = dispatcher
    item = make_intervention()
    team = make_team()
    services.perform_transition(db, agent, item.id, item.version, "planned", None,
                                {"team_id": team.id, "planned_start": "2026-11-24T08:00"})
    services.perform_transition(db, agent, item.id, item.version, "assigned")
    services.perform_transition(db, agent, item.id, item.version, "in_progress")
    services.perform_transition(db, agent, item.id, item.version, "on_hold", "Waiting for a part")
    events = list(db.scalars(select(InterventionEvent).where(InterventionEvent.intervention_id == item.id)
                             .order_by(InterventionEvent.id)))
    assert [(e.from_status, e.to_status) for e in events] == [
        (None, "new"), ("new", "planned"), ("planned", "assigned"), ("assigned", "in_progress"),
        ("in_progress", "on_hold")]
    assert events[-1].comment == "Waiting for a part" and all(e.actor_id == agent.id for e in events)
    assert events[1].changes["team_id"] == [None, team.id]


@pytest.mark.parametrize("source,target,field", [
    ("new", "planned", "planned_start"),
    ("new", "assigned", "team_id"),
    ("in_progress", "on_hold", "comment"),
    ("new", "cancelled", "comment"),
    ("closed", "reopened", "comment"),
    ("in_progress", "completed", "action_taken"),
])
def test_a_step_without_what_it_needs_is_refused_at_the_field(db, dispatcher, make_intervention, sla_rules,
                                                              source, target, field):
    item = make_intervention()
    item.status = source
    db.flush()
    version = item.version
    with pytest.raises(ValidationFailed) as refused:
        services.perform_transition(db, dispatcher, item.id, version, target)
    assert field in refused.value.field_errors
    db.refresh(item)
    assert item.status == source and item.version == version
