"""Pages of features as GeoJSON text: the features come from PostGIS as JSON text and are
spliced into the FeatureCollection as they are (no parse and re-encode in Python)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from app.auth.models import User
from app.inventory import queries
from app.ogc.params import ItemsQuery

# numberMatched is exact on the last page (free); otherwise it is given up to this many
# matches (counted by a bounded scan, or with the page under a bbox) and left out beyond.
COUNT_CAP = 10_000


@dataclass(frozen=True)
class Page:
    """One page of features (JSON texts), whether more follow, and how many match (None: many)."""

    features: list[str]
    more: bool
    matched: int | None


def fetch_page(session: Session, actor: User, query: ItemsQuery) -> Page:
    """The page ``query`` asks for, whether a next one exists, and numberMatched."""
    page = queries.feature_page(session, actor, query.flt, query.limit, query.offset, count_cap=COUNT_CAP)
    return Page(page.features, page.more, page.matched)


def feature_collection_text(page: Page, links: list[dict]) -> str:
    """The GeoJSON FeatureCollection of ``page`` with its OGC members, as text."""
    head: dict = {"type": "FeatureCollection", "timeStamp": now_iso(), "numberReturned": len(page.features)}
    if page.matched is not None:
        head["numberMatched"] = page.matched
    head["links"] = links
    return json.dumps(head, ensure_ascii=False)[:-1] + ', "features": [' + ",".join(page.features) + "]}"


def now_iso() -> str:
    """The current instant, UTC, RFC 3339."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
