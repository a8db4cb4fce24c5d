"""Exports of the inventory selection as GeoPackage, zipped Shapefile, GeoJSON and CSV."""
