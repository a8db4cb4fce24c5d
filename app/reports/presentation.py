"""The dashboard's figures as words and numbers in the reader's language (pages, PDF, CSV).

No Flask here: ``_`` is the caller's gettext (flask_babel's in a request, Babel's
catalogue otherwise) and numbers are formatted with Babel for ``language``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from babel.numbers import format_decimal, format_percent

from app.reports.queries import HEADLINES, Figures

Gettext = Callable[[str], str]


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    value: str
    previous: str
    trend: str  # "up", "down", "flat" or "" (nothing to compare)
    judgement: str  # "better", "worse" or "" (neutral)
    raw: float | None


def labels(_: Gettext, figures: Figures) -> dict[str, str]:
    """Each headline's name; the lit share says what it is measured on."""
    return {
        "lit_share": _("Roads lit") if figures.lit_by_roads else _("Built-up area lit"),
        "cctv_share": _("Public space under CCTV") if figures.lit_by_roads else _("Built-up area under CCTV"),
        "out_of_order": _("Assets faulty or out of service"),
        "outage_hours": _("Outage hours"),
        "interventions": _("Interventions reported"),
        "mean_repair_hours": _("Mean time to repair"),
        "p90_repair_hours": _("90% repaired within"),
        "sla_share": _("Repairs on time"),
        "backlog": _("Open interventions"),
        "backlog_mean_age_days": _("Mean age of open interventions"),
    }


def format_value(_: Gettext, language: str, key: str, value: float | None) -> str:
    """A headline's value with its unit, or a dash when there is nothing to measure."""
    if value is None:
        return "—"
    if key.endswith("_share"):
        return format_percent(value, "#,##0.0 %", locale=language)
    if key.endswith("_hours") and key != "outage_hours":
        return _("%(hours)s h") % {"hours": format_decimal(value, "#,##0.0", locale=language)}
    if key.endswith("_days"):
        return _("%(days)s d") % {"days": format_decimal(value, "#,##0.0", locale=language)}
    return format_decimal(value, "#,##0", locale=language)


def headlines(_: Gettext, language: str, current: Figures, previous: Figures) -> list[Headline]:
    """The dashboard's figures with the previous period's and whether things got better."""
    names = labels(_, current)
    rows = []
    for key, higher_is_better in HEADLINES:
        now, before = _value(current, key), _value(previous, key)
        shown, shown_before = format_value(_, language, key, now), format_value(_, language, key, before)
        trend, judgement = "", ""
        if now is not None and before is not None:  # a change too small to show is no change
            trend = "flat" if shown == shown_before else ("up" if now > before else "down")
            if trend != "flat" and higher_is_better is not None:
                judgement = "better" if (trend == "up") == higher_is_better else "worse"
        rows.append(Headline(key, names[key], shown, shown_before, trend, judgement, now))
    return rows


def _value(figures: Figures, key: str) -> float | None:
    value = getattr(figures, key)
    return None if value is None else float(value)


# CSV columns: (header, how to read it from Figures); numbers stay numbers.
def csv_rows(figures: list[Figures], window_start: str, window_end: str) -> tuple[list[str], list[list]]:
    """Header and rows of the figures CSV (stable English column names, one row per commune)."""
    header = ["insee", "commune", "period_start", "period_end", "coverage_day", "lit_measured_on", "lit_share",
              "cctv_share", "assets", "faulty", "out_of_service", "lights", "lights_in_service", "cameras",
              "cameras_in_service", "road_length_m", "lit_road_length_m", "dark_length_m", "built_up_area_m2",
              "lit_built_up_area_m2", "outage_hours", "interventions", "repairs", "mean_repair_hours",
              "p90_repair_hours", "sla_share", "open_interventions", "open_mean_age_days"]
    rows = []
    for f in figures:
        rows.append([f.insee or "", f.name, window_start, window_end, f.snapshot_day.isoformat() if f.snapshot_day else "",
                     "roads" if f.lit_by_roads else "built_up", _round(f.lit_share, 4), _round(f.cctv_share, 4),
                     f.assets_total, f.assets_faulty, f.assets_out_of_service, f.lights_total, f.lights_in_service,
                     f.cameras_total, f.cameras_in_service, _round(f.road_length_m, 1), _round(f.lit_road_length_m, 1),
                     _round(f.dark_length_m, 1), _round(f.built_up_area_m2, 0), _round(f.lit_built_up_area_m2, 0),
                     _round(f.outage_hours, 1), f.interventions, f.repairs, _round(f.mean_repair_hours, 1),
                     _round(f.p90_repair_hours, 1), _round(f.sla_share, 4), f.backlog,
                     _round(f.backlog_mean_age_days, 1)])
    return header, rows


def _round(value: float | None, digits: int):
    return "" if value is None else round(float(value), digits)
