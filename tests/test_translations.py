"""Every interface string ships in French (the users' first language)."""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def _french_catalog():
    with open(ROOT / "app/translations/fr/LC_MESSAGES/messages.po", "rb") as f:
        return read_po(f)


def test_every_french_message_is_translated():
    untranslated = [
        m.id for m in _french_catalog()
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)) or m.fuzzy)
    ]
    assert untranslated == []


def test_every_string_in_the_code_is_in_the_catalog():
    method_map = [("app/**.py", "python"), ("app/**/templates/**.html", "jinja2")]
    in_code = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, keywords={"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "msg": None}
        )
    }
    catalog = {m.id if isinstance(m.id, str) else m.id[0] for m in _french_catalog() if m.id}
    assert sorted(in_code - catalog) == []
