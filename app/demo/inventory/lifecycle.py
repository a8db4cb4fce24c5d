"""An asset's life: install date, condition, maker, attributes, then faults, repairs, retrofits, end."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Callable

from app.demo.inventory.attributes import ATTRIBUTES, AttributeContext, led_attributes
from app.demo.inventory.dates import HORIZON, LED_ERA, day_between, working_moment
from app.demo.inventory.makers import FAMILY_MAKERS, draw_maker, pick_maker
from app.demo.inventory.profiles import MIRRORED_STATUSES, PROFILES, Profile

FAULT_REASONS = ("Panne signalée par un usager", "Défaut constaté en tournée", "Choc de véhicule", "Vandalisme")
REPAIR_REASON = "Remis en service après intervention"
END_REASONS = {
    "faulty": FAULT_REASONS,
    "out_of_service": ("Mis hors service : travaux de voirie", "Mis hors service : mise en sécurité"),
    "decommissioned": ("Déposé lors du réaménagement de la voie", "Dépose : matériel obsolète"),
}
REPLACED_REASON = "Remplacement par un luminaire LED (rénovation énergétique)"

Event = tuple[datetime, str, str, dict]  # (recorded_at, change, reason, {field: new value})


@dataclass
class Life:
    """One asset's generated life: its first state and its later changes, in date order."""

    created_at: datetime
    status: str
    installed_on: date | None
    manufacturer: str | None
    model: str | None
    condition: int | None
    attributes: dict
    events: list[Event]
    end_at: datetime | None = None  # when it reached its final status, if not in service

    @property
    def final_status(self) -> str:
        """The status after the last event."""
        return self.events[-1][3]["status"] if self.end_at else self.status


def draw_life(rnd: random.Random, code: str, dens: float, index: int = 0, installed: date | None = None,
              final: str | None = None, end_at: datetime | None = None) -> Life:
    """Draw an asset's life: install date, status history, maker and attributes."""
    profile = PROFILES[code]
    final = final or _final_status(rnd, profile)
    if final == "planned":
        return _planned_life(rnd, code, dens, index)
    installed = installed or day_between(rnd, date(profile.years[0], 1, 1), date(profile.years[1], 12, 31))
    attributes = ATTRIBUTES[code](rnd, AttributeContext(installed.year, dens, index))
    maker, model = draw_maker(rnd, code, attributes)
    if final != "in_service" and end_at is None:
        end_at = _end_of(rnd, final, installed)
    replaced = code == "luminaire" and attributes["lamp_technology"] != "led" and rnd.random() < 0.45
    events = _events(rnd, profile, installed, final, end_at, _led_replacement if replaced else None)
    return Life(working_moment(rnd, installed), "in_service", installed, maker, model, _condition(rnd, installed),
                attributes, events, end_at)


def draw_child_life(rnd: random.Random, code: str, dens: float, parent: Life, index: int = 0) -> Life:
    """A child installed with its parent, planned / out of service / removed with it."""
    if parent.final_status in MIRRORED_STATUSES:
        end_at = parent.end_at + timedelta(minutes=7) if parent.end_at else None
        return draw_life(rnd, code, dens, index, parent.installed_on, parent.final_status, end_at)
    final = "faulty" if rnd.random() < PROFILES[code].faulty else "in_service"
    return draw_life(rnd, code, dens, index, parent.installed_on, final)


def _planned_life(rnd: random.Random, code: str, dens: float, index: int) -> Life:
    """An asset decided in the last months, not installed yet (no date, no condition)."""
    day = HORIZON - timedelta(days=rnd.randint(1, 300))
    attributes = ATTRIBUTES[code](rnd, AttributeContext(None, dens, index))
    maker, model = draw_maker(rnd, code, attributes)
    return Life(working_moment(rnd, day), "planned", None, maker, model, None, attributes, [])


def _final_status(rnd: random.Random, profile: Profile) -> str:
    """Draw the status the asset has now, by the shares of its profile."""
    draw = rnd.random()
    for status in ("planned", "decommissioned", "out_of_service", "faulty"):
        share = getattr(profile, status)
        if draw < share:
            return status
        draw -= share
    return "in_service"


def _end_of(rnd: random.Random, final: str, installed: date) -> datetime:
    """When the asset reached its final status: recent faults, older removals."""
    if final == "faulty":
        day = HORIZON - timedelta(days=rnd.randint(1, 90))
    elif final == "out_of_service":
        day = HORIZON - timedelta(days=rnd.randint(20, 400))
    else:
        day = day_between(rnd, min(installed + timedelta(days=730), HORIZON), HORIZON - timedelta(days=1))
    return working_moment(rnd, max(day, installed + timedelta(days=1)))


def _events(rnd: random.Random, profile: Profile, installed: date, final: str, end_at: datetime | None,
            replacement: Callable[[random.Random], dict] | None) -> list[Event]:
    """Past faults (each repaired), maybe a replacement, then the change to the final status."""
    limit = (end_at.date() if end_at else HORIZON) - timedelta(days=30)
    first = installed + timedelta(days=30)
    slots = _repeats(rnd, profile.repairs) + (1 if replacement else 0)
    days = sorted(day_between(rnd, first, limit) for _ in range(slots)) if first < limit else []
    events: list[Event] = []
    for k, day in enumerate(days):
        next_day = days[k + 1] if k + 1 < len(days) else limit
        if replacement and k == len(days) - 1:  # retrofits are recent: the last slot
            if day >= LED_ERA:
                events.append((working_moment(rnd, day), "replaced", REPLACED_REASON, replacement(rnd)))
        else:
            events.extend(_fault_and_repair(rnd, day, next_day))
    if end_at is not None:
        change = "decommissioned" if final == "decommissioned" else "status_changed"
        events.append((end_at, change, rnd.choice(END_REASONS[final]), {"status": final}))
    return events


def _fault_and_repair(rnd: random.Random, day: date, before: date) -> list[Event]:
    """A fault on ``day`` repaired 1-40 days later, strictly before ``before``."""
    repaired = min(day + timedelta(days=rnd.randint(1, 40)), before - timedelta(days=1))
    if repaired <= day:
        return []
    return [(working_moment(rnd, day), "status_changed", rnd.choice(FAULT_REASONS), {"status": "faulty"}),
            (working_moment(rnd, repaired), "status_changed", REPAIR_REASON, {"status": "in_service"})]


def _led_replacement(rnd: random.Random) -> dict:
    """The change of a legacy luminaire for an LED one: new maker, model, lamp, serial."""
    attributes = led_attributes(rnd)
    maker, model = pick_maker(rnd, FAMILY_MAKERS[("luminaire", "led")])
    patch = {"manufacturer": maker, "model": model, "condition": 1, "attributes.last_relamped_on": None}
    patch.update({f"attributes.{name}": value for name, value in attributes.items()})
    return patch


def _repeats(rnd: random.Random, chance: float) -> int:
    """How many times (0-3) something of probability ``chance`` happened again and again."""
    count = 0
    while count < 3 and rnd.random() < chance:
        count += 1
    return count


def _condition(rnd: random.Random, installed: date) -> int:
    """Condition grade from 1 (as new) to 5 (worn out), worse with age."""
    age = (HORIZON - installed).days / 365.25
    return min(5, max(1, round(1 + age / 9 + rnd.gauss(0, 0.6))))
