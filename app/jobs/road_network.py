"""Rebuilding the routable street network from the road segments (pgRouting's tables).

Enqueued after an import that wrote or undid road segments and after an edit of a road
segment (``request_rebuild``), and every 10 minutes by ``vigie-cron`` as a safety net
(cheap when nothing changed: one query). The build is idempotent and locked."""
from __future__ import annotations

import logging

from redis import Redis
from sqlalchemy.orm import Session

from app.dispatch.network import build_road_network, refresh_road_network
from app.jobs import job_session
from app.queue import enqueue_after_commit

log = logging.getLogger(__name__)
REFRESH_JOB = "app.jobs.road_network.refresh_network"


def refresh_network() -> dict:
    """Rebuild the network if road segments changed since its last build; one commit."""
    with job_session() as session:
        state = refresh_road_network(session)
        session.commit()
    log.info("road network: %d segments, %d edges, %d vertices (built %s in %d ms)", state.segment_count,
             state.edge_count, state.vertex_count, state.built_at, state.build_ms)
    return {"segments": state.segment_count, "edges": state.edge_count, "vertices": state.vertex_count}


def rebuild_network() -> dict:
    """Rebuild the network whatever its state; one commit."""
    with job_session() as session:
        state = build_road_network(session)
        session.commit()
    return {"segments": state.segment_count, "edges": state.edge_count, "vertices": state.vertex_count}


def request_rebuild(session: Session, redis: Redis) -> None:
    """Have the network refreshed once ``session`` commits."""
    enqueue_after_commit(session, redis, REFRESH_JOB, retries=1, timeout=900)
