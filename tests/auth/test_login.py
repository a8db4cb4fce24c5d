"""Login, logout, throttling, CSRF and role checks against the real database."""
from __future__ import annotations

import html

import pytest

from tests.conftest import csrf_token_from


def _post_login(client, login: str, password: str, with_token: bool = True):
    page = client.get("/login")
    data = {"login": login, "password": password}
    if with_token:
        data["csrf_token"] = csrf_token_from(page.text)
    return client.post("/login", data=data)


def test_login_then_map_then_logout(client, make_user):
    user = make_user("dispatcher")
    response = _post_login(client, user.login, "correct-horse-battery")
    assert response.status_code == 302 and response.location == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "Régulateur" in page.text  # role shown in French, the default language
    client.post("/logout", data={"csrf_token": csrf_token_from(page.text)})
    assert client.get("/").status_code == 302


def test_wrong_password_says_so_at_the_field_in_french(client, make_user):
    user = make_user("councillor")
    response = _post_login(client, user.login, "wrong-password")
    assert response.status_code == 401
    assert "Identifiant ou mot de passe incorrect." in response.text
    assert client.get("/").status_code == 302


def test_empty_fields_get_messages_at_each_field(client):
    response = _post_login(client, "", "")
    assert response.status_code == 422
    assert "Saisissez votre identifiant." in response.text
    assert "Saisissez votre mot de passe." in response.text


def test_english_when_chosen(client, make_user):
    page = client.get("/login")
    client.post("/language", data={"language": "en", "next": "/login", "csrf_token": csrf_token_from(page.text)})
    user = make_user("councillor")
    response = _post_login(client, user.login, "nope-nope-nope")
    assert "Wrong login or password." in response.text


def test_logout_ends_the_session_on_the_server(app, make_user):
    user = make_user("asset_manager")
    browser = app.test_client()
    _post_login(browser, user.login, "correct-horse-battery")
    stolen_cookie = browser.get_cookie("vigie_session").value
    page = browser.get("/")
    browser.post("/logout", data={"csrf_token": csrf_token_from(page.text)})

    attacker = app.test_client()
    attacker.set_cookie("vigie_session", stolen_cookie)
    response = attacker.get("/")
    assert response.status_code == 302 and "/login" in response.location
    assert attacker.get("/api/v1/communes").status_code == 401


def test_repeated_failures_are_throttled_even_with_the_right_password(client, make_user, settings):
    user = make_user("field_agent")
    for _ in range(settings.login_max_failures):
        assert _post_login(client, user.login, "wrong-password").status_code == 401
    response = _post_login(client, user.login, "correct-horse-battery")
    assert response.status_code == 429
    assert "Trop d'échecs de connexion. Réessayez dans 15 minutes." in html.unescape(response.text)
    assert client.get("/").status_code == 302


def test_a_success_clears_the_failure_count(client, make_user, settings):
    user = make_user("field_agent")
    for _ in range(settings.login_max_failures - 1):
        _post_login(client, user.login, "wrong-password")
    assert _post_login(client, user.login, "correct-horse-battery").status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/").text)})
    assert _post_login(client, user.login, "wrong-password").status_code == 401
    assert _post_login(client, user.login, "correct-horse-battery").status_code == 302


def test_login_without_csrf_token_is_refused(client, make_user):
    user = make_user("admin")
    response = _post_login(client, user.login, "correct-horse-battery", with_token=False)
    assert response.status_code == 400
    assert "Le formulaire a expiré" in response.text
    assert client.get("/").status_code == 302


def test_logout_without_csrf_token_is_refused(client, login_as):
    login_as("admin")
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_next_parameter_cannot_redirect_elsewhere(client, make_user):
    user = make_user("admin")
    page = client.get("/login?next=//evil.example/x")
    response = client.post(
        "/login?next=//evil.example/x",
        data={"login": user.login, "password": "correct-horse-battery", "csrf_token": csrf_token_from(page.text)},
    )
    assert response.location == "/"


@pytest.mark.parametrize(
    "role, status", [("admin", 200), ("asset_manager", 403), ("dispatcher", 403), ("field_agent", 403), ("councillor", 403)]
)
def test_only_admins_see_the_user_list(client, login_as, role, status):
    login_as(role)
    response = client.get("/admin/users")
    assert response.status_code == status
    if status == 403:
        assert "Votre rôle ne permet pas cette action." in response.text


def test_api_without_login_answers_401_json(client):
    response = client.get("/api/v1/communes")
    assert response.status_code == 401
    assert response.json["error"] == "authentication_required"
