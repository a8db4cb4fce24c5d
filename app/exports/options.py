"""What a user may pick for an export: the format and the CRS, checked with a message per field."""
from __future__ import annotations

from functools import lru_cache

from pyproj import CRS

from app.errors import ValidationFailed
from app.i18n import Msg, msg
from gis.export_formats import FORMATS

# WGS 84, Lambert-93, the nine conic conformal zones CC42-CC50 (Dijon: CC47 = 3947), Web Mercator.
EXPORT_SRIDS = (4326, 2154, *range(3942, 3951), 3857)
DEFAULT_SRID = 4326


def export_srids(storage_srid: int) -> tuple[int, ...]:
    """The CRSs offered, the storage one added when it is not among them."""
    return EXPORT_SRIDS if storage_srid in EXPORT_SRIDS else (*EXPORT_SRIDS, storage_srid)


@lru_cache(maxsize=32)
def crs_name(srid: int) -> str:
    """``RGF93 v1 / CC47 (EPSG:3947)``: the EPSG name, the same in every language."""
    return f"{CRS.from_epsg(srid).name} (EPSG:{srid})"


def parse_export_options(raw_format: str | None, raw_crs: str | None, storage_srid: int) -> tuple[str, int]:
    """The format code and EPSG code asked for; ValidationFailed naming each wrong field."""
    errors: dict[str, Msg] = {}
    fmt = (raw_format or "").strip().lower()
    if not fmt:
        errors["format"] = msg("Choose a format: %(allowed)s.", allowed=", ".join(FORMATS))
    elif fmt not in FORMATS:
        errors["format"] = msg("Unknown format %(value)s; expected one of: %(allowed)s.",
                               value=raw_format, allowed=", ".join(FORMATS))
    srid = _srid(raw_crs, storage_srid)
    if srid is None:
        allowed = ", ".join(str(code) for code in export_srids(storage_srid))
        errors["crs"] = msg("Unknown CRS %(value)s; expected an EPSG code among: %(allowed)s.",
                            value=raw_crs, allowed=allowed)
    if errors:
        raise ValidationFailed(msg("Invalid parameter."), errors)
    return fmt, srid


def _srid(raw: str | None, storage_srid: int) -> int | None:
    """``2154`` or ``EPSG:2154`` among the offered CRSs; the default when not given."""
    text = (raw or "").strip().upper().removeprefix("EPSG:")
    if not text:
        return DEFAULT_SRID
    if not text.isdigit() or int(text) not in export_srids(storage_srid):
        return None
    return int(text)
