"""The demo's teams and two years of interventions on the Dijon Métropole inventory.

Seven teams with their field agents (``crews``) take the work. The everyday flow
(``natural``) reports faults on the assets at each type's yearly rate (``care``: how it
breaks, who mends it, what they find and do), routine visits (the maintenance plans'
visits where a plan covers the type: ``plans``) and roadwork, and works each one
through the workflow as a dispatcher and a crew would: report, dispatch, start, hold,
complete with a report, close; a few are cancelled. The assets the inventory left faulty
are mended by a catch-up campaign of rounds (``campaign``). What is under way at ``now``
stays in the status it has reached, and ``backlog`` makes sure every open status (and
completed, awaiting closure) is present, with repairs waiting for a part.

Every timeline step is an ``intervention_events`` row; due dates come from the SLA rules
(a plan's visit is due at the end of its day); an out-of-order report marks the asset
faulty and closing puts it back in service, replaces or removes it, as history rows
appended after the asset's latest one (``pool``), linked to the intervention. So a
faulty asset has an open corrective intervention. Rows are written with COPY
(``writer``); references ``INT-YEAR-NNNNNN`` follow the report order and the counters
continue from the last one. The same seed, the same inventory and the same ``now`` give
the same interventions.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.demo.interventions.backlog import top_ups, waiting_for_parts
from app.demo.interventions.campaign import campaign_drafts
from app.demo.interventions.clock import UTC
from app.demo.interventions.context import Context
from app.demo.interventions.crews import TEAMS, ensure_crews, place_crews
from app.demo.interventions.natural import natural_drafts
from app.demo.interventions.seeds import STREAM_CAMPAIGN, STREAM_TOP_UP, STREAM_WAITING, stream
from app.demo.interventions.writer import write_drafts
from app.demo.inventory.seeds import DEFAULT_SEED
from app.errors import ValidationFailed

__all__ = ["TEAMS", "generate_interventions", "load_demo_interventions"]


def load_demo_interventions(session: Session, now: datetime | None = None,
                            seed: int = DEFAULT_SEED) -> dict[str, int] | None:
    """Generate the demo's interventions unless there is one already (then None); either
    way, equip the crews if needed and give each a fresh last position."""
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(second=0, microsecond=0)
    if session.execute(text("SELECT EXISTS (SELECT 1 FROM interventions)")).scalar_one():
        place_crews(session, ensure_crews(session), now)
        return None
    counts = generate_interventions(session, now, seed)
    place_crews(session, ensure_crews(session), now)
    return counts


def generate_interventions(session: Session, now: datetime | None = None,
                           seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Generate teams and interventions up to ``now`` (default: the current time) in the
    session's transaction; returns how many interventions there are in each status."""
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(second=0, microsecond=0)
    session.flush()
    if not session.execute(text("SELECT EXISTS (SELECT 1 FROM assets)")).scalar_one():
        raise ValidationFailed("The registry has no asset: generate the inventory first (vigie generate-inventory).")
    context = Context.load(session, ensure_crews(session), now)
    drafts = waiting_for_parts(context, stream(seed, STREAM_WAITING))
    drafts += campaign_drafts(context, stream(seed, STREAM_CAMPAIGN))
    drafts += natural_drafts(context, seed)
    drafts += top_ups(context, stream(seed, STREAM_TOP_UP), drafts)
    write_drafts(session, drafts, context.pool.history)
    session.expire_all()
    return dict(sorted(Counter(draft.status for draft in drafts).items()))
