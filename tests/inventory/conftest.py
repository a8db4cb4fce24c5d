"""Factories for registry tests."""
from __future__ import annotations

import pytest
from shapely.geometry import Point

from app.inventory import services
from gis.crs import reproject

DIJON_CENTRE = (5.0415, 47.3220)  # Place de la Libération
TALANT = (4.9990, 47.3370)


def storage_point(settings, lon: float, lat: float):
    return reproject(Point(lon, lat), 4326, settings.storage_srid)


@pytest.fixture()
def editor(make_user):
    return make_user("asset_manager")


@pytest.fixture()
def make_asset(db, settings, editor):
    """make_asset("bench", lonlat=(5.04, 47.32), properties={...})."""

    def make(type_code: str = "bench", lonlat=DIJON_CENTRE, properties: dict | None = None, actor=None):
        return services.create_asset(db, actor or editor, type_code, storage_point(settings, *lonlat),
                                     settings.storage_srid, properties or {})

    return make
