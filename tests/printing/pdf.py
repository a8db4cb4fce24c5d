"""Reading printed PDFs back, as a person or a printer would: text, pages, metadata, fonts,
the QR code on a rendering of the page, and the scale bar's drawn length."""
from __future__ import annotations

import io
import re
import subprocess
import tempfile
from pathlib import Path

import pdfplumber
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from print_templates.map_furniture import SCALE_BAR_HEIGHT

PT_PER_MM = 72 / 25.4  # a PDF point is 1/72 inch (independent of the layouts' own constant)


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    """The extracted text of every page (spaces normalised)."""
    return [" ".join((page.extract_text() or "").replace("\u00a0", " ").split()) for page in reader(pdf).pages]


def font_names(pdf: bytes) -> set[str]:
    """The base names of the fonts the pages use (subset prefixes removed)."""
    names = set()
    for page in reader(pdf).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


def render_png(pdf: bytes, page: int = 1, dpi: int = 150, target: Path | None = None) -> Image.Image:
    """Page ``page`` rendered by poppler's pdftoppm (as printed), saved at ``target`` if given."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-singlefile",
                        str(source), str(Path(folder) / "out")], check=True)
        image = Image.open(Path(folder) / "out.png")
        image.load()
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        image.save(target)
    return image


def qr_codes(image: Image.Image) -> list[str]:
    """The texts of the QR codes found on a rendered page."""
    return [result.text for result in zxingcpp.read_barcodes(image) if result.format == zxingcpp.BarcodeFormat.QRCode]


def scale_bar(pdf: bytes, page: int = 0) -> tuple[float, float, int]:
    """(drawn length in points, ground length in metres it says, scale denominator stated):
    the bar is the row of segments of the bar's height; its labels and the scale text are
    read from the page's words."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        plumbed = document.pages[page]
        segments = [r for r in plumbed.rects if abs(r["height"] - SCALE_BAR_HEIGHT) < 0.01]
        assert segments, "no scale bar on the page"
        length = max(r["x1"] for r in segments) - min(r["x0"] for r in segments)
        text = " ".join(plumbed.extract_text().replace("\u00a0", " ").split())
    # "1:500", "1:1 000" - never a time of day such as 11:02 (the page prints when it was made).
    denominator = int(re.search(r"(?<![\d:])1:(\d{1,3}(?: \d{3})*)(?![\d:])", text).group(1).replace(" ", ""))
    ground, unit = re.search(r"\b0 \d+(?:[.,]\d+)? (\d+(?:[.,]\d+)?) (m|km)\b", text).groups()
    metres = float(ground.replace(",", ".")) * (1000 if unit == "km" else 1)
    return length, metres, denominator


def symbol_centres(pdf: bytes, colour: tuple[float, float, float], diameter: float,
                   page: int = 0) -> list[tuple[float, float]]:
    """The centres (points) of the circles ``diameter`` points wide filled with ``colour``
    (r, g, b in 0..1): map symbols of one type, not the legend's."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        curves = document.pages[page].curves
    return [((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2) for c in curves
            if c["fill"] and abs(c["width"] - diameter) < 0.05
            and all(abs(a - b) < 0.01 for a, b in zip(c["non_stroking_color"] or (), colour))]
