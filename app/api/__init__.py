"""The JSON API (/api/v1), used by the web map, the tablets and other systems."""
