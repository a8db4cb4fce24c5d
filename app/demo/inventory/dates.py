"""The simulated calendar: fixed horizon, random days and working-hours moments."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

LAST_INSTALL = date(2025, 12, 31)  # installations span 1990-2025 (see PROFILES)
# Last day of the simulated history: a constant, so that runs agree whatever the clock.
HORIZON = date(2026, 10, 31)
LED_ERA = date(2013, 1, 1)  # LED retrofits of old luminaires start here
UTC = timezone.utc


def day_between(rnd: random.Random, low: date, high: date) -> date:
    """A day in [low, high] (``low`` when the range is empty)."""
    if high <= low:
        return low
    return low + timedelta(days=rnd.randint(0, (high - low).days))


def working_moment(rnd: random.Random, day: date) -> datetime:
    """A working-hours moment of ``day`` (UTC)."""
    return datetime.combine(day, time(rnd.randint(6, 16), rnd.randint(0, 59)), tzinfo=UTC)
