"""The words printed documents use, already in the reader's language.

Layouts never translate: the caller (``app.printing.wording``) fills this object from
the translation catalogues, so one layout prints French or English. Texts with
``%(name)s`` are filled in by the layout.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Wording:
    """Every label of the work order and the day pack, in one language."""

    language: str
    # the work order's header and facts
    work_order: str
    kind: str
    priority: str
    status: str
    due: str
    team: str
    window: str
    estimate: str
    description: str
    qr_caption: str
    # location and map
    location: str
    address: str
    commune: str
    coordinates: str
    scale: str  # %(denominator)s
    north: str
    legend_place: str
    legend_concerned: str
    legend_road: str
    legend_boundary: str
    # assets
    assets: str
    asset_count: str  # a column's header: how many assets
    asset_type: str
    asset_facts: str
    asset_events: str
    no_assets: str
    more_assets: str  # %(count)s %(references)s
    # what the crew fills in
    checklist: str
    no_checklist: str
    safety: str
    safety_notes: tuple[str, ...]
    parts: str
    part: str
    quantity: str
    asset: str
    time_on_site: str
    date: str
    arrival: str
    departure: str
    agents: str
    time_spent: str
    outcome: str
    outcomes: tuple[str, ...]
    remarks: str
    signatures: str
    agent: str
    supervisor: str
    name: str  # with its colon: "Name:", "Nom :"
    signed_on: str  # "Date:", "Date :"
    signature: str
    # page furniture
    page: str
    printed: str  # %(date)s
    continued: str  # %(reference)s
    # the crew day pack
    day_pack: str
    day_title: str  # %(team)s %(day)s
    route: str
    route_note: str  # %(km)s
    jobs: str
    number: str
    time: str
    place: str
    day_total: str  # %(count)s %(duration)s
    no_jobs: str
    fact: str  # %(label)s %(value)s: one characteristic of an asset
