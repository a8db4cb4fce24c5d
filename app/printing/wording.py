"""The words of printed documents in French or English, and the codes they show.

Printing also runs in the rq worker, outside any Flask request, so the catalogues are
read with Babel directly (the same ``app/translations`` as the pages) instead of
flask_babel. The msgids of codes (kinds, priorities, statuses…) are the ones the pages
use, so they share their translations.
"""
from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Callable

from babel.dates import format_datetime
from babel.support import Translations

from app.interventions.board import LOCAL_ZONE

from print_templates.wording import Wording

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
LANGUAGES = ("fr", "en")


@lru_cache(maxsize=4)
def translator(language: str) -> Callable[[str], str]:
    """``gettext`` of ``language``'s catalogue (English msgids pass through)."""
    return Translations.load(str(TRANSLATIONS), [language], domain="messages").gettext


@lru_cache(maxsize=4)
def wording(language: str) -> Wording:
    """Every label of the printed layouts, in ``language``."""
    _ = translator(language)
    return Wording(
        language=language, work_order=_("Work order"), kind=_("Kind"), priority=_("Priority"), status=_("Status"),
        due=_("Due at"), team=_("Team"), window=_("Time window"), estimate=_("Estimated duration"),
        description=_("Description"), qr_caption=_("Scan to open it on the tablet"),
        location=_("Location"), address=_("Address"), commune=_("Commune"), coordinates=_("Coordinates"),
        scale=_("Scale %(denominator)s"), north=_("N"),
        legend_place=_("Place of the intervention"), legend_concerned=_("Asset concerned"),
        legend_road=_("Road"), legend_boundary=_("Commune boundary"),
        assets=_("Assets concerned"), asset_count=_("Assets"), asset_type=_("Type"), asset_facts=_("Characteristics"),
        asset_events=_("Last events"), no_assets=_("No asset: the work is at the place shown on the map."),
        more_assets=_("And %(count)s more assets: %(references)s."),
        checklist=_("Checklist"), no_checklist=_("No task list: write down the tasks done."),
        safety=_("Safety"), safety_notes=(
            _("Wear the high-visibility clothing and the protective equipment the task needs."),
            _("Mark out and signal the work area before starting; keep pedestrians and traffic away from it."),
            _("Isolate electrical equipment and check that it is dead before opening it."),
            _("Report any danger found on site to the supervisor at once.")),
        parts=_("Parts and materials used"), part=_("Part or material"), quantity=_("Quantity"), asset=_("Asset"),
        time_on_site=_("Time on site"), date=_("Date"), arrival=_("Arrival"), departure=_("Departure"),
        agents=_("Number of agents"), time_spent=_("Time spent"),
        outcome=_("Outcome"), outcomes=(_("Repaired, back in service"), _("Replaced"), _("Decommissioned"),
                                        _("No change to the assets")),
        remarks=_("Remarks"), signatures=_("Signatures"), agent=_("Agent"), supervisor=_("Supervisor"),
        name=_("Name:"), signed_on=_("Date:"), signature=_("Signature"),
        page=_("Page"), printed=_("Printed %(date)s"), continued=_("%(reference)s (continued)"),
        day_pack=_("Crew day sheet"), day_title=_("%(team)s · %(day)s"), route=_("Route of the day"),
        route_note=_("Straight lines between the jobs, in the order of the day: %(km)s km in all."),
        jobs=_("Jobs in order"), number=_("No."), time=_("Time"), place=_("Place"),
        day_total=_("%(count)s jobs · %(duration)s estimated"), no_jobs=_("No job is planned for this day."),
        fact=_("%(label)s: %(value)s"),
    )


def code_labels(language: str) -> dict[str, dict]:
    """The words for the codes a work order prints (kinds, priorities, statuses, problems,
    asset statuses and history changes), in ``language``."""
    _ = translator(language)
    return {
        "kind": {"corrective": _("Corrective"), "preventive": _("Preventive"), "inspection": _("Inspection"),
                 "installation": _("Installation"), "removal": _("Removal")},
        "priority": {1: _("P1 — safety, urgent"), 2: _("P2 — high"), 3: _("P3 — normal"), 4: _("P4 — planned")},
        "status": {"new": _("New"), "planned": _("Scheduled"), "assigned": _("Assigned"),
                   "in_progress": _("In progress"), "on_hold": _("On hold"), "completed": _("Completed"),
                   "closed": _("Closed"), "cancelled": _("Cancelled"), "reopened": _("Reopened")},
        "problem": {"out_of_order": _("Out of order"), "damaged": _("Damaged"), "dirty": _("Dirty"),
                    "misaligned": _("Misaligned"), "vandalism": _("Vandalism"), "other": _("Other")},
        "asset_status": {"planned": _("Planned"), "in_service": _("In service"), "faulty": _("Faulty"),
                         "out_of_service": _("Out of service"), "decommissioned": _("Decommissioned")},
        "change": {"created": _("Created"), "updated": _("Attributes changed"), "moved": _("Moved"),
                   "status_changed": _("Status changed"), "decommissioned": _("Decommissioned"),
                   "replaced": _("Replaced"), "repaired": _("Repaired")},
        "yes": _("yes"), "no": _("no"), "fact": _("%(label)s: %(value)s"),
        "facts": {"manufacturer": _("Manufacturer"), "model": _("Model"), "installed_on": _("Installed on"),
                  "condition": _("Condition (1 = good, 5 = bad)")},
    }


def printed_at(language: str) -> str:
    """Now, as a footer writes the moment a document was printed."""
    return format_datetime(datetime.now(timezone.utc), "d MMM y HH:mm", tzinfo=LOCAL_ZONE, locale=language)
