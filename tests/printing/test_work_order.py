"""The printed work order, read back from its PDF: what it says (in French and English),
its pages, metadata and fonts, its QR code, and a map whose scale bar and drawing match
the scale it states."""
from __future__ import annotations

import re

import pytest
from shapely.geometry import Point

from app.errors import NotFound
from app.printing.wording import wording
from print_templates.branding import Branding
from print_templates.map_layers import CONCERNED_RADIUS
from print_templates.map_view import grid_facts
from tests.conftest import DIJON_CENTRE, storage_point
from tests.printing.conftest import PUBLIC_URL
from tests.printing.pdf import (
    PT_PER_MM, font_names, page_texts, qr_codes, reader, render_png, scale_bar, symbol_centres,
)

FOUNTAIN_BLUE = (0x1F / 255, 0x9E / 255, 0xDE / 255)  # the catalogue's colour of drinking fountains


def test_a_work_order_prints_what_the_crew_needs_in_french(make_asset, make_road, make_intervention, print_order):
    bench = make_asset("bench", properties={"material": "wood", "seats": 4})
    lon, lat = DIJON_CENTRE
    make_road([(lon - 0.001, lat + 0.0001), (lon + 0.001, lat + 0.0001)], "Place de la Libération")
    item = make_intervention(assets=[bench], description="Latte cassée côté fontaine, à changer.")
    order, pdf = print_order(item)
    words = wording("fr")
    pages = page_texts(pdf)
    text = " ".join(pages)
    assert 1 <= len(pages) <= 2
    assert order.location.address == "Place de la Libération" and order.location.commune == "Dijon"
    for expected in (item.reference, "Dijon Métropole", "Priorité", "Échéance", "Équipe", "Liste des tâches",
                     "Corrective — En panne", "P2 — haute", "Latte cassée côté fontaine, à changer.",
                     "Place de la Libération", bench.reference, "Bois", words.fact % {"label": "Places", "value": 4},
                     item.checklist[0]["label_fr"],
                     "EPSG:2154", "WGS84", words.signatures, words.supervisor, words.remarks, words.parts):
        assert expected in text, expected
    assert f"{lat:.4f}" in text and f"{lon:.4f}" in text  # WGS84, as placed
    assert re.search(rf"{words.page} {len(pages)}/ ?{len(pages)}$", pages[-1])  # the total is a form drawn last
    metadata = reader(pdf).metadata
    assert metadata.title == f"{words.work_order} {item.reference}" and metadata.author == "Dijon Métropole"
    assert font_names(pdf) <= {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSansMono"}


def test_the_same_work_order_prints_in_english(make_intervention, print_order):
    item = make_intervention()
    _, pdf = print_order(item, language="en")
    text = " ".join(page_texts(pdf))
    for expected in ("Work order".upper(), "Priority", "Due at", "Checklist", "Corrective — Out of order", "P2 — high",
                     item.checklist[0]["label_en"], "Signatures", "Supervisor"):
        assert expected in text, expected
    assert "Échéance" not in text and item.checklist[0]["label_fr"] not in text


def test_its_qr_code_opens_the_intervention_on_the_tablet(make_intervention, print_order):
    item = make_intervention()
    _, pdf = print_order(item)
    assert qr_codes(render_png(pdf, dpi=150)) == [f"{PUBLIC_URL}/field/interventions/{item.id}"]


@pytest.mark.parametrize("scale", [500, 1000, 2000])
def test_the_scale_bar_is_as_long_as_the_stated_scale_says(make_intervention, print_order, scale):
    _, pdf = print_order(make_intervention(), scale=scale)
    drawn, metres, stated = scale_bar(pdf)
    assert stated == scale
    paper_mm = drawn / PT_PER_MM
    assert paper_mm == pytest.approx(metres * 1000 / scale, rel=0.01)


def test_the_map_is_drawn_at_the_stated_scale(settings, make_asset, make_intervention, print_order):
    """Two fountains 40 m apart on the ground are 40 mm apart on a 1:1,000 map (through the
    projection's scale factor, 0.9992 here)."""
    west = make_asset("fountain", lonlat=DIJON_CENTRE, properties={"drinking_water": True})
    x, y = storage_point(settings, *DIJON_CENTRE).coords[0]
    k, _ = grid_facts(settings.storage_srid, x, y)
    east = make_asset("fountain", lonlat=_lonlat(settings, Point(x + 40 * k, y)),  # 40 true metres east
                      properties={"drinking_water": True})
    _, pdf = print_order(make_intervention(assets=[west, east]), scale=1000)
    centres = sorted(symbol_centres(pdf, FOUNTAIN_BLUE, diameter=2 * CONCERNED_RADIUS))
    assert len(centres) == 2
    (x0, y0), (x1, y1) = centres
    assert y0 == pytest.approx(y1, abs=0.2)
    assert (x1 - x0) / PT_PER_MM == pytest.approx(40.0, rel=0.01)


def _lonlat(settings, point: Point) -> tuple[float, float]:
    from gis.crs import reproject

    lonlat = reproject(point, settings.storage_srid, 4326)
    return lonlat.x, lonlat.y


def test_the_organisation_chooses_its_name_footer_and_sections(make_intervention, print_order):
    branding = Branding(organisation="Ville de Chenôve", footer="Service voirie · 03 80 51 55 00",
                        sections=("assets", "checklist"))
    _, pdf = print_order(make_intervention(), branding=branding)
    text = " ".join(page_texts(pdf))
    words = wording("fr")
    assert "Ville de Chenôve" in text and "Service voirie · 03 80 51 55 00" in text
    assert "Dijon Métropole" not in text
    assert "Liste des tâches" in text and words.assets in text
    for absent in (words.signatures, words.safety, words.remarks, words.parts):
        assert absent not in text, absent
    with pytest.raises(AssertionError, match="no scale bar"):
        scale_bar(pdf)  # no map


def test_a_large_intervention_still_fits_on_two_pages(db, make_asset, make_intervention, print_order):
    assets = [make_asset("bench", lonlat=(DIJON_CENTRE[0] + i * 0.0002, DIJON_CENTRE[1])) for i in range(14)]
    item = make_intervention(assets=assets, description="Remise en état complète du mobilier. " * 40)
    item.checklist = [{"label_fr": f"Tâche numéro {n} à réaliser sur place", "label_en": f"Task {n}"}
                      for n in range(14)]
    db.flush()
    order, pdf = print_order(item)
    text = " ".join(page_texts(pdf))
    assert len(reader(pdf).pages) == 2
    assert all(asset.reference in text for asset in assets)  # the detailed ones, then the list of the others
    assert "Tâche numéro 13 à réaliser sur place" in text


def test_the_map_shows_roads_and_the_commune_boundary_when_present(db, settings, make_road, make_intervention,
                                                                    print_order):
    from sqlalchemy import text

    x, y = db.execute(text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 1) "
                           "AS p FROM communes WHERE insee = '21231') s")).one()  # on Dijon's boundary
    lon, lat = _lonlat(settings, Point(x, y))
    make_road([(lon - 0.0008, lat), (lon + 0.0008, lat)], "Rue de la Limite")
    item = make_intervention(assets=[], kind="inspection", geom=Point(x, y))
    order, pdf = print_order(item, scale=2000)
    assert [road.name for road in order.map.roads] == ["Rue de la Limite"]
    assert "Dijon" in {commune.name for commune in order.map.communes} and len(order.map.communes) >= 2
    assert "Rue de la Limite" in " ".join(page_texts(pdf))


def test_an_intervention_outside_the_readers_communes_does_not_print(make_user, make_intervention, print_order):
    talant_only = make_user("councillor", communes=["21617"])
    with pytest.raises(NotFound):
        print_order(make_intervention(), actor=talant_only)
