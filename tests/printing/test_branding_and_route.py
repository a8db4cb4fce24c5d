"""The organisation's print configuration (VIGIE_PRINT_CONFIG), validated at start (the
day's visiting order is dispatch's: tests/dispatch/test_day_plan.py)."""
from __future__ import annotations

import pytest

from app.settings import Settings, SettingsError
from print_templates.branding import SECTIONS, Branding

BASE_ENV = {"VIGIE_DATABASE_URL": "postgresql://vigie:vigie@127.0.0.1/vigie",
            "VIGIE_REDIS_URL": "redis://127.0.0.1:6379/0",
            "VIGIE_SECRET_KEY": "0123456789abcdef0123"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def test_without_a_configuration_work_orders_carry_the_default_branding():
    settings = Settings.from_env(BASE_ENV)
    assert settings.print_branding == Branding()
    assert settings.print_branding.sections == SECTIONS and settings.public_url is None


def test_a_configuration_file_sets_name_logo_colours_footer_sections_and_notes(tmp_path):
    (tmp_path / "logo.png").write_bytes(PNG)
    config = tmp_path / "print.toml"
    config.write_text('organisation = "Ville de Chenôve"\nlogo = "logo.png"\nfooter = "Voirie"\n'
                      'sections = ["signatures", "map"]\ndefault_scale = 500\n'
                      '[colours]\nprimary = "#225522"\n[safety_notes]\nfr = ["Gilet obligatoire."]\n', encoding="utf-8")
    settings = Settings.from_env({**BASE_ENV, "VIGIE_PRINT_CONFIG": str(config),
                                  "VIGIE_PUBLIC_URL": "https://vigie.chenove.fr/"})
    branding = settings.print_branding
    assert (branding.organisation, branding.footer, branding.default_scale) == ("Ville de Chenôve", "Voirie", 500)
    assert branding.logo_path == str(tmp_path / "logo.png") and branding.primary_colour == "#225522"
    assert branding.sections == ("map", "signatures")  # print order, whatever the file's order
    assert branding.safety_notes == {"fr": ("Gilet obligatoire.",)}
    assert settings.public_url == "https://vigie.chenove.fr"


@pytest.mark.parametrize("content, problem", [
    ('organisation = ""', "organisation must be a non-empty text"),
    ('sections = ["map", "coffee"]', "unknown section(s) coffee"),
    ('default_scale = 750', "default_scale must be one of 500, 1000, 2000"),
    ('[colours]\nprimary = "blue"', "colours.primary must be written #rrggbb"),
    ('logo = "missing.png"', "cannot be read"),
    ('logo = "print.toml"', "neither a PNG nor a JPEG"),
    ('colour = "#000000"', "unknown key 'colour'"),
    ('organisation = [', "is not valid TOML"),
])
def test_a_wrong_configuration_stops_the_start_naming_the_variable(tmp_path, content, problem):
    config = tmp_path / "print.toml"
    config.write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError, match="VIGIE_PRINT_CONFIG") as error:
        Settings.from_env({**BASE_ENV, "VIGIE_PRINT_CONFIG": str(config)})
    assert problem in str(error.value)


def test_a_missing_configuration_file_or_a_wrong_public_url_stops_the_start(tmp_path):
    with pytest.raises(SettingsError, match="VIGIE_PRINT_CONFIG: cannot read"):
        Settings.from_env({**BASE_ENV, "VIGIE_PRINT_CONFIG": str(tmp_path / "nowhere.toml")})
    with pytest.raises(SettingsError, match="VIGIE_PUBLIC_URL"):
        Settings.from_env({**BASE_ENV, "VIGIE_PUBLIC_URL": "vigie.example.fr"})
