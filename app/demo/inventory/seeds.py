"""Seeded random streams: the same (seed, commune, purpose) always gives the same draws."""
from __future__ import annotations

import random

import numpy as np

DEFAULT_SEED = 21231  # Dijon's INSEE code

# One stream per purpose, so that drawing more of one thing never shifts another.
STREAM_STREETS, STREAM_AVENUES, STREAM_LIGHTS, STREAM_JUNCTIONS, STREAM_SCATTERED = 1, 2, 3, 4, 10


def seeded_rng(seed: int, *keys: int) -> np.random.Generator:
    """A generator for one stream of draws: (seed, commune, purpose) → always the same draws."""
    return np.random.default_rng([seed, *keys])


def python_random(rng: np.random.Generator) -> random.Random:
    """A fast scalar generator for per-asset draws, seeded from ``rng``."""
    return random.Random(int(rng.integers(2**62)))
