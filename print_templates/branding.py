"""What an organisation changes on its printed documents, by configuration and not code:
its name, logo, colours, footer text, safety notes and which sections a work order shows.

The configuration is a TOML file (``VIGIE_PRINT_CONFIG``)::

    organisation = "Dijon Métropole"
    logo = "logo.png"               # PNG or JPEG, relative to this file
    footer = "Direction de l'espace public · 03 80 00 00 00"
    sections = ["map", "assets", "history", "checklist", "safety", "parts", "remarks", "signatures"]
    default_scale = 1000            # 500, 1000 or 2000

    [colours]
    primary = "#0b5cad"             # title band, section titles
    accent = "#d7191c"              # the intervention's place, the day's route

    [safety_notes]                  # replaces the default notes, per language
    fr = ["Porter les EPI adaptés.", "Baliser la zone de travail."]
    en = ["Wear the protective equipment the task needs.", "Mark out the work area."]
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

# The sections of a work order, in print order (the header and location always print).
SECTIONS = ("map", "assets", "history", "checklist", "safety", "parts", "remarks", "signatures")
SCALES = (500, 1000, 2000)
LANGUAGES = ("fr", "en")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_KEYS = {"organisation", "logo", "footer", "sections", "default_scale", "colours", "safety_notes"}


class BrandingError(ValueError):
    """The print configuration is wrong; the message says where."""


@dataclass(frozen=True)
class Branding:
    """The organisation's look of printed documents."""

    organisation: str = "Dijon Métropole"
    logo_path: str | None = None
    primary_colour: str = "#0b5cad"
    accent_colour: str = "#d7191c"
    footer: str = ""
    sections: tuple[str, ...] = SECTIONS
    default_scale: int = 1000
    # Per language; a language without notes prints the default ones.
    safety_notes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def shows(self, section: str) -> bool:
        """Whether work orders print ``section``."""
        return section in self.sections


def load_branding(path: str | None) -> Branding:
    """The branding of the TOML file at ``path``, or the defaults when ``path`` is empty."""
    if not path:
        return Branding()
    file = Path(path)
    try:
        with file.open("rb") as f:
            data = tomllib.load(f)
    except OSError as error:
        raise BrandingError(f"cannot read {path}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise BrandingError(f"{path} is not valid TOML: {error}") from None
    return branding_from_mapping(data, file.parent)


def branding_from_mapping(data: Mapping, base_dir: Path) -> Branding:
    """Validate a parsed configuration; every problem found is reported at once."""
    problems = [f"unknown key {key!r}" for key in sorted(set(data) - _KEYS)]
    organisation = _text(data, "organisation", Branding.organisation, problems)
    footer = _text(data, "footer", "", problems)
    logo = _logo(data.get("logo"), base_dir, problems)
    sections = _sections(data.get("sections", list(SECTIONS)), problems)
    scale = data.get("default_scale", Branding.default_scale)
    if scale not in SCALES:
        problems.append(f"default_scale must be one of {', '.join(map(str, SCALES))}")
    colours = data.get("colours", {})
    if not isinstance(colours, Mapping) or set(colours) - {"primary", "accent"}:
        problems.append("[colours] may only set primary and accent")
        colours = {}
    for name, value in colours.items():
        if not isinstance(value, str) or not _COLOUR.fullmatch(value):
            problems.append(f"colours.{name} must be written #rrggbb")
    notes = _safety_notes(data.get("safety_notes", {}), problems)
    if problems:
        raise BrandingError("; ".join(problems))
    return Branding(organisation=organisation, logo_path=logo, footer=footer, sections=sections,
                    default_scale=scale, safety_notes=notes,
                    primary_colour=colours.get("primary", Branding.primary_colour),
                    accent_colour=colours.get("accent", Branding.accent_colour))


def _text(data: Mapping, key: str, default: str, problems: list[str]) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or (key == "organisation" and not value.strip()):
        problems.append(f"{key} must be a non-empty text" if key == "organisation" else f"{key} must be a text")
        return default
    return value.strip()


def _logo(value: object, base_dir: Path, problems: list[str]) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        problems.append("logo must be the path of a PNG or JPEG file")
        return None
    path = (base_dir / value).resolve()
    try:
        head = path.read_bytes()[:8]
    except OSError:
        problems.append(f"logo {path} cannot be read")
        return None
    if not (head.startswith(b"\x89PNG\r\n\x1a\n") or head.startswith(b"\xff\xd8\xff")):
        problems.append(f"logo {path} is neither a PNG nor a JPEG image")
        return None
    return str(path)


def _sections(value: object, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        problems.append("sections must be a list of section names")
        return SECTIONS
    unknown = [s for s in value if s not in SECTIONS]
    if unknown:
        problems.append(f"unknown section(s) {', '.join(unknown)} (known: {', '.join(SECTIONS)})")
    return tuple(s for s in SECTIONS if s in value)


def _safety_notes(value: object, problems: list[str]) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        problems.append("[safety_notes] must be a table of languages")
        return {}
    notes = {}
    for language, lines in value.items():
        if language not in LANGUAGES:
            problems.append(f"safety_notes.{language}: language must be one of {', '.join(LANGUAGES)}")
        elif not isinstance(lines, list) or not all(isinstance(line, str) and line.strip() for line in lines):
            problems.append(f"safety_notes.{language} must be a list of texts")
        else:
            notes[language] = tuple(line.strip() for line in lines)
    return notes
