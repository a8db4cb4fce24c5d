"""Due dates from SLA rules: a number of hours after the report, counted on the calendar
or in working hours (weekdays, office periods, French public holidays excluded).

Times are aware datetimes; working periods are read in the territory's local time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from app.interventions.models import SlaRule


@dataclass(frozen=True)
class WorkingCalendar:
    """When crews work: periods of each working day, in ``timezone``, except public holidays."""

    timezone: str = "Europe/Paris"
    periods: tuple[tuple[time, time], ...] = ((time(8, 0), time(12, 0)), (time(13, 30), time(17, 30)))
    country: str = "FR"

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in _public_holidays(self.country, day.year)

    def holiday_name(self, day: date) -> str | None:
        return _public_holidays(self.country, day.year).get(day)


DEFAULT_CALENDAR = WorkingCalendar()


@lru_cache(maxsize=32)
def _public_holidays(country: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, years=year)


def due_at(start: datetime, hours: float, counting: str, calendar: WorkingCalendar = DEFAULT_CALENDAR) -> datetime:
    """The instant ``hours`` after ``start``: calendar hours, or working hours of ``calendar``."""
    if counting == "calendar":
        return start + timedelta(hours=hours)
    return _add_working_time(start, timedelta(hours=hours), calendar)


def _add_working_time(start: datetime, remaining: timedelta, calendar: WorkingCalendar) -> datetime:
    zone = ZoneInfo(calendar.timezone)
    cursor = start.astimezone(zone)
    day = cursor.date()
    for _ in range(3660):  # ten years of days: far beyond any SLA, guards a calendar with no working day
        if calendar.is_working_day(day):
            for opens, closes in calendar.periods:
                period_start = datetime.combine(day, opens, zone)
                period_end = datetime.combine(day, closes, zone)
                begin = max(period_start, cursor)
                if begin >= period_end:
                    continue
                available = period_end - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(start.tzinfo)
                remaining -= available
        day += timedelta(days=1)
    raise ValueError("the working calendar has no working time")


def sla_due(rules: list[SlaRule], priority: int, asset_type_ids: set[int], reported_at: datetime,
            calendar: WorkingCalendar = DEFAULT_CALENDAR) -> tuple[SlaRule | None, datetime | None]:
    """The rule that sets the due date of an intervention of ``priority`` on assets of these
    types, and that date. Among the types' own rules the one due first wins; without any,
    the priority's default rule (no type) applies; without that either, there is no SLA."""
    candidates = [r for r in rules if r.priority == priority and r.asset_type_id in asset_type_ids]
    if not candidates:
        candidates = [r for r in rules if r.priority == priority and r.asset_type_id is None]
    timed = [(due_at(reported_at, r.hours, r.counting, calendar), r.id, r) for r in candidates]
    if not timed:
        return None, None
    due, _, rule = min(timed, key=lambda item: (item[0], item[1]))
    return rule, due
