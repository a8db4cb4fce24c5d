"""The work order: A4 portrait, one or two pages, that a crew takes into the street.

Page 1: the header (organisation, reference, kind, priority, due date, QR code to the
intervention on the tablet), the facts, the location with its coordinates in the storage
CRS and WGS84, the map extract and the assets concerned. Then what the crew fills in by
hand (``crew_sections``). Which sections print is the organisation's choice (``Branding``).
"""
from __future__ import annotations

import io
from typing import Iterable

from reportlab.lib.colors import HexColor
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Image, KeepTogether, Spacer, Table

from print_templates.branding import Branding
from print_templates.crew_sections import crew_sections
from print_templates.document import CONTENT_WIDTH, DocumentInfo, Part, write_document
from print_templates.map_extract import Legend, WorkOrderMap
from print_templates.map_view import crs_name, to_wgs84
from print_templates.styles import PRIORITY_COLOURS, QrCode, grid_style, para, section_title, table_style
from print_templates.wording import Wording
from print_templates.work_order_data import AssetItem, WorkOrder

MAP_HEIGHT = 250.0
QR_SIZE = 66.0
DETAILED_ASSETS = 6  # beyond, the references are listed (the work order stays within two pages)
MAX_EVENTS = 2
MAX_DESCRIPTION = 700


def render_work_order(order: WorkOrder, branding: Branding, wording: Wording, printed: str) -> bytes:
    """The PDF of one work order."""
    out = io.BytesIO()
    write_document(out, work_order_info(order, branding, wording), [work_order_part(order, branding, wording)],
                   branding, wording, printed)
    return out.getvalue()


def work_order_info(order: WorkOrder, branding: Branding, wording: Wording) -> DocumentInfo:
    """The PDF metadata of a single work order."""
    return DocumentInfo(title=f"{wording.work_order} {order.reference}", author=branding.organisation,
                        subject=f"{order.kind} · {order.priority_label}", language=wording.language,
                        keywords=(order.reference,))


def work_order_part(order: WorkOrder, branding: Branding, wording: Wording) -> Part:
    """The pages of one work order, as a part of a document."""
    colour = branding.primary_colour
    story = [_header(order, branding, wording), Spacer(0, 5), _facts(order, wording)]
    if order.description:
        text = order.description if len(order.description) <= MAX_DESCRIPTION \
            else order.description[:MAX_DESCRIPTION].rstrip() + "…"
        story += [Spacer(0, 4), para(wording.description, "label"), para(text)]
    story += [section_title(wording.location, colour), _location(order, wording)]
    if branding.shows("map") and order.map is not None:
        story += [Spacer(0, 5), WorkOrderMap(order.map, CONTENT_WIDTH, MAP_HEIGHT, wording, branding.accent_colour),
                  Spacer(0, 3), Legend(order.map, wording, branding.accent_colour)]
    if branding.shows("assets"):
        story += _assets(order.assets, branding, wording)
    story += crew_sections(order, branding, wording)
    return Part(order.reference, story)


def work_order_parts(orders: Iterable[WorkOrder], branding: Branding, wording: Wording) -> Iterable[Part]:
    """The parts of many work orders, built one at a time as the document asks for them."""
    return (work_order_part(order, branding, wording) for order in orders)


def _header(order: WorkOrder, branding: Branding, wording: Wording) -> Table:
    colour = branding.primary_colour
    identity = [para(branding.organisation, "organisation", colour)]
    if branding.logo_path:
        identity.insert(0, _logo(branding.logo_path))
    title = [para(wording.work_order.upper(), "title", colour), para(order.reference, "big"),
             para(" — ".join(filter(None, (order.kind, order.problem))), "value")]
    qr = [QrCode(order.qr_url, QR_SIZE), para(wording.qr_caption, "label")]
    table = Table([[identity, title, qr]], colWidths=[150, CONTENT_WIDTH - 150 - QR_SIZE - 8, QR_SIZE + 8])
    table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                               ("LINEBELOW", (0, 0), (-1, 0), 1.6, HexColor(colour))]))
    return table


def _logo(path: str) -> Image:
    width, height = ImageReader(path).getSize()
    scale = min(140 / width, 38 / height)
    logo = Image(path, width * scale, height * scale)
    logo.hAlign = "LEFT"
    return logo


def _facts(order: WorkOrder, wording: Wording) -> Table:
    cells = [(wording.priority, order.priority_label), (wording.due, order.due or "—"),
             (wording.kind, order.kind), (wording.status, order.status),
             (wording.team, order.team or "—"), (wording.window, order.window or "—"),
             (wording.estimate, order.estimate or "—")]
    rows = [[para(cells[i][0], "label"), para(cells[i][1], "value"),
             para(cells[i + 1][0], "label") if i + 1 < len(cells) else "",
             para(cells[i + 1][1], "value") if i + 1 < len(cells) else ""] for i in range(0, len(cells), 2)]
    rows[0][1] = para(order.priority_label, "badge")  # white on the priority's colour
    table = Table(rows, colWidths=[62, CONTENT_WIDTH / 2 - 62, 62, CONTENT_WIDTH / 2 - 62])
    badge = HexColor(PRIORITY_COLOURS.get(order.priority, "#5b6876"))
    table.setStyle(table_style(grid_style(header=False) + [("BACKGROUND", (1, 0), (1, 0), badge)]))
    return table


def _location(order: WorkOrder, wording: Wording) -> Table:
    place = order.location
    lon, lat = to_wgs84(place.srid, place.x, place.y)
    grid = f"X {_metres(place.x)}   Y {_metres(place.y)}   · {crs_name(place.srid)}"
    wgs84 = f"{abs(lat):.6f}° {'N' if lat >= 0 else 'S'}   {abs(lon):.6f}° {'E' if lon >= 0 else 'W'}   · WGS84"
    rows = []
    if place.address:
        rows.append([para(wording.address, "label"), para(place.address, "value")])
    rows.append([para(wording.commune, "label"), para(place.commune or "—", "value")])
    rows.append([para(wording.coordinates, "label"), [para(grid, "mono"), para(wgs84, "mono")]])
    table = Table(rows, colWidths=[62, CONTENT_WIDTH - 62])
    table.setStyle(table_style(grid_style(header=False)))
    return table


def _metres(value: float) -> str:
    return f"{value:,.1f}".replace(",", "\u00a0") + " m"


def _assets(assets: tuple[AssetItem, ...], branding: Branding, wording: Wording) -> list:
    title = section_title(f"{wording.assets} ({len(assets)})", branding.primary_colour)
    if not assets:
        return [KeepTogether([title, para(wording.no_assets)])]
    with_history = branding.shows("history")
    header = [para(wording.asset, "label"), para(wording.asset_type, "label"), para(wording.asset_facts, "label")]
    widths = [82, 86, CONTENT_WIDTH - 168]
    if with_history:
        header.append(para(wording.asset_events, "label"))
        widths = [82, 86, 180, CONTENT_WIDTH - 348]
    rows = [header]
    for asset in assets[:DETAILED_ASSETS]:
        row = [para(asset.reference, "mono"), [para(asset.type_label, "small"), para(asset.status_label, "label")],
               para(" · ".join(wording.fact % {"label": label, "value": value} for label, value in asset.facts)
                    or "—", "small")]
        if with_history:
            row.append(para("\n".join(f"{e.when} · {e.what}" + (f" — {e.note}" if e.note else "")
                                      for e in asset.events[:MAX_EVENTS]) or "—", "small"))
        rows.append(row)
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(table_style(grid_style()))
    story = [KeepTogether([title, table])] if len(rows) <= 4 else [title, table]
    rest = assets[DETAILED_ASSETS:]
    if rest:
        references = ", ".join(a.reference for a in rest)
        story += [Spacer(0, 3), para(wording.more_assets % {"count": len(rest), "references": references}, "small")]
    return story
