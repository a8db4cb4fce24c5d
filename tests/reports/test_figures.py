"""Outage-hours from the history and service figures from the interventions, by hand."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from app.reports.coverage import territory_day
from app.reports.queries import Window, dashboard_figures
from tests.reports.conftest import QUIET_INSEE



def _home(db) -> dict:
    return dict(db.execute(text("SELECT id, insee, name FROM communes WHERE insee = :i"), {"i": QUIET_INSEE}).mappings().one())


def test_outage_spells_follow_the_history_and_sum_within_the_period(db, place):
    light = place("street_light", (0.0, 0.0), {"height_m": 6.0})
    now = db.execute(text("SELECT now()")).scalar_one()
    for hours_ago, status in ((10, "faulty"), (8, "out_of_service"), (4, "in_service"), (2, "faulty")):
        db.execute(text("""INSERT INTO asset_history (asset_id, recorded_at, change, changes, version, reference,
                               type_id, geom, commune_id, status, attributes)
                           SELECT id, :at, 'status_changed', '{}', version, reference, type_id, geom, commune_id,
                                  :status, attributes FROM assets WHERE id = :id"""),
                   {"at": now - timedelta(hours=hours_ago), "status": status, "id": light.id})
    spells = db.execute(text("SELECT started_at, ended_at FROM asset_outages WHERE asset_id = :id ORDER BY 1"),
                        {"id": light.id}).all()
    assert [(now - s).total_seconds() / 3600 for s, _e in spells] == pytest.approx([10, 2])
    assert (now - spells[0].ended_at).total_seconds() / 3600 == pytest.approx(4)  # faulty → out of service: one spell
    assert spells[1].ended_at is None  # still faulty
    rows, total = dashboard_figures(db, [_home(db)], Window(territory_day(), 7))
    assert rows[0].outage_hours == pytest.approx(6 + 2, abs=0.01)
    assert total.outage_hours == rows[0].outage_hours


def test_repair_times_sla_and_backlog(db):
    home = _home(db)
    now = db.execute(text("SELECT now()")).scalar_one()
    for n, (reported_h, done_h) in enumerate(((50, 40), (40, 10), (48, None))):
        db.execute(text("""
            INSERT INTO interventions (reference, version, kind, priority, status, description, geom, commune_id,
                                       checklist, parts_used, reported_at, due_at, completed_at)
            SELECT :ref, 1, 'corrective', 2, :status, '', ST_PointOnSurface(geom), id, '[]', '[]', :reported,
                   CAST(:reported AS timestamptz) + interval '24 hours', :done
            FROM communes WHERE id = :commune"""),
            {"ref": f"INT-TEST-{n}", "status": "completed" if done_h else "assigned", "commune": home["id"],
             "reported": now - timedelta(hours=reported_h), "done": now - timedelta(hours=done_h) if done_h else None})
    (row,), _total = dashboard_figures(db, [home], Window(territory_day(), 7))
    assert row.interventions == 3 and row.repairs == 2
    assert row.mean_repair_hours == pytest.approx(20.0, abs=0.01)  # 10 h and 30 h
    assert row.p90_repair_hours == pytest.approx(28.0, abs=0.01)  # 10 + 0.9 × 20, interpolated
    assert (row.sla_met, row.sla_checked) == (1, 2)  # 10 h within 24 h; 30 h late
    assert row.backlog == 1 and row.backlog_mean_age_days == pytest.approx(2.0, abs=0.01)
