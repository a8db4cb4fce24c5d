"""The crew day pack: a cover page with the day's route on a map and the ordered list of
jobs, then every work order; and packs of many work orders without a cover (a selection).

``write_pack`` streams: the work orders come from an iterable and each is laid out only
when the document reaches it, so memory does not grow with the number of orders.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO, Callable, Iterable

from reportlab.lib.colors import HexColor
from reportlab.platypus import Spacer, Table

from print_templates.branding import Branding
from print_templates.document import CONTENT_WIDTH, DocumentInfo, Part, write_document
from print_templates.map_data import RouteMap
from print_templates.map_extract import RouteMapFlowable
from print_templates.styles import PRIORITY_COLOURS, grid_style, para, section_title, table_style
from print_templates.wording import Wording
from print_templates.work_order import work_order_parts
from print_templates.work_order_data import WorkOrder

ROUTE_MAP_HEIGHT = 330.0


@dataclass(frozen=True)
class DayStop:
    """One job of the day, in route order."""

    reference: str
    time: str
    kind: str
    priority: int
    place: str
    assets: int
    estimate: str


@dataclass(frozen=True)
class DayPack:
    """The cover of a crew's day: who, when, the jobs in order and their route."""

    team: str
    day: str
    stops: tuple[DayStop, ...]
    route: RouteMap
    total_estimate: str
    route_km: float


def write_pack(out: BinaryIO, info: DocumentInfo, orders: Iterable[WorkOrder], branding: Branding,
               wording: Wording, printed: str, cover: DayPack | None = None,
               on_part: Callable[[int], None] | None = None) -> None:
    """Write the pack's PDF to ``out``: the cover (if any), then one part per work order.
    ``on_part(n)`` is called after each part (the cover counts as one)."""
    def parts() -> Iterable[Part]:
        if cover is not None:
            yield day_pack_cover(cover, branding, wording)
        yield from work_order_parts(orders, branding, wording)

    write_document(out, info, parts(), branding, wording, printed, on_part)


def day_pack_cover(pack: DayPack, branding: Branding, wording: Wording) -> Part:
    """The cover page: the day, the route map, the jobs in order."""
    colour = branding.primary_colour
    title = wording.day_title % {"team": pack.team, "day": pack.day}
    story = [para(branding.organisation, "organisation", colour), para(wording.day_pack.upper(), "title", colour),
             para(title, "heading"),
             para(wording.day_total % {"count": len(pack.stops), "duration": pack.total_estimate}, "value"),
             section_title(wording.route, colour)]
    if pack.stops:
        km = f"{pack.route_km:.1f}".replace(".", "," if wording.language == "fr" else ".")
        story += [RouteMapFlowable(pack.route, CONTENT_WIDTH, ROUTE_MAP_HEIGHT, wording, branding.accent_colour),
                  Spacer(0, 3), para(wording.route_note % {"km": km}, "small"),
                  section_title(wording.jobs, colour), _jobs(pack, wording)]
    else:
        story.append(para(wording.no_jobs))
    return Part(title, story)


def _jobs(pack: DayPack, wording: Wording) -> Table:
    header = [para(text, "label") for text in (wording.number, wording.time, wording.work_order, wording.kind,
                                                wording.priority, wording.place, wording.asset_count,
                                                wording.estimate)]
    rows = [header] + [[para(str(n), "value"), para(stop.time, "small"), para(stop.reference, "mono"),
                        para(stop.kind, "small"), para(f"P{stop.priority}", "badge"), para(stop.place, "small"),
                        para(str(stop.assets)), para(stop.estimate, "small")]
                       for n, stop in enumerate(pack.stops, start=1)]
    fixed = [22, 58, 90, 62, 34, 0, 56, 50]
    widths = [w or CONTENT_WIDTH - sum(fixed) for w in fixed]
    table = Table(rows, colWidths=widths, repeatRows=1)
    badges = [("BACKGROUND", (4, n), (4, n), HexColor(PRIORITY_COLOURS.get(stop.priority, "#5b6876")))
              for n, stop in enumerate(pack.stops, start=1)]
    table.setStyle(table_style(grid_style() + badges))
    return table
