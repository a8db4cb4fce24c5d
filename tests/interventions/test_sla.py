"""Due dates: calendar hours, working hours across a weekend and a public holiday."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from app.interventions.models import SlaRule
from app.interventions.sla import DEFAULT_CALENDAR, due_at, sla_due

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def test_calendar_hours_run_through_nights_and_weekends():
    assert due_at(paris(2026, 11, 20, 22, 0), 4, "calendar") == paris(2026, 11, 21, 2, 0)


def test_working_hours_skip_the_lunch_break_and_the_night():
    # Monday 16:00 + 3 working hours: 1.5 h until 17:30, then Tuesday 08:00 + 1.5 h.
    assert due_at(paris(2026, 11, 23, 16, 0), 3, "working") == paris(2026, 11, 24, 9, 30)
    # Monday 11:00 + 2 h: 1 h before lunch, 1 h after 13:30.
    assert due_at(paris(2026, 11, 23, 11, 0), 2, "working") == paris(2026, 11, 23, 14, 30)


def test_working_hours_skip_the_weekend():
    # Friday 17:00 + 1 h: 30 min on Friday, then Monday 08:00 + 30 min.
    assert due_at(paris(2026, 11, 20, 17, 0), 1, "working") == paris(2026, 11, 23, 8, 30)


def test_a_report_outside_working_hours_starts_counting_at_the_next_opening():
    assert due_at(paris(2026, 11, 21, 10, 0), 2, "working") == paris(2026, 11, 23, 10, 0)  # a Saturday


def test_working_hours_skip_a_public_holiday_and_the_weekend_after_it():
    # Armistice, Wednesday 11 November 2026, is a public holiday in France.
    assert DEFAULT_CALENDAR.holiday_name(paris(2026, 11, 11).date())
    # Tuesday 10 Nov 17:00 + 8 working hours: 0.5 h Tuesday, holiday Wednesday, 7.5 h Thursday.
    assert due_at(paris(2026, 11, 10, 17, 0), 8, "working") == paris(2026, 11, 12, 17, 0)
    # Thursday 30 April 2026 17:00 + 8 h: Friday 1 May is Labour Day, then the weekend.
    assert due_at(paris(2026, 4, 30, 17, 0), 8, "working") == paris(2026, 5, 4, 17, 0)


def test_the_answer_keeps_the_callers_time_zone():
    start = datetime(2026, 11, 23, 7, 0, tzinfo=ZoneInfo("UTC"))  # 08:00 in Paris
    assert due_at(start, 1, "working") == datetime(2026, 11, 23, 8, 0, tzinfo=ZoneInfo("UTC"))


def _rule(rule_id, priority, type_id, hours, counting):
    return SlaRule(id=rule_id, priority=priority, asset_type_id=type_id, hours=hours, counting=counting)


def test_the_types_own_rule_wins_over_the_default_and_the_earliest_among_types():
    rules = [_rule(1, 2, None, 24, "calendar"), _rule(2, 2, 10, 8, "calendar"), _rule(3, 2, 11, 16, "working")]
    reported = paris(2026, 11, 23, 9, 0)
    rule, due = sla_due(rules, 2, {10, 11}, reported)
    assert rule.id == 2 and due == paris(2026, 11, 23, 17, 0)
    rule, due = sla_due(rules, 2, {12}, reported)
    assert rule.id == 1 and due == paris(2026, 11, 24, 9, 0)
    assert sla_due(rules, 3, {10}, reported) == (None, None)
