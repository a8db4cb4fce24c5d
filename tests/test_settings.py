"""Settings are validated at start; a wrong value names its variable."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from app.settings import DEMO_SECRET_KEY, Settings, SettingsError

VALID = {
    "VIGIE_DATABASE_URL": "postgresql://vigie:pw@db.example/vigie",
    "VIGIE_REDIS_URL": "redis://127.0.0.1:6379/0",
    "VIGIE_SECRET_KEY": "a-long-enough-secret-key",
}


def test_valid_environment_gives_defaults():
    settings = Settings.from_env(VALID)
    assert settings.storage_srid == 2154
    assert settings.default_language == "fr"
    assert settings.basemap_url is None
    assert settings.database_url.startswith("postgresql+psycopg://vigie:pw@db.example")


@pytest.mark.parametrize(
    "variable, value, expected",
    [
        ("VIGIE_DATABASE_URL", "", "is not set"),
        ("VIGIE_DATABASE_URL", "mysql://x@y/z", "PostgreSQL"),
        ("VIGIE_REDIS_URL", "http://localhost", "redis://"),
        ("VIGIE_SECRET_KEY", "short", "at least 16"),
        ("VIGIE_SECRET_KEY", DEMO_SECRET_KEY, "demo key"),
        ("VIGIE_STORAGE_SRID", "lambert", "EPSG code"),
        ("VIGIE_STORAGE_SRID", "4326", "projected CRS in metres"),
        ("VIGIE_STORAGE_SRID", "999999", "not a known CRS"),
        ("VIGIE_DEFAULT_LANGUAGE", "de", "fr, en"),
        ("VIGIE_BASEMAP_URL", "ftp://tiles/{z}/{x}/{y}.png", "XYZ"),
        ("VIGIE_BASEMAP_URL", "https://tiles.example/tile.png", "{z}"),
        ("VIGIE_DEMO_MODE", "maybe", "expected 1/0"),
    ],
)
def test_wrong_value_names_the_variable(variable, value, expected):
    with pytest.raises(SettingsError) as error:
        Settings.from_env({**VALID, variable: value})
    assert error.value.variable == variable
    assert str(error.value).startswith(variable)
    assert expected in str(error.value)


def test_other_projected_srid_and_basemap_are_accepted():
    settings = Settings.from_env(
        {**VALID, "VIGIE_STORAGE_SRID": "3948", "VIGIE_BASEMAP_URL": "https://t.example/{z}/{x}/{y}.png"}
    )
    assert settings.storage_srid == 3948
    assert settings.basemap_url == "https://t.example/{z}/{x}/{y}.png"


def test_the_app_stops_at_start_naming_the_wrong_variable():
    env = {**os.environ, "VIGIE_STORAGE_SRID": "4326"}
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "VIGIE_STORAGE_SRID" in result.stderr
