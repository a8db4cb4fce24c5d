"""Vector tiles (MVT) produced by PostGIS, with precomputed aggregates for low zooms."""
