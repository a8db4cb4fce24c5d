"""Personal API tokens: created once in clear, stored hashed, revocable; bearer requests need no CSRF."""
from __future__ import annotations

import base64
import hashlib
import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from app.auth import services
from app.auth.models import ApiToken
from app.errors import NotFound, ValidationFailed
from tests.conftest import csrf_token_from
from tests.conftest import TALANT
from tests.inventory.conftest import DIJON_CENTRE

NEW_BENCH = {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(DIJON_CENTRE)},
             "properties": {"type": "bench"}}


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _basic(login: str, token: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{login}:{token}".encode()).decode()}


def test_the_token_is_returned_once_and_only_its_hash_is_stored(db, make_user):
    user = make_user("councillor")
    token = services.create_api_token(db, user, "QGIS")
    assert token.startswith("vgt_") and len(token) > 40
    stored = db.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() and stored.name == "QGIS"
    assert stored.last_used_at is None and stored.revoked_at is None
    assert services.create_api_token(db, user, "QGIS") != token


def test_a_token_finds_its_user_and_records_its_use(db, make_user):
    user = make_user("councillor", communes=["21617"])
    token = services.create_api_token(db, user, "script")
    found = services.user_for_api_token(db, token)
    assert found is not None and found.id == user.id and found.commune_ids is not None
    assert db.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one().last_used_at is not None
    assert services.user_for_api_token(db, token + "x") is None
    assert services.user_for_api_token(db, "vgt_unknown") is None
    assert services.user_for_api_token(db, "not-even-a-vigie-token") is None


def test_revoked_tokens_and_inactive_users_no_longer_authenticate(db, make_user):
    user, other = make_user("councillor"), make_user("councillor")
    first, second = services.create_api_token(db, user, "one"), services.create_api_token(db, user, "two")
    first_id = services.api_tokens_of(db, user)[-1].id
    with pytest.raises(NotFound):
        services.revoke_api_token(db, other, first_id)  # not theirs
    services.revoke_api_token(db, user, first_id)
    assert services.user_for_api_token(db, first) is None
    assert services.user_for_api_token(db, second) is not None
    with pytest.raises(NotFound):
        services.revoke_api_token(db, user, first_id)  # already revoked
    user.is_active = False
    db.flush()
    assert services.user_for_api_token(db, second) is None


@pytest.mark.parametrize("name", ["", "   ", "x" * 121])
def test_a_token_needs_a_name(db, make_user, name):
    with pytest.raises(ValidationFailed) as error:
        services.create_api_token(db, make_user("councillor"), name)
    assert "name" in error.value.field_errors


def test_a_bearer_post_needs_no_csrf_token(app, db, make_user):
    token = services.create_api_token(db, make_user("asset_manager"), "script")
    client = app.test_client()
    response = client.post("/api/v1/assets", json=NEW_BENCH, headers=_bearer(token))
    assert response.status_code == 201, response.json
    assert client.get(f"/api/v1/assets/{response.json['id']}", headers=_bearer(token)).status_code == 200
    assert "Set-Cookie" not in response.headers


def test_the_role_of_the_token_user_applies(app, db, make_user):
    token = services.create_api_token(db, make_user("councillor"), "script")
    response = app.test_client().post("/api/v1/assets", json=NEW_BENCH, headers=_bearer(token))
    assert response.status_code == 403


@pytest.mark.parametrize("header", ["Bearer vgt_unknown", "Bearer ", "bearer vgt_nope"])
def test_unknown_tokens_get_401_json_even_on_reads(client, header):
    response = client.get("/api/v1/assets", headers={"Authorization": header})
    assert response.status_code == 401 and response.json["error"] == "invalid_token"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_gets_401(app, db, make_user):
    user = make_user("asset_manager")
    token = services.create_api_token(db, user, "script")
    client = app.test_client()
    assert client.get("/api/v1/assets", headers=_bearer(token)).status_code == 200
    services.revoke_api_token(db, user, services.api_tokens_of(db, user)[0].id)
    assert client.get("/api/v1/assets", headers=_bearer(token)).status_code == 401
    assert client.post("/api/v1/assets", json=NEW_BENCH, headers=_bearer(token)).status_code == 401


def test_a_bearer_request_ignores_the_session_cookie(app, db, make_user):
    """A logged-in browser's cookie does not lend its rights to a bearer request (nor skip CSRF)."""
    client = app.test_client()
    manager = make_user("asset_manager")
    page = client.get("/login")
    client.post("/login", data={"login": manager.login, "password": "correct-horse-battery",
                                "csrf_token": csrf_token_from(page.text)})
    councillor_token = services.create_api_token(db, make_user("councillor"), "script")
    assert client.post("/api/v1/assets", json=NEW_BENCH, headers=_bearer(councillor_token)).status_code == 403
    assert client.post("/api/v1/assets", json=NEW_BENCH, headers=_bearer("vgt_unknown")).status_code == 401


def test_basic_authentication_takes_the_login_and_a_token_as_password(app, db, make_user, make_asset):
    """What QGIS 3.22 can send: its Basic method with the token as password, for reading."""
    in_scope, elsewhere = make_asset("bench", lonlat=TALANT), make_asset("bench", lonlat=DIJON_CENTRE)
    user = make_user("councillor", communes=["21617"])  # Talant
    token = services.create_api_token(db, user, "QGIS")
    client = app.test_client()
    assert client.get("/ogc/collections", headers=_basic(user.login.upper(), token)).status_code == 200
    ids = {f["id"] for f in client.get("/api/v1/assets?type=bench&limit=1000", headers=_basic(user.login, token)).json["features"]}
    assert in_scope.id in ids and elsewhere.id not in ids  # the token user's commune scope applies


@pytest.mark.parametrize("credentials", ["someone-else:{token}", "{login}:correct-horse-battery",
                                         "{login}:vgt_unknown", "{login}:", "not base64!"])
def test_basic_authentication_refuses_other_users_passwords_and_garbage(app, db, make_user, credentials):
    user = make_user("councillor")
    token = services.create_api_token(db, user, "QGIS")
    if credentials == "not base64!":
        header = {"Authorization": "Basic not base64!"}
    else:
        login, _, password = credentials.format(login=user.login, token=token).partition(":")
        header = _basic(login, password)
    response = app.test_client().get("/ogc/collections", headers=header)
    assert response.status_code == 401 and response.json["error"] == "invalid_token"


def test_a_basic_token_does_not_write_without_the_csrf_token(app, db, make_user):
    """A browser may replay Basic credentials by itself: a write sent with them is a cookie-like request."""
    user = make_user("asset_manager")
    token = services.create_api_token(db, user, "QGIS")
    response = app.test_client().post("/api/v1/assets", json=NEW_BENCH, headers=_basic(user.login, token))
    assert response.status_code == 400 and response.json["error"] == "csrf"


def test_cookie_sessions_still_need_the_csrf_token(client, login_as):
    login_as("asset_manager")
    assert client.post("/api/v1/assets", json=NEW_BENCH).status_code == 400
    token = csrf_token_from(client.get("/inventory").text)
    assert client.post("/api/v1/assets", json=NEW_BENCH, headers={"X-CSRFToken": token}).status_code == 201
    assert client.post("/logout").status_code == 400  # forms too


def test_cli_creates_lists_and_revokes_tokens(engine, app):
    """`vigie create-api-token` commits (its own session): the demo councillor gets a token, then loses it."""
    from sqlalchemy.orm import Session

    from app.cli import cli

    runner = CliRunner()
    created = runner.invoke(cli, ["create-api-token", "councillor", "--name", "cli test"])
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("vgt_")
    with Session(engine) as session:  # committed, so that the CLI may revoke the row afterwards
        assert services.user_for_api_token(session, token).login == "councillor"
        session.commit()
    listed = runner.invoke(cli, ["list-api-tokens", "councillor"])
    token_id = next(line.split()[0] for line in listed.stdout.splitlines() if "cli test" in line)
    revoked = runner.invoke(cli, ["revoke-api-token", "councillor", token_id])
    assert revoked.exit_code == 0, revoked.output
    assert app.test_client().get("/api/v1/assets?limit=1", headers=_bearer(token)).status_code == 401
    assert runner.invoke(cli, ["create-api-token", "nobody", "--name", "x"]).exit_code != 0


# ---- the account page: a user's own tokens ----------------------------------------------------

def test_a_user_creates_a_token_on_the_account_page_and_qgis_settings_are_shown(client, login_as, db):
    user = login_as("councillor", communes=["21617"])
    page = client.get("/account/tokens")
    assert page.status_code == 200 and "Aucun jeton" in page.text  # French first
    response = client.post("/account/tokens", data={"name": "QGIS bureau", "csrf_token": csrf_token_from(page.text)})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    token = re.search(r'class="token-value" value="(vgt_[^"]+)"', response.text).group(1)
    assert f"Basic : nom d’utilisateur {user.login}" in response.text
    assert "/ogc" in response.text
    stored = services.api_tokens_of(db, user)
    assert [t.name for t in stored] == ["QGIS bureau"] and stored[0].token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert client.get("/account/tokens").text.count(token) == 0  # shown once only
    reader = client.application.test_client()
    assert reader.get("/ogc/collections", headers=_basic(user.login, token)).status_code == 200


@pytest.mark.parametrize("name", ["", "   ", "x" * 121])
def test_a_token_without_a_proper_name_is_refused_at_the_name_field(client, login_as, db, name):
    user = login_as("dispatcher")
    page = client.get("/account/tokens")
    response = client.post("/account/tokens", data={"name": name, "csrf_token": csrf_token_from(page.text)})
    assert response.status_code == 422
    assert re.search(r'class="field has-error">\s*<label for="name"', response.text)
    assert 'class="field-error"' in response.text and "vgt_" not in response.text
    assert services.api_tokens_of(db, user) == []


def test_a_user_revokes_their_own_token_only(client, login_as, db, make_user):
    user = login_as("asset_manager")
    token = services.create_api_token(db, user, "script")
    someone_elses = services.create_api_token(db, make_user("councillor"), "theirs")
    own_id = services.api_tokens_of(db, user)[0].id
    page = client.get("/account/tokens")
    assert f'data-token-id="{own_id}"' in page.text
    csrf = csrf_token_from(page.text)
    assert client.post(f"/account/tokens/{own_id}/revoke").status_code == 400  # CSRF
    response = client.post(f"/account/tokens/{own_id}/revoke", data={"csrf_token": csrf})
    assert response.status_code == 303
    assert client.application.test_client().get("/api/v1/assets", headers=_bearer(token)).status_code == 401
    assert "Révoqué le" in client.get("/account/tokens").text
    assert client.post(f"/account/tokens/{own_id}/revoke", data={"csrf_token": csrf}).status_code == 404
    other_id = db.scalars(select(ApiToken.id).where(ApiToken.name == "theirs")).one()
    assert client.post(f"/account/tokens/{other_id}/revoke", data={"csrf_token": csrf}).status_code == 404
    assert services.user_for_api_token(db, someone_elses) is not None


def test_the_account_page_needs_a_login(client):
    assert client.get("/account/tokens").status_code == 302


def test_a_token_cannot_mint_or_revoke_tokens(app, db, make_user):
    user = make_user("asset_manager")
    token = services.create_api_token(db, user, "script")
    client = app.test_client()
    assert client.post("/account/tokens", data={"name": "more"}, headers=_bearer(token)).status_code == 403
    own_id = services.api_tokens_of(db, user)[0].id
    assert client.post(f"/account/tokens/{own_id}/revoke", headers=_bearer(token)).status_code == 403
    assert client.get("/account/tokens", headers=_basic(user.login, token)).status_code == 403
    assert [t.name for t in services.api_tokens_of(db, user)] == ["script"]
    assert services.user_for_api_token(db, token) is not None
