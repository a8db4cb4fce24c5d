"""The intervention workflow: which status may follow which, who may move it, and what
each step needs. One table, read by the services, the pages and the tests alike.

    new → planned → assigned → in_progress ⇄ on_hold → completed → closed
    (and reopened, which is planned again like new; cancelled from any open status)

A dispatcher plans, assigns, closes, cancels and reopens; the crew (a field agent of
the team the intervention is assigned to) starts, holds, resumes and completes it. A
dispatcher may also do the crew's steps, e.g. on the crew's word by radio.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.auth.models import User
from app.auth.roles import Permission


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    by_crew: bool = False  # a field agent of the assigned team may do it (besides dispatchers)
    needs_comment: bool = False  # the reason is compulsory (hold, cancel, reopen)


TRANSITIONS: tuple[Transition, ...] = (
    Transition("new", "planned"),
    Transition("new", "assigned"),
    Transition("new", "cancelled", needs_comment=True),
    Transition("reopened", "planned"),
    Transition("reopened", "assigned"),
    Transition("reopened", "cancelled", needs_comment=True),
    Transition("planned", "new"),  # back to the backlog
    Transition("planned", "assigned"),
    Transition("planned", "cancelled", needs_comment=True),
    Transition("assigned", "planned"),  # withdrawn from the crew
    Transition("assigned", "in_progress", by_crew=True),
    Transition("assigned", "cancelled", needs_comment=True),
    Transition("in_progress", "on_hold", by_crew=True, needs_comment=True),
    Transition("in_progress", "completed", by_crew=True),
    Transition("in_progress", "cancelled", needs_comment=True),
    Transition("on_hold", "in_progress", by_crew=True),
    Transition("on_hold", "cancelled", needs_comment=True),
    Transition("completed", "closed"),
    Transition("completed", "reopened", needs_comment=True),
    Transition("closed", "reopened", needs_comment=True),
)

_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}


def transition(source: str, target: str) -> Transition | None:
    """The transition from ``source`` to ``target``, or None if the workflow has none."""
    return _BY_PAIR.get((source, target))


def targets_from(source: str) -> list[str]:
    """The statuses that may follow ``source``, in workflow order."""
    return [t.target for t in TRANSITIONS if t.source == source]


def may_perform(actor: User, step: Transition, team_member_ids: set[int]) -> bool:
    """Whether ``actor`` may take ``step`` on an intervention whose team has these members."""
    if actor.can(Permission.PLAN_INTERVENTIONS):
        return True
    return step.by_crew and actor.can(Permission.DO_FIELD_WORK) and actor.id in team_member_ids


def allowed_targets(actor: User, source: str, team_member_ids: set[int]) -> list[str]:
    """The statuses ``actor`` may move an intervention in ``source`` to (the page's buttons)."""
    return [t.target for t in TRANSITIONS if t.source == source and may_perform(actor, t, team_member_ids)]
