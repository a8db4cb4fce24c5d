"""The words pages and scripts show for intervention codes, in the user's language."""
from __future__ import annotations

from flask_babel import gettext as _


def status_labels() -> dict[str, str]:
    return {
        "new": _("New"), "planned": _("Scheduled"), "assigned": _("Assigned"), "in_progress": _("In progress"),
        "on_hold": _("On hold"), "completed": _("Completed"), "closed": _("Closed"), "cancelled": _("Cancelled"),
        "reopened": _("Reopened"),
    }


def kind_labels() -> dict[str, str]:
    return {
        "corrective": _("Corrective"), "preventive": _("Preventive"), "inspection": _("Inspection"),
        "installation": _("Installation"), "removal": _("Removal"),
    }


def priority_labels() -> dict[int, str]:
    return {1: _("P1 — safety, urgent"), 2: _("P2 — high"), 3: _("P3 — normal"), 4: _("P4 — planned")}


def problem_labels() -> dict[str, str]:
    return {
        "out_of_order": _("Out of order"), "damaged": _("Damaged"), "dirty": _("Dirty"),
        "misaligned": _("Misaligned"), "vandalism": _("Vandalism"), "other": _("Other"),
    }


def outcome_labels() -> dict[str, str]:
    return {
        "back_in_service": _("Repaired, back in service"), "replaced": _("Replaced"),
        "decommissioned": _("Decommissioned"), "no_change": _("No change to the assets"),
    }


def transition_labels() -> dict[str, str]:
    """The button that moves an intervention to each status."""
    return {
        "new": _("Back to the backlog"), "planned": _("Plan"), "assigned": _("Assign to the team"),
        "in_progress": _("Start"), "on_hold": _("Put on hold"), "completed": _("Complete"), "closed": _("Close"),
        "cancelled": _("Cancel"), "reopened": _("Reopen"),
    }


def skill_labels() -> dict[str, str]:
    """The crews' trades (``app.inventory.models.SKILLS``)."""
    return {
        "street_lighting": _("Street lighting"), "traffic_signals": _("Traffic signals"), "cctv": _("CCTV"),
        "roadworks": _("Roadworks"), "green_spaces": _("Green spaces"), "street_furniture": _("Street furniture"),
    }
