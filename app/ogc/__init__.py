"""OGC API - Features (Part 1: Core, GeoJSON, OpenAPI 3.0) under /ogc: the registry for QGIS and scripts.

One collection per asset type and one of interventions; features in CRS84 (longitude,
latitude), built in PostGIS.
"""
