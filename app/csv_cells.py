"""CSV cells that a spreadsheet opens as data, never runs as a formula (CSV injection).

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading apostrophe, which spreadsheets show as text. Numbers are left alone (a negative
number is data, not a formula): whether a value is a number is decided by its Python
type, so a column of numbers stays numeric and ``"-1"`` as text is still neutralised.
"""
from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """``value`` as a CSV cell: empty for None, numbers as they are, formula-like text neutralised."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
