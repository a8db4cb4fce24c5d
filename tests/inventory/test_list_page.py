"""The inventory list page: filters, sorting, pagination, scope, bad input."""
from __future__ import annotations

import re

from tests.conftest import DIJON_CENTRE, TALANT


def _references(html: str) -> list[str]:
    return re.findall(r'class="mono">([A-Z]+-\d{5}-\d{6})<', html)


def test_filters_by_type_reference_attribute_and_commune(client, login_as, make_asset):
    login_as("councillor")
    wood = make_asset("bench", properties={"material": "wood"})
    metal = make_asset("bench", properties={"material": "metal"})
    bin_ = make_asset("litter_bin", lonlat=TALANT)
    page = client.get("/inventory?type=bench&attr_name=material&attr_value=wood")
    assert page.status_code == 200
    assert wood.reference in _references(page.text) and metal.reference not in _references(page.text)
    assert _references(client.get(f"/inventory?q={bin_.reference[-6:]}").text) == [bin_.reference]
    talant = _references(client.get("/inventory?commune=21617").text)
    assert bin_.reference in talant and wood.reference not in talant
    assert f'href="/?asset={wood.id}"' in client.get(f"/inventory?q={wood.reference}").text


def test_sorting_and_pagination(client, login_as, make_asset):
    login_as("asset_manager")
    made = [make_asset("bench", properties={"seats": n}) for n in range(3)]
    refs = sorted(a.reference for a in made)
    ascending = _references(client.get("/inventory?type=bench&q=BA-&sort=reference").text)
    descending = _references(client.get("/inventory?type=bench&q=BA-&sort=-reference").text)
    assert [r for r in ascending if r in refs] == refs
    assert [r for r in descending if r in refs] == refs[::-1]


def test_pagination_has_next_link_past_fifty(client, login_as, make_asset):
    login_as("asset_manager")
    for i in range(51):
        make_asset("litter_bin", lonlat=(DIJON_CENTRE[0] + i * 1e-5, DIJON_CENTRE[1]))
    first = client.get("/inventory?type=litter_bin&commune=21231")
    assert len(_references(first.text)) == 50 and 'rel="next"' in first.text
    second = client.get("/inventory?type=litter_bin&commune=21231&page=2")
    assert len(_references(second.text)) >= 1


def test_commune_scope_applies_to_the_list(client, login_as, make_asset):
    in_dijon = make_asset("bench")
    in_talant = make_asset("bench", lonlat=TALANT)
    login_as("councillor", communes=["21617"])
    refs = _references(client.get("/inventory?type=bench").text)
    assert in_talant.reference in refs and in_dijon.reference not in refs


def test_bad_filters_get_a_message_at_the_field(client, login_as):
    login_as("councillor")
    page = client.get("/inventory?as_of=31/12/2020&attr_name=material")
    assert page.status_code == 200
    assert "Date attendue (AAAA-MM-JJ)." in page.text
    assert "Indiquez l&#39;attribut et sa valeur." in page.text
