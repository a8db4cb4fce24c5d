"""How many assets of each type each commune gets, and how groups are split."""
from __future__ import annotations

import math

import numpy as np

from app.demo.inventory.profiles import BASE_COUNTS, PROFILES
from app.demo.inventory.streets import Streets


def _scaled(base: int, scale: float) -> int:
    """``base`` at ``scale``, rounded half up, at least one."""
    return max(1, int(math.floor(base * scale + 0.5)))


def commune_quotas(plans: list[Streets], scale: float) -> list[dict[str, int]]:
    """How many assets of each scattered type each commune gets (weighted by its streets)."""
    quotas: list[dict[str, int]] = [{} for _ in plans]
    for code, base in BASE_COUNTS.items():
        power = PROFILES[code].density_power
        weights = np.array([float(np.sum(p.spans.length * p.spans.dens ** power)) for p in plans])
        for quota, count in zip(quotas, _apportion(_scaled(base, scale), weights)):
            quota[code] = count
    return quotas


def _apportion(total: int, weights: np.ndarray) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders)."""
    share = total * weights / weights.sum()
    counts = np.floor(share).astype(int)
    order = np.argsort(-(share - counts), kind="stable")
    counts[order[: total - int(counts.sum())]] += 1
    return counts.tolist()


def split_in_groups(total: int, parts: int, rng: np.random.Generator, low: float, high: float) -> list[int]:
    """``total`` split into ``parts`` groups of at least one, in proportions drawn in low..high."""
    parts = max(1, min(parts, total))
    return [1 + n for n in _apportion(total - parts, rng.uniform(low, high, parts))]
