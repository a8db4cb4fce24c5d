"""Time for the generated timelines: working hours of the crews' calendar (forwards and
backwards), report moments of the day, and aware UTC datetimes throughout."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from app.interventions.sla import DEFAULT_CALENDAR, due_at

UTC = timezone.utc
LOCAL = ZoneInfo(DEFAULT_CALENDAR.timezone)
MINUTE = timedelta(minutes=1)


def after_working(start: datetime, hours: float) -> datetime:
    """The instant ``hours`` working hours after ``start`` (the crews' calendar)."""
    return due_at(start, hours, "working").astimezone(UTC)


def before_working(end: datetime, hours: float) -> datetime:
    """The instant ``hours`` working hours before ``end``; with 0, the last working moment."""
    cursor = end.astimezone(LOCAL)
    remaining = timedelta(hours=hours)
    day = cursor.date()
    for _ in range(3660):
        if DEFAULT_CALENDAR.is_working_day(day):
            for opens, closes in reversed(DEFAULT_CALENDAR.periods):
                period_start = datetime.combine(day, opens, LOCAL)
                stop = min(datetime.combine(day, closes, LOCAL), cursor)
                if stop <= period_start:
                    continue
                if remaining <= stop - period_start:
                    return (stop - remaining).astimezone(UTC)
                remaining -= stop - period_start
        day -= timedelta(days=1)
    raise ValueError("the working calendar has no working time")


def is_office_hours(moment: datetime) -> bool:
    """Whether the day dispatcher is at the desk (working days, 7:30-18:30 local)."""
    local = moment.astimezone(LOCAL)
    return DEFAULT_CALENDAR.is_working_day(local.date()) and time(7, 30) <= local.time() < time(18, 30)


def local_moment(day: date, hours: float) -> datetime:
    """``hours`` after local midnight of ``day``, in UTC, on a whole minute."""
    return datetime.combine(day, time(0), LOCAL).astimezone(UTC) + timedelta(minutes=round(hours * 60))


def report_moment(rnd: random.Random, day: date, alarm: bool) -> datetime:
    """When a fault is reported on ``day``: an equipment alarm at any hour, people mostly by day."""
    if alarm and rnd.random() < 0.5:
        return local_moment(day, rnd.uniform(0, 24))
    if rnd.random() < 0.82:
        return local_moment(day, rnd.triangular(7, 19.5, 10))
    return local_moment(day, rnd.uniform(19.5, 23.5))


def office_moment(rnd: random.Random, day: date) -> datetime:
    """A moment of office hours on ``day`` or, if it is not a working day, the next one."""
    while not DEFAULT_CALENDAR.is_working_day(day):
        day += timedelta(days=1)
    return local_moment(day, rnd.uniform(8, 17))


def rounded_up(moment: datetime, minutes: int = 15) -> datetime:
    """``moment`` rounded up to a multiple of ``minutes`` past the hour."""
    base = moment.replace(second=0, microsecond=0)
    if base < moment:
        base += MINUTE
    return base + timedelta(minutes=-base.minute % minutes)
