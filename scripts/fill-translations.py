"""Fill French translations into app/translations/fr/LC_MESSAGES/messages.po from a
file of ``English => Français`` lines (one pair per line; ``#`` starts a comment).

Run scripts/update-translations.sh first so that the new strings are in the catalogue,
then ``.venv/bin/python scripts/fill-translations.py pairs.txt``; prints what is still
missing. Existing translations are never overwritten.
"""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOGUE = Path(__file__).resolve().parent.parent / "app/translations/fr/LC_MESSAGES/messages.po"


def read_pairs(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        english, separator, french = line.partition(" => ")
        if separator:
            pairs[english.strip().strip('"')] = french.strip().strip('"')
    return pairs


def main(pairs_file: str) -> None:
    pairs = read_pairs(Path(pairs_file))
    with CATALOGUE.open("rb") as f:
        catalogue = read_po(f)
    for message in catalogue:
        if message.id and not message.string and message.id in pairs:
            message.string = pairs[message.id]
    with CATALOGUE.open("wb") as f:
        write_po(f, catalogue, width=100)
    missing = [m.id for m in catalogue if m.id and not m.string]
    print("\n".join(f"missing: {m}" for m in missing) or "every message is translated")


if __name__ == "__main__":
    main(sys.argv[1])
