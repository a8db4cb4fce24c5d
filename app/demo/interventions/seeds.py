"""Seeded random streams of the intervention demo, apart from the inventory's."""
from __future__ import annotations

import random

from app.demo.inventory.seeds import python_random, seeded_rng

INTERVENTIONS_KEY = 9_000  # keeps these streams apart from the inventory's (seed, commune, purpose)
# One stream per purpose; STREAM_SPECS + n for the n-th reporting stream of the everyday flow,
# STREAM_PLANS + n for the n-th maintenance plan's visits.
STREAM_WAITING, STREAM_CAMPAIGN, STREAM_FLOW, STREAM_TOP_UP, STREAM_SPECS, STREAM_PLANS = 1, 2, 3, 4, 100, 200


def stream(seed: int, purpose: int) -> random.Random:
    """The random draws of one purpose: the same seed always gives the same draws."""
    return python_random(seeded_rng(seed, INTERVENTIONS_KEY, purpose))
