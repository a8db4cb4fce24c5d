#!/usr/bin/env bash
# Extract the interface strings and merge them into the fr/en catalogues.
# Then translate the new entries of app/translations/fr/LC_MESSAGES/messages.po;
# tests/test_translations.py fails while any is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k msg -o instance/messages.pot . >/dev/null
.venv/bin/pybabel update --no-fuzzy-matching -i instance/messages.pot -d app/translations
