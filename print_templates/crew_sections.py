"""The part of a work order the crew fills in by hand: the checklist with tick boxes, the
safety notes, parts and time, the outcome and remarks, and the signatures with dates."""
from __future__ import annotations

from reportlab.platypus import KeepTogether, Spacer, Table

from print_templates.branding import Branding
from print_templates.document import CONTENT_WIDTH
from print_templates.styles import LINE, TickBox, grid_style, para, section_title, table_style
from print_templates.wording import Wording
from print_templates.work_order_data import WorkOrder

MAX_TASKS = 14
BLANK_TASKS = 3  # lines to write tasks on when the intervention has no checklist
PART_ROWS = 4
TIME_ROWS = 2
REMARK_LINES = 3
ROW_HEIGHT = 15


def crew_sections(order: WorkOrder, branding: Branding, wording: Wording) -> list:
    """The hand-filled sections the organisation prints, in order."""
    colour = branding.primary_colour
    builders = {"checklist": _checklist, "safety": _safety, "parts": _parts_and_time, "remarks": _remarks,
                "signatures": _signatures}
    return [KeepTogether([Spacer(0, 2), *builders[name](order, branding, wording, colour)])
            for name in ("checklist", "safety", "parts", "remarks", "signatures") if branding.shows(name)]


def _checklist(order: WorkOrder, _branding: Branding, wording: Wording, colour: str) -> list:
    tasks = [(task.label, task.done) for task in order.checklist[:MAX_TASKS]]
    intro = [] if tasks else [para(wording.no_checklist, "small")]
    tasks = tasks or [("", False)] * BLANK_TASKS
    half = (len(tasks) + 1) // 2 if len(tasks) > 3 else len(tasks)  # two columns when long
    columns = [tasks[:half], tasks[half:]] if half < len(tasks) else [tasks]
    width = CONTENT_WIDTH / len(columns)
    rows = []
    for i in range(half):
        row = []
        for column in columns:
            label, done = column[i] if i < len(column) else ("", None)
            row += [TickBox(ticked=bool(done)) if done is not None else "", para(label)]
        rows.append(row)
    table = Table(rows, colWidths=[14, width - 14] * len(columns), rowHeights=None if tasks[0][0] else ROW_HEIGHT)
    commands = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]
    if not tasks[0][0]:
        commands.append(("LINEBELOW", (1, 0), (-1, -1), 0.4, LINE))
    table.setStyle(table_style(commands))
    return [section_title(wording.checklist, colour), *intro, table]


def _safety(_order: WorkOrder, branding: Branding, wording: Wording, colour: str) -> list:
    notes = branding.safety_notes.get(wording.language) or wording.safety_notes
    return [section_title(wording.safety, colour), *[para(f"•  {note}", "small") for note in notes]]


def _parts_and_time(_order: WorkOrder, _branding: Branding, wording: Wording, colour: str) -> list:
    parts = Table([[para(wording.part, "label"), para(wording.quantity, "label"), para(wording.asset, "label")]]
                  + [[""] * 3] * PART_ROWS,
                  colWidths=[CONTENT_WIDTH * 0.58, CONTENT_WIDTH * 0.14, CONTENT_WIDTH * 0.28],
                  rowHeights=[None] + [ROW_HEIGHT] * PART_ROWS)
    parts.setStyle(table_style(grid_style()))
    labels = (wording.date, wording.arrival, wording.departure, wording.agents, wording.time_spent)
    times = Table([[para(text, "label") for text in labels]] + [[""] * 5] * TIME_ROWS,
                  colWidths=[CONTENT_WIDTH / 5] * 5, rowHeights=[None] + [ROW_HEIGHT] * TIME_ROWS)
    times.setStyle(table_style(grid_style()))
    return [section_title(wording.parts, colour), parts, Spacer(0, 5), para(wording.time_on_site, "label"), times]


def _remarks(_order: WorkOrder, _branding: Branding, wording: Wording, colour: str) -> list:
    ticks = []
    for outcome in wording.outcomes:
        ticks += [TickBox(7), para(outcome, "small")]
    outcomes = Table([ticks], colWidths=[11, CONTENT_WIDTH / len(wording.outcomes) - 11] * len(wording.outcomes))
    outcomes.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 1)]))
    lines = Table([[""]] * REMARK_LINES, colWidths=[CONTENT_WIDTH], rowHeights=[ROW_HEIGHT] * REMARK_LINES)
    lines.setStyle(table_style([("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE)]))
    return [section_title(wording.remarks, colour), para(wording.outcome, "label"), outcomes, lines]


def _signatures(_order: WorkOrder, _branding: Branding, wording: Wording, colour: str) -> list:
    def box(role: str) -> list:
        return [para(role, "value"), Spacer(0, 4), para(wording.name, "small"), Spacer(0, 9),
                para(wording.signed_on, "small"), Spacer(0, 9), para(wording.signature, "small"), Spacer(0, 34)]

    table = Table([[box(wording.agent), box(wording.supervisor)]], colWidths=[CONTENT_WIDTH / 2] * 2)
    table.setStyle(table_style(grid_style(header=False) + [("TOPPADDING", (0, 0), (-1, -1), 4),
                                                          ("LEFTPADDING", (0, 0), (-1, -1), 6)]))
    return [section_title(wording.signatures, colour), table]
