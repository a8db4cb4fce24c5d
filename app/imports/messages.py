"""The sentences, in the user's language later, for what ``gis.sources`` finds wrong in a file."""
from __future__ import annotations

from app.i18n import Msg, msg
from gis.sources import SourceError


def source_error_message(error: SourceError) -> Msg:
    """The message for a ``SourceError`` code, with its details."""
    d = error.details
    messages = {
        "unsupported_format": lambda: msg(
            "Files of type %(suffix)s are not read: send a zipped Shapefile, a GeoPackage, GeoJSON or CSV.",
            suffix=d.get("suffix", "")),
        "corrupt_zip": lambda: msg("The zip file is damaged or truncated."),
        "zip_without_shp": lambda: msg("The zip holds no .shp file: a Shapefile needs its .shp, .shx and .dbf."),
        "zip_too_many_members": lambda: msg("The zip holds too many files (%(count)s).", count=d.get("count", 0)),
        "zip_unsafe_path": lambda: msg("The zip holds a file outside its own folder (%(name)s): refused.",
                                       name=d.get("name", "")),
        "zip_too_large": lambda: msg("Unpacked, the zip would exceed %(limit_mb)s MB: refused.",
                                     limit_mb=d.get("limit_mb", 0)),
        "zip_bomb": lambda: msg("The zip expands far beyond its size (%(name)s): refused.", name=d.get("name", "")),
        "too_large": lambda: msg("The file is larger than %(limit_mb)s MB.", limit_mb=d.get("limit_mb", 0)),
        "empty_file": lambda: msg("The file is empty."),
        "unreadable": lambda: msg("The file cannot be read (%(reason)s).", reason=d.get("reason", "")),
        "unreadable_at": lambda: msg("The file cannot be read after row %(row)s (%(reason)s).",
                                     row=d.get("row", 0), reason=d.get("reason", "")),
    }
    return messages.get(error.code, lambda: msg("The file cannot be read (%(reason)s).", reason=error.code))()
