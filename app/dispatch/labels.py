"""The words pages and scripts show for the ranking's reasons, in the user's language."""
from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import gettext as _

from app.dispatch.ranking import Reason
from app.interventions.labels import skill_labels


def travel_method_labels() -> dict[str, str]:
    return {"network": _("street network"), "straight_line": _("as the crow flies")}


def reason_text(reason: Reason) -> str:
    """One reason of the ranking as a sentence."""
    values = reason.values
    skills = ", ".join(skill_labels().get(skill, skill) for skill in values.get("skills", []))
    if reason.code == "lacks_trade":
        return _("Lacks the trade needed: %(skills)s", skills=skills)
    if reason.code == "commune_not_served":
        return _("Does not serve this commune")
    if reason.code == "has_trade":
        return _("Has the trade: %(skills)s", skills=skills)
    if reason.code == "any_trade":
        return _("No particular trade needed")
    if reason.code in ("travel_from_position", "travel_from_depot"):
        words = dict(minutes=values["minutes"], km=format_decimal(values["km"], "0.#"),
                     method=travel_method_labels().get(values["method"], values["method"]))
        if reason.code == "travel_from_position":
            return _("%(minutes)s min away from its last position (%(km)s km, %(method)s)", **words)
        return _("%(minutes)s min away from its depot (%(km)s km, %(method)s)", **words)
    if reason.code == "travel_unknown":
        return _("No recent position and no depot: travel time unknown")
    if reason.code == "on_duty":
        return _("On duty now (%(start)s–%(end)s)", **values)
    if reason.code == "off_duty":
        return _("Off duty now (works %(start)s–%(end)s)", **values)
    if reason.code == "busy":
        return _("Busy on a job now")
    if reason.code in ("load", "over_capacity"):
        words = dict(planned=format_decimal(values["planned_hours"], "0.#"),
                     capacity=format_decimal(values["capacity_hours"], "0.#"), percent=values["percent"])
        if reason.code == "load":
            return _("Today: %(planned)s h planned of %(capacity)s h (%(percent)s %% with this one)", **words)
        return _("Over capacity today: %(planned)s h planned of %(capacity)s h (%(percent)s %% with this one)",
                 **words)
    return reason.code
