"""/ogc/collections/interventions over HTTP: the work orders as OGC API features, filtered,
paged, by reported date, within the user's scope."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app.interventions import services
from tests.conftest import TALANT
from tests.ogc.http import feature_ids, get_json

# Bressey-sur-Tille: no other test puts interventions here.
BRESSEY = (5.1809, 47.3104)
BRESSEY_BBOX = "5.170,47.300,5.195,47.320"
ITEMS = f"/ogc/collections/interventions/items?bbox={BRESSEY_BBOX}"


def _near(i: int) -> tuple[float, float]:
    return BRESSEY[0] + 0.0004 * i, BRESSEY[1] + 0.0002 * i


@pytest.fixture()
def at_bressey(make_asset, make_intervention, sla_rules):
    """make(i, **fields): an intervention on a bench near Bressey-sur-Tille."""
    def make(i: int = 0, **fields):
        return make_intervention(assets=[make_asset("bench", lonlat=_near(i))], **fields)

    return make


def test_the_collection_is_listed_with_its_extent(client, login_as, at_bressey):
    login_as("councillor")
    item = at_bressey(reported_at=datetime(2019, 3, 4, 8, 30, tzinfo=timezone.utc))
    listed = {c["id"]: c for c in get_json(client, "/ogc/collections")["collections"]}
    collection = listed["interventions"]
    assert collection == get_json(client, "/ogc/collections/interventions")
    assert collection["title"] == "Interventions" and collection["itemType"] == "feature"
    assert collection["extent"]["spatial"]["bbox"] == listed["bench"]["extent"]["spatial"]["bbox"]  # the territory
    assert collection["extent"]["temporal"]["interval"] == [["2019-03-04T08:30:00Z", None]]
    links = {link["rel"]: link for link in collection["links"]}
    assert links["items"]["href"].endswith("/ogc/collections/interventions/items")
    assert links["items"]["type"] == "application/geo+json"
    assert item.id in feature_ids(get_json(client, ITEMS))


def test_items_are_geojson_in_crs84_with_the_apis_properties(client, login_as, at_bressey):
    login_as("councillor")
    item = at_bressey(1, priority="P1")
    response = client.get(ITEMS)
    assert response.status_code == 200 and response.content_type == "application/geo+json"
    body = response.json
    assert body["type"] == "FeatureCollection" and body["numberMatched"] == body["numberReturned"] == 1
    feature = body["features"][0]
    assert feature["id"] == item.id and feature["geometry"]["type"] == "Point"
    assert feature["geometry"]["coordinates"] == pytest.approx(list(_near(1)), abs=1e-6)
    api = get_json(client, f"/api/v1/interventions/{item.id}")
    assert feature["properties"] == api["properties"]
    assert feature["properties"]["reference"] == item.reference and feature["properties"]["priority"] == "P1"
    assert feature_ids(get_json(client, "/ogc/collections/interventions/items?bbox=4.90,47.25,4.95,47.28")) == []


def test_next_links_page_through_every_item(client, login_as, at_bressey):
    login_as("councillor")
    created = {at_bressey(i).id for i in range(5)}
    url, seen, returned = f"{ITEMS}&limit=2", [], []
    while url:
        page = get_json(client, url)
        seen += feature_ids(page)
        returned.append(page["numberReturned"])
        assert page["numberMatched"] == 5
        links = {link["rel"]: link for link in page["links"]}
        url = links["next"]["href"].removeprefix("http://localhost") if "next" in links else None
    assert returned == [2, 2, 1] and set(seen) == created and len(seen) == 5
    assert get_json(client, f"{ITEMS}&offset=50")["numberReturned"] == 0


def test_property_filters(db, client, login_as, at_bressey, dispatcher, make_team):
    login_as("councillor")
    urgent = at_bressey(0, priority="P1")
    inspection = at_bressey(1, kind="inspection", priority="P3")
    services.perform_transition(db, dispatcher, inspection.id, inspection.version, "assigned", None,
                                {"team_id": make_team().id})
    assert feature_ids(get_json(client, f"{ITEMS}&priority=P1")) == [urgent.id]
    assert sorted(feature_ids(get_json(client, f"{ITEMS}&priority=1,3"))) == sorted([urgent.id, inspection.id])
    assert feature_ids(get_json(client, f"{ITEMS}&status=assigned")) == [inspection.id]
    assert feature_ids(get_json(client, f"{ITEMS}&kind=corrective")) == [urgent.id]
    assert sorted(feature_ids(get_json(client, f"{ITEMS}&commune=21105"))) == sorted([urgent.id, inspection.id])
    assert feature_ids(get_json(client, f"{ITEMS}&commune=21617")) == []
    for query, field in (("status=lost", "status"), ("priority=P7", "priority"), ("kind=repair", "kind"),
                         ("type=bench", "type"), ("limit=0", "limit"), ("bbox=1,2,3", "bbox"), ("f=html", "f")):
        body = get_json(client, f"/ogc/collections/interventions/items?{query}", 400)
        assert body["code"] == "InvalidParameterValue" and field in body["fields"], query


def test_datetime_selects_by_reported_date_instant_or_interval(client, login_as, at_bressey):
    login_as("councillor")
    march = at_bressey(0, reported_at=datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc))
    june = at_bressey(1, reported_at=datetime(2026, 6, 20, 14, 0, tzinfo=timezone.utc))

    def found(value: str) -> list[int]:
        return sorted(feature_ids(get_json(client, f"{ITEMS}&datetime={value}")))

    assert found("2026-03-10") == [march.id]
    assert found("2026-03-10T09:00:00Z") == [march.id]
    assert found("2026-03-10T09:00:01Z") == []
    assert found("2026-03-01/2026-06-20") == sorted([march.id, june.id])
    assert found("2026-03-11/2026-06-19") == []
    assert found("../2026-04-01") == [march.id]
    assert found("2026-04-01T00:00:00Z/..") == [june.id]
    assert "datetime" in get_json(client, f"{ITEMS}&datetime=last-week", 400)["fields"]
    assert "datetime" in get_json(client, f"{ITEMS}&datetime=2026-06-01/2026-03-01", 400)["fields"]


def test_one_item_and_the_users_scope(client, login_as, at_bressey, make_asset, make_intervention):
    in_bressey = at_bressey()
    in_talant = make_intervention(assets=[make_asset("bench", lonlat=TALANT)])
    login_as("field_agent", communes=["21105"])
    feature = get_json(client, f"/ogc/collections/interventions/items/{in_bressey.id}")
    assert feature["type"] == "Feature" and feature["properties"]["commune"] == "21105"
    assert {link["rel"] for link in feature["links"]} == {"self", "collection"}
    assert get_json(client, f"/ogc/collections/interventions/items/{in_talant.id}", 404)["code"] == "NotFound"
    everything = get_json(client, "/ogc/collections/interventions/items?limit=10000")
    assert in_talant.id not in feature_ids(everything)
    assert {f["properties"]["commune"] for f in everything["features"]} == {"21105"}
    assert get_json(client, f"/ogc/collections/interventions/items/{in_bressey.id}?status=new", 400)["fields"]


def test_the_openapi_description_has_the_collections_filters(client, login_as):
    login_as("councillor")
    api = get_json(client, "/ogc/api")
    parameters = api["paths"]["/collections/interventions/items"]["get"]["parameters"]
    named = {p["name"]: p for p in parameters if "name" in p}
    assert named["priority"]["schema"]["enum"] == ["P1", "P2", "P3", "P4"]
    assert "on_hold" in named["status"]["schema"]["enum"] and "datetime" in named
    assert "/collections/interventions/items/{featureId}" in api["paths"]


def test_no_asset_type_may_take_the_collections_name(db, make_user):
    from app.errors import ValidationFailed
    from app.inventory.type_services import TypeDraft, create_asset_type

    draft = TypeDraft(code="interventions", label_fr="Interventions", label_en="Interventions",
                      geometry_kind="point", reference_prefix="IV", colour="#336699", symbol="circle")
    with pytest.raises(ValidationFailed) as refused:
        create_asset_type(db, make_user("admin"), draft)
    assert "code" in refused.value.field_errors
