"""The team form's crew fields: trades, depot (in the territory), hours, working days,
vehicle and communes served; each wrong field gets its message at the field and nothing
is saved; what is saved is shown again on the next visit."""
from __future__ import annotations

from datetime import time

import pytest
from geoalchemy2.shape import to_shape
from sqlalchemy import select

from app.interventions.models import Team
from app.territory.models import Commune
from gis.crs import reproject
from tests.forms import form_of
from tests.interventions.test_teams_admin import NEW_URL, errors_at, planner, stored, team_count  # noqa: F401


def crew_form(page: str, name: str = "Éclairage Est", **fields) -> dict:
    data = form_of(page)
    data["name"], data["daily_capacity_hours"] = name, "7"
    for key, value in fields.items():
        if isinstance(value, list):
            data.setlist(key, [str(v) for v in value])
        else:
            data[key] = value
    return data


def commune_ids(db, *insee: str) -> list[int]:
    return list(db.scalars(select(Commune.id).where(Commune.insee.in_(insee)).order_by(Commune.id)))


def test_a_crew_is_saved_with_trades_depot_hours_days_vehicle_and_communes(planner, db, settings):
    page = planner.get(NEW_URL).text
    assert 'name="skills" type="checkbox" value="street_lighting"' in page and 'id="depot-map"' in page
    shown = form_of(page)
    assert shown["shift_start"] == "07:30" and shown["shift_end"] == "16:00"
    assert shown.getlist("working_days") == ["1", "2", "3", "4", "5"]
    dijon_talant = commune_ids(db, "21231", "21617")
    response = planner.post(NEW_URL, data=crew_form(
        page, skills=["street_lighting", "cctv"], depot_longitude="5,0505", depot_latitude="47.3418",
        depot_label=" Centre technique  municipal ", shift_start="7h00", shift_end="15:30", working_days=[1, 2, 3, 4, 6],
        vehicle="Nacelle 12 m", commune_ids=dijon_talant))
    assert response.status_code == 303, response.text
    team = db.scalar(select(Team).where(Team.name == "Éclairage Est"))
    assert team.skills == ["street_lighting", "cctv"] and team.depot_label == "Centre technique municipal"
    depot = reproject(to_shape(team.depot), settings.storage_srid, 4326)
    assert depot.x == pytest.approx(5.0505, abs=1e-7) and depot.y == pytest.approx(47.3418, abs=1e-7)
    assert (team.shift_start, team.shift_end) == (time(7, 0), time(15, 30))
    assert team.working_days == [1, 2, 3, 4, 6] and team.vehicle == "Nacelle 12 m"
    assert sorted(c.id for c in team.communes) == dijon_talant
    # The edit form shows it all again.
    again = form_of(planner.get(f"/admin/teams/{team.id}").text)
    assert again.getlist("skills") == ["street_lighting", "cctv"] and again["depot_longitude"] == "5.050500"
    assert again["shift_start"] == "07:00" and again.getlist("working_days") == ["1", "2", "3", "4", "6"]
    assert sorted(map(int, again.getlist("commune_ids"))) == dijon_talant


def test_each_wrong_crew_field_is_refused_at_its_field_and_nothing_is_saved(planner, db):
    page = planner.get(NEW_URL).text
    before = team_count(db)
    response = planner.post(NEW_URL, data=crew_form(
        page, skills=["street_lighting", "plumbing"], depot_longitude="east", depot_latitude="47.32",
        shift_start="16:00", shift_end="07:30", working_days=[], vehicle="V" * 121, commune_ids=["99999"]))
    assert response.status_code == 422
    page = response.text
    assert errors_at(page, "skills") == ["Unknown trade plumbing."]
    assert errors_at(page, "depot_longitude") == ["Give a number of degrees from -180 to 180, such as 5.0415."]
    assert errors_at(page, "shift_end") == ["The day must end after it starts (16:00)."]
    assert errors_at(page, "working_days") == ["Tick at least one working day."]
    assert errors_at(page, "vehicle") == ["At most 120 characters."]
    assert errors_at(page, "commune_ids") == ["Unknown commune."]
    assert errors_at(page, "name") == [] and errors_at(page, "depot_latitude") == []
    assert team_count(db) == before
    assert form_of(page)["shift_start"] == "16:00"  # what was typed is kept


@pytest.mark.parametrize(("longitude", "latitude", "message"), [
    ("2.3522", "48.8566", "The depot must be inside the territory; click on the map or check the coordinates."),
    ("47.3220", "5.0415", "The depot must be inside the territory; click on the map or check the coordinates."),
    ("5.0415", "", "Give both the longitude and the latitude, or neither."),
])
def test_a_depot_outside_the_territory_or_half_given_is_refused_at_the_depot(planner, db, longitude, latitude, message):
    page = planner.get(NEW_URL).text
    response = planner.post(NEW_URL, data=crew_form(page, depot_longitude=longitude, depot_latitude=latitude))
    assert response.status_code == 422
    assert errors_at(response.text, "depot") == [message]
    assert 'data-error-for="depot"' in response.text


def test_a_time_that_is_not_a_time_is_refused(planner, db):
    page = planner.get(NEW_URL).text
    response = planner.post(NEW_URL, data=crew_form(page, shift_start="25:00", shift_end=""))
    assert errors_at(response.text, "shift_start") == ["Give a time of day, such as 07:30."]
    assert errors_at(response.text, "shift_end") == ["This field is required."]


def test_no_depot_and_no_commune_is_fine(planner, db):
    page = planner.get(NEW_URL).text
    assert planner.post(NEW_URL, data=crew_form(page, name="Sans dépôt")).status_code == 303
    team = db.scalar(select(Team).where(Team.name == "Sans dépôt"))
    assert team.depot is None and team.communes == [] and stored(db, team.id).skills == []
