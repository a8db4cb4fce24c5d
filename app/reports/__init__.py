"""Coverage maps and the councillors' dashboards: lighting, CCTV, equipment state and service.

Coverage is computed in PostGIS by rq jobs into per-cell tables (``coverage.py``),
refreshed for the cells that the triggers on ``assets`` mark dirty; pages only read
(``queries.py``). Reports only read the other domains.
"""
