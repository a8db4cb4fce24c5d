"""CSV cells a spreadsheet never runs as formulas (app.csv_cells.safe_cell)."""
from __future__ import annotations

import pytest

from app.csv_cells import safe_cell


@pytest.mark.parametrize("text", ["=1+1", "+33 3 80", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "=HYPERLINK(\"http://evil\")"])
def test_formula_like_text_gets_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["EP-21231-000001", "Mât d'éclairage", "a=b", "", " =1"])
def test_plain_text_is_unchanged(text):
    assert safe_cell(text) == text


def test_numbers_stay_numbers_and_none_is_empty():
    assert safe_cell(-12) == "-12"
    assert safe_cell(-0.5) == "-0.5"
    assert safe_cell("-12") == "'-12"  # the same digits as text are neutralised
    assert safe_cell(None) == ""
    assert safe_cell(True) == "True"
