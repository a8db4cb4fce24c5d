"""Fixtures of the printing tests: print options, road segments, work orders read from the
test database and rendered."""
from __future__ import annotations

import pytest
from shapely.geometry import LineString

from tests.conftest import storage_point

PUBLIC_URL = "https://vigie.example.fr"


@pytest.fixture()
def options(settings):
    from app.printing.queries import PrintOptions

    return PrintOptions(scale=1000, language="fr", public_url=PUBLIC_URL, srid=settings.storage_srid)


@pytest.fixture()
def make_road(db, settings, editor):
    """make_road([(lon, lat), (lon, lat)], "Rue Musette"): a road segment asset."""
    from app.inventory import services

    def make(lonlats: list[tuple[float, float]], name: str | None = None):
        line = LineString([storage_point(settings, lon, lat).coords[0] for lon, lat in lonlats])
        return services.create_asset(db, editor, "road_segment", line, settings.storage_srid,
                                     {"name": name} if name else {})

    return make


@pytest.fixture()
def print_order(db, dispatcher, options):
    """print_order(intervention, language="fr", scale=1000, branding=None) -> (WorkOrder, PDF bytes)."""
    import dataclasses

    from app.printing.queries import work_order
    from app.printing.wording import wording
    from print_templates.branding import Branding
    from print_templates.work_order import render_work_order

    def make(item, language: str = "fr", scale: int = 1000, branding=None, actor=None):
        chosen = dataclasses.replace(options, language=language, scale=scale)
        order = work_order(db, actor or dispatcher, item.id, chosen)
        return order, render_work_order(order, branding or Branding(), wording(language), "22 nov. 2026 10:00")

    return make
