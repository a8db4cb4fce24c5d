"""The coverage model's parameters, with defaults for a French métropole.

Change them here (and run ``vigie refresh-coverage --full``): they are read by the
refresh, never by the pages.
"""
from __future__ import annotations

# A street light's lit radius by mast height: (up to this height in metres, lit radius in
# metres), in increasing height; a taller mast takes the last radius, a mast without a
# height DEFAULT_LIGHT_RADIUS_M. Roughly 2-2.5 times the mount height, the spread of a
# road luminaire's useful beam along the street (EN 13201 spacing/height ratios of 3-5).
LIGHT_RADIUS_BY_HEIGHT_M: tuple[tuple[float, float], ...] = (
    (4.0, 10.0), (6.0, 14.0), (8.0, 18.0), (10.0, 22.0), (12.0, 26.0), (99.0, 30.0),
)
DEFAULT_LIGHT_RADIUS_M = 14.0

# A dark spot: a stretch of road with no light in service within this distance, at
# least DARK_SPOT_MIN_LENGTH_M long.
DARK_SPOT_DISTANCE_M = 30.0
DARK_SPOT_MIN_LENGTH_M = 20.0

# CCTV: a camera without a range sees this far; no camera counts beyond the cap.
DEFAULT_CAMERA_RANGE_M = 50.0
MAX_CAMERA_RANGE_M = 200.0
DEFAULT_CAMERA_FIELD_OF_VIEW_DEG = 90.0

# Public space for CCTV: roads widened by this half-width, plus the green spaces.
ROAD_HALF_WIDTH_M = 6.0

# Built-up area, when a commune has no road segment (no building data ships): the squares
# of this side that hold at least one public-space asset of any type.
BUILT_UP_SQUARE_M = 50.0

# Coverage is kept per square cell of this side (storage CRS, metres) and commune; an edit
# dirties the cells within INFLUENCE_M of the asset (the triggers of migration
# e2dcb01c0a2f use the same two numbers).
CELL_M = 500
INFLUENCE_M = 200.0
