"""Words of the import pages: statuses and the CRS diagnosis."""
from __future__ import annotations

from app.i18n import Msg, msg

STATUS_LABELS = {
    "uploaded": msg("To map"), "validating": msg("Checking"), "validated": msg("Checked"),
    "committing": msg("Writing"), "committed": msg("Written"), "undoing": msg("Undoing"),
    "undone": msg("Undone"), "failed": msg("Failed"),
}


def crs_problem_message(problem: str, suggested: int | None) -> Msg:
    """Why the file's coordinates would miss the territory, and what would fit."""
    fits = f"EPSG:{suggested}" if suggested else None
    if problem == "axes_swapped":
        return msg("The coordinates look like latitude and longitude swapped: tick \"Swap X and Y\".")
    if problem == "metres_as_degrees":
        return (msg("The file says degrees, but its numbers are metres; they fit %(crs)s.", crs=fits) if fits
                else msg("The file says degrees, but its numbers are metres."))
    if problem == "no_crs":
        return (msg("The file does not say its coordinate system; its coordinates fit %(crs)s.", crs=fits) if fits
                else msg("The file does not say its coordinate system: choose it."))
    return (msg("In the file's coordinate system the features fall outside the métropole; they fit %(crs)s.", crs=fits)
            if fits else msg("In the file's coordinate system the features fall outside the métropole."))
