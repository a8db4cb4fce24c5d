"""The fonts of printed documents: DejaVu Sans (Debian package ``fonts-dejavu-core``).

reportlab's built-in PDF fonts only cover Latin-1 and are not embedded, so "œ", "’" or
"—" would print as boxes on some printers; an embedded TrueType font prints every French
accent the same everywhere, and keeps the text extractable (reportlab writes its
ToUnicode map).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

DEFAULT_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SANS = "VigieSans"
SANS_BOLD = "VigieSans-Bold"
SANS_ITALIC = "VigieSans-Oblique"
MONO = "VigieMono"

_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    SANS_ITALIC: "DejaVuSans-Oblique.ttf",
    MONO: "DejaVuSansMono.ttf",
}


class FontsMissing(RuntimeError):
    """The TrueType fonts are not installed where expected."""


@lru_cache(maxsize=1)
def register_fonts(font_dir: Path = DEFAULT_FONT_DIR) -> None:
    """Register the fonts with reportlab once per process (bold and italic as a family)."""
    for name, filename in _FILES.items():
        path = font_dir / filename
        if not path.is_file():
            raise FontsMissing(f"{path} is missing: install the Debian package fonts-dejavu-core")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD, italic=SANS_ITALIC, boldItalic=SANS_BOLD)


def text_width(text: str, font: str, size: float) -> float:
    """The width in points of ``text`` set in ``font`` at ``size``."""
    return pdfmetrics.stringWidth(text, font, size)
