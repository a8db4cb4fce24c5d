"""Accounts: creation rules, commune scopes, demo-password refusal, the CLI."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import select, text

from app.auth import services
from app.auth.models import User
from app.demo.dijon import DEMO_ACCOUNTS, DEMO_PASSWORD
from app.errors import ValidationFailed


def test_password_is_stored_as_argon2id(db, make_user):
    user = make_user("dispatcher", password="a-secret-password")
    assert user.password_hash.startswith("$argon2id$")
    assert "a-secret-password" not in user.password_hash


def test_creation_errors_name_each_field(db):
    with pytest.raises(ValidationFailed) as error:
        services.create_user(db, "bad login!", "short", "mayor", commune_insee=["99999"])
    assert set(error.value.field_errors) == {"login", "password", "role", "communes"}
    assert db.scalar(select(User).where(User.login == "bad login!")) is None


def test_duplicate_login_is_refused(db, make_user):
    make_user("admin", login="duplicate")
    with pytest.raises(ValidationFailed) as error:
        services.create_user(db, "Duplicate", "long-enough-pw", "admin")
    assert "already taken" in error.value.field_errors["login"]


def test_a_user_may_be_limited_to_communes(db, make_user):
    user = make_user("councillor", communes=["21231", "21617"])
    assert sorted(c.name for c in user.communes) == ["Dijon", "Talant"]
    assert user.commune_ids is not None and len(user.commune_ids) == 2
    assert make_user("councillor").commune_ids is None


def test_demo_accounts_exist_with_the_demo_password(db):
    logins = [a.login for a in DEMO_ACCOUNTS]
    assert services.users_still_on_password(db, logins, DEMO_PASSWORD) == sorted(logins)
    services.set_password(db, "admin", "a-new-strong-password")
    assert "admin" not in services.users_still_on_password(db, logins, DEMO_PASSWORD)


def test_the_app_refuses_to_start_outside_demo_mode_with_demo_passwords(settings):
    from dataclasses import replace

    from app import create_app

    with pytest.raises(RuntimeError, match="demo password"):
        create_app(replace(settings, demo_mode=False))


def test_set_password_revokes_open_sessions(db, make_user):
    user = make_user("dispatcher")
    token = services.open_login_session(db, user, "127.0.0.1", "pytest")
    assert services.user_for_session_token(db, token) is not None
    services.set_password(db, user.login, "another-long-password")
    assert services.user_for_session_token(db, token) is None


def test_cli_creates_a_user(engine):
    login = "cli-created-user"
    try:
        result = subprocess.run(
            [sys.executable, "-m", "app.cli", "create-user", login, "--role", "councillor",
             "--commune", "21231", "--password-stdin"],
            input="cli-password-123\n", capture_output=True, text=True, env=os.environ.copy(), timeout=60,
        )
        assert result.returncode == 0, result.stderr
        with engine.connect() as connection:
            row = connection.execute(
                text("SELECT u.role, c.insee FROM users u JOIN user_communes uc ON uc.user_id = u.id "
                     "JOIN communes c ON c.id = uc.commune_id WHERE u.login = :l"), {"l": login}
            ).one()
        assert tuple(row) == ("councillor", "21231")
        again = subprocess.run(
            [sys.executable, "-m", "app.cli", "create-user", login, "--role", "councillor", "--password-stdin"],
            input="cli-password-123\n", capture_output=True, text=True, env=os.environ.copy(), timeout=60,
        )
        assert again.returncode != 0 and "already taken" in again.stderr
    finally:
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM users WHERE login = :l"), {"l": login})
