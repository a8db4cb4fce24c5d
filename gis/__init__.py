"""Pure GIS library: CRS, geometry and GeoJSON helpers. Never imports app/ or flask."""
