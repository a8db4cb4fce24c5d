"""Administrators edit asset types in the UI: list, create, edit, per-field errors, guards."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.inventory.catalogue import CATALOGUE
from app.inventory.models import Asset, AssetType
from tests.conftest import csrf_token_from
from tests.forms import form_of

LIST_URL = "/admin/asset-types"
NEW_URL = "/admin/asset-types/new"


def errors_at(page: str, field: str) -> list[str]:
    """The error messages shown for ``field`` (the field is in the page, marked invalid when wrong)."""
    assert f'name="{field}"' in page, f"no field {field} in the page"
    shown = re.findall(rf'<p class="field-error" id="{re.escape(field)}-error" data-error-for="{re.escape(field)}"'
                       r'[^>]*>(?:<span class="error-label">.*?</span>)?\s*(.*?)</p>', page, re.S)
    if shown:
        described = re.search(rf'<(?:input|select)[^>]*aria-describedby="{re.escape(field)}-error"[^>]*>', page)
        assert described and f'name="{field}"' in described.group(0) and 'aria-invalid="true"' in described.group(0)
    return [html.unescape(m).strip() for m in shown]


def put(data: MultiDict, changes: dict) -> MultiDict:
    """Set fields as a user would (MultiDict.update would add a second value instead)."""
    for name, value in changes.items():
        data[name] = value
    return data


def type_count(db) -> int:
    return db.scalar(select(func.count()).select_from(AssetType))


def stored(db, code: str) -> AssetType | None:
    db.expire_all()
    return db.scalar(select(AssetType).where(AssetType.code == code))


@pytest.fixture()
def admin(client, login_as):
    """The test client, logged in as an administrator who reads English."""
    login_as("admin")
    token = csrf_token_from(client.get(LIST_URL).text)
    client.post("/language", data={"language": "en", "csrf_token": token})
    return client


def bike_rack_form(admin) -> MultiDict:
    """The creation form filled in for a new type with two fields (and one empty row left)."""
    data = form_of(admin.get(NEW_URL).text)
    put(data, {"code": "bike_rack", "label_fr": "Arceau vélo", "label_en": "Bike rack", "geometry_kind": "point",
                 "reference_prefix": "AV", "symbol": "square", "colour": "#12AB34"})
    data.setlist("parent_type_codes", [])
    put(data, {"attributes-0-name": "capacity", "attributes-0-label_fr": "Places", "attributes-0-label_en": "Spaces",
                 "attributes-0-kind": "integer", "attributes-0-required": "y", "attributes-0-unit": ""})
    put(data, {"attributes-1-name": "finish", "attributes-1-label_fr": "Finition", "attributes-1-label_en": "Finish",
                 "attributes-1-kind": "enum", "attributes-1-choices": "galva=Galvanisé|Galvanised; paint=Peint|Painted"})
    return data


# --- access ---------------------------------------------------------------------------------

def test_admin_sees_every_catalogue_type_with_its_counts(admin, db, make_asset):
    make_asset("bench")
    benches = db.scalar(select(func.count()).select_from(Asset).join(AssetType).where(AssetType.code == "bench"))
    page = admin.get(LIST_URL)
    assert page.status_code == 200
    codes = re.findall(r'<tr data-code="([a-z0-9_]+)"', page.text)
    assert len(codes) == 20 and set(codes) == {entry["code"] for entry in CATALOGUE}
    bench = re.search(r'<tr data-code="bench">(.*?)</tr>', page.text, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", bench, re.S)
    assert cells[0] == "Bench" and "#8c6d31" in cells[3] and cells[4] == "2" and cells[5] == f"{benches:,}"
    assert 'href="/admin/asset-types/bench"' in bench and f'href="{NEW_URL}"' in page.text
    assert f'href="{LIST_URL}"' in re.search(r'<nav class="topnav">.*?</nav>', page.text, re.S).group(0)


def test_labels_follow_the_users_language_and_sort_as_a_reader_expects(client, login_as):
    login_as("admin")
    page = client.get(LIST_URL).text  # French by default
    assert "Caméra de vidéoprotection" in page and ">CCTV camera<" not in page
    codes = re.findall(r'<tr data-code="([a-z0-9_]+)"', page)
    assert codes.index("fibre_cable") < codes.index("litter_bin")  # Câble fibre… before Corbeille


@pytest.mark.parametrize("role", ["asset_manager", "dispatcher", "field_agent", "councillor"])
def test_other_roles_are_refused(client, login_as, db, role):
    login_as(role)
    for url in (LIST_URL, NEW_URL, "/admin/asset-types/bench"):
        assert client.get(url).status_code == 403
    token = csrf_token_from(client.get("/").text)
    response = client.post("/admin/asset-types/bench", data={"csrf_token": token, "label_fr": "Piraté"})
    assert response.status_code == 403 and stored(db, "bench").label_fr == "Banc"
    assert LIST_URL not in client.get("/").text


def test_anonymous_is_sent_to_login(client):
    response = client.get(LIST_URL)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- create -----------------------------------------------------------------------------

def test_create_a_type(admin, db):
    response = admin.post(NEW_URL, data=bike_rack_form(admin))
    assert response.status_code == 302, response.text
    assert response.headers["Location"].endswith(LIST_URL)
    created = stored(db, "bike_rack")
    assert (created.label_fr, created.label_en, created.geometry_kind) == ("Arceau vélo", "Bike rack", "point")
    assert (created.reference_prefix, created.symbol, created.colour) == ("AV", "square", "#12ab34")
    assert created.parent_type_codes == []
    assert created.attribute_schema == [
        {"name": "capacity", "label_fr": "Places", "label_en": "Spaces", "kind": "integer", "required": True},
        {"name": "finish", "label_fr": "Finition", "label_en": "Finish", "kind": "enum", "required": False,
         "choices": [{"value": "galva", "label_fr": "Galvanisé", "label_en": "Galvanised"},
                     {"value": "paint", "label_fr": "Peint", "label_en": "Painted"}]},
    ]
    assert 'data-code="bike_rack"' in admin.get(LIST_URL).text


def test_new_form_offers_empty_rows_and_every_type_as_parent(admin):
    page = admin.get(NEW_URL).text
    assert len(re.findall(r'name="attributes-\d+-name"', page)) == 3
    assert len(re.findall(r'<option [^>]*value="[a-z_]+">[^<]*\([a-z_]+\)</option>', page)) == 20


def test_parents_are_stored(admin, db):
    data = bike_rack_form(admin)
    data.setlist("parent_type_codes", ["street_light", "bench"])
    assert admin.post(NEW_URL, data=data).status_code == 302
    assert stored(db, "bike_rack").parent_type_codes == ["street_light", "bench"]


INVALID = [
    ({"code": "Bike Rack"}, "code", "Use lower-case letters, digits and underscores, starting with a letter."),
    ({"code": ""}, "code", "This field is required."),
    ({"code": "bench"}, "code", "Another asset type already has this code."),
    ({"code": "new"}, "code", "This code is reserved."),
    ({"label_fr": "  "}, "label_fr", "This field is required."),
    ({"label_en": ""}, "label_en", "This field is required."),
    ({"reference_prefix": "ab"}, "reference_prefix", "Two to six capital letters (A to Z)."),
    ({"reference_prefix": "ABCDEFG"}, "reference_prefix", "Two to six capital letters (A to Z)."),
    ({"colour": "red"}, "colour", "A colour written #rrggbb, such as #1f78b4."),
    ({"symbol": "hexagon"}, "symbol", "Unknown symbol hexagon."),
    ({"geometry_kind": "volume"}, "geometry_kind", "Unknown geometry kind volume."),
    ({"parent_type_codes": "no_such_type"}, "parent_type_codes", "Unknown asset type no_such_type."),
    ({"attributes-0-name": "Capacity"}, "attributes-0-name",
     "Use lower-case letters, digits and underscores, starting with a letter."),
    ({"attributes-0-name": "status"}, "attributes-0-name", "status is reserved for the asset's own properties."),
    ({"attributes-0-name": "reference"}, "attributes-0-name", "reference is reserved for the asset's own properties."),
    ({"attributes-1-name": "capacity"}, "attributes-1-name", "Another field of this type already has the name capacity."),
    ({"attributes-0-label_en": ""}, "attributes-0-label_en", "This field is required."),
    ({"attributes-0-kind": "colour"}, "attributes-0-kind", "Unknown field kind colour."),
    ({"attributes-0-kind": "date", "attributes-0-unit": "d"}, "attributes-0-unit",
     "Only whole and decimal numbers have a unit."),
    ({"attributes-0-choices": "a=A|A"}, "attributes-0-choices", "Only a list of choices takes choices."),
    ({"attributes-1-choices": ""}, "attributes-1-choices", "A list of choices needs at least one choice."),
    ({"attributes-1-choices": "galva=Galvanisé|Galvanised; galva=Peint|Painted"}, "attributes-1-choices",
     "The choice galva appears twice."),
    ({"attributes-1-choices": "galva=Galvanisé"}, "attributes-1-choices",
     "Write each choice as value=French label|English label, separated by semicolons."),
    ({"attributes-1-choices": "Galva=Galvanisé|Galvanised"}, "attributes-1-choices",
     "Choice values use lower-case letters, digits and underscores (Galva)."),
    # Removed and empty rows are skipped: the error still lands on the row that has it.
    ({"attributes-0-remove": "y", "attributes-2-name": "Bad", "attributes-2-label_fr": "Mauvais",
      "attributes-2-label_en": "Bad"}, "attributes-2-name",
     "Use lower-case letters, digits and underscores, starting with a letter."),
]


NOT_REDISPLAYABLE = {"symbol", "geometry_kind", "parent_type_codes"}  # selects only show known options


@pytest.mark.parametrize("changes, field, message", INVALID)
def test_invalid_input_is_refused_at_its_field_and_nothing_is_written(admin, db, changes, field, message):
    before = type_count(db)
    response = admin.post(NEW_URL, data=put(bike_rack_form(admin), changes))
    assert response.status_code == 422
    assert errors_at(response.text, field) == [message]
    assert "Some fields are not valid." in response.text
    assert type_count(db) == before and stored(db, "bike_rack") is None and stored(db, "bench").label_fr == "Banc"
    resubmitted = form_of(response.text)
    kept = {name: value for name, value in changes.items() if name not in NOT_REDISPLAYABLE and "-kind" not in name
            and "-remove" not in name}
    assert {name: resubmitted.get(name) for name in kept} == kept  # the input is shown again as typed


def test_every_wrong_field_is_reported_at_once(admin, db):
    data = put(bike_rack_form(admin), {"code": "Bad code", "colour": "#12345", "attributes-1-choices": ""})
    response = admin.post(NEW_URL, data=data)
    assert response.status_code == 422
    assert errors_at(response.text, "code") and errors_at(response.text, "colour")
    assert errors_at(response.text, "attributes-1-choices")
    assert errors_at(response.text, "label_fr") == []


def test_csrf_token_is_required(admin, db):
    data = bike_rack_form(admin)
    data.pop("csrf_token")
    assert admin.post(NEW_URL, data=data).status_code == 400
    assert stored(db, "bike_rack") is None


# --- edit --------------------------------------------------------------------------------

@pytest.mark.parametrize("code", [entry["code"] for entry in CATALOGUE])
def test_saving_the_edit_form_unchanged_keeps_the_type(admin, db, code):
    entry = next(e for e in CATALOGUE if e["code"] == code)
    page = admin.get(f"/admin/asset-types/{code}")
    assert page.status_code == 200
    assert admin.post(f"/admin/asset-types/{code}", data=form_of(page.text)).status_code == 302
    kept = stored(db, code)
    assert kept.attribute_schema == entry["schema"] and kept.parent_type_codes == entry["parents"]
    assert (kept.label_fr, kept.colour, kept.geometry_kind, kept.symbol) == (
        entry["label_fr"], entry["colour"], entry["geometry_kind"], entry["symbol"])


def test_edit_labels_colour_and_fields_of_a_catalogue_type(admin, db):
    data = form_of(admin.get("/admin/asset-types/bench").text)
    assert data["attributes-0-name"] == "material" and data["attributes-1-name"] == "seats"
    put(data, {"label_fr": "Banc public", "label_en": "Public bench", "colour": "#00aa00",
                 "attributes-0-remove": "y", "attributes-1-label_en": "Seating places", "attributes-1-unit": "",
                 "attributes-2-name": "backrest", "attributes-2-label_fr": "Dossier", "attributes-2-label_en": "Backrest",
                 "attributes-2-kind": "boolean"})
    response = admin.post("/admin/asset-types/bench", data=data)
    assert response.status_code == 302, response.text
    bench = stored(db, "bench")
    assert (bench.code, bench.label_fr, bench.label_en, bench.colour) == ("bench", "Banc public", "Public bench", "#00aa00")
    assert bench.attribute_schema == [
        {"name": "seats", "label_fr": "Places", "label_en": "Seating places", "kind": "integer", "required": False},
        {"name": "backrest", "label_fr": "Dossier", "label_en": "Backrest", "kind": "boolean", "required": False},
    ]


def test_the_code_cannot_be_changed(admin, db):
    page = admin.get("/admin/asset-types/bench").text
    assert 'name="code"' not in page
    data = form_of(page)
    data["code"] = "seat"
    assert admin.post("/admin/asset-types/bench", data=data).status_code == 302
    assert stored(db, "bench") is not None and stored(db, "seat") is None


def test_a_type_cannot_be_its_own_parent(admin, db):
    data = form_of(admin.get("/admin/asset-types/luminaire").text)
    data.setlist("parent_type_codes", ["street_light", "luminaire"])
    response = admin.post("/admin/asset-types/luminaire", data=data)
    assert response.status_code == 422
    assert errors_at(response.text, "parent_type_codes") == ["A type cannot be its own parent."]
    assert stored(db, "luminaire").parent_type_codes == ["street_light"]


def test_geometry_kind_cannot_change_once_assets_exist(admin, db, make_asset):
    make_asset("bench")
    page = admin.get("/admin/asset-types/bench").text
    assert "Assets of this type exist: the geometry cannot change." in page
    data = form_of(page)
    put(data, {"geometry_kind": "line", "label_en": "Changed"})
    response = admin.post("/admin/asset-types/bench", data=data)
    assert response.status_code == 422
    assert errors_at(response.text, "geometry_kind") == [
        "The geometry kind cannot change while assets of this type exist."]
    bench = stored(db, "bench")
    assert (bench.geometry_kind, bench.label_en) == ("point", "Bench")


def test_geometry_kind_may_change_while_no_asset_exists(admin, db):
    assert admin.post(NEW_URL, data=bike_rack_form(admin)).status_code == 302
    data = form_of(admin.get("/admin/asset-types/bike_rack").text)
    data["geometry_kind"] = "line"
    assert admin.post("/admin/asset-types/bike_rack", data=data).status_code == 302
    assert stored(db, "bike_rack").geometry_kind == "line"


def test_kind_of_a_field_in_use_cannot_change_but_it_may_be_removed(admin, db, make_asset):
    assert admin.post(NEW_URL, data=bike_rack_form(admin)).status_code == 302
    make_asset("bike_rack", properties={"capacity": 3})
    data = form_of(admin.get("/admin/asset-types/bike_rack").text)
    put(data, {"attributes-0-kind": "decimal", "attributes-1-kind": "text", "attributes-1-choices": ""})
    response = admin.post("/admin/asset-types/bike_rack", data=data)
    assert response.status_code == 422
    assert errors_at(response.text, "attributes-0-kind") == [
        "Assets already hold values for this field: its kind cannot change."]
    assert errors_at(response.text, "attributes-1-kind") == []  # no asset has a finish
    assert [s["kind"] for s in stored(db, "bike_rack").attribute_schema] == ["integer", "enum"]
    put(data, {"attributes-0-kind": "integer", "attributes-0-remove": "y"})
    assert admin.post("/admin/asset-types/bike_rack", data=data).status_code == 302
    assert [(s["name"], s["kind"]) for s in stored(db, "bike_rack").attribute_schema] == [("finish", "text")]


def test_unknown_type_is_404(admin):
    assert admin.get("/admin/asset-types/no_such_type").status_code == 404
