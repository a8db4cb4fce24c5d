"""Every role logs in through a real browser and sees the 23 communes on the map."""
from __future__ import annotations

import pytest

from app.demo.dijon import DEMO_ACCOUNTS, DEMO_PASSWORD

pytestmark = pytest.mark.browser


def _log_in(page, live_server: str, login: str, password: str) -> None:
    page.goto(f"{live_server}/")
    assert "/login" in page.url
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click("button[type=submit].primary")


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: a.login)
def test_each_role_sees_the_communes_on_the_map(page, live_server, artifacts, account):
    tile_statuses = []
    page.on("response", lambda r: tile_statuses.append(r.status) if ".mvt" in r.url else None)
    with page.expect_response(lambda r: "/tiles/assets/" in r.url, timeout=15000):
        _log_in(page, live_server, account.login, DEMO_PASSWORD)
    page.wait_for_selector("#map[data-loaded=true]", timeout=15000)
    assert page.inner_text("[data-testid=commune-count]") == "23"
    assert page.get_attribute(".user", "data-role") == account.role
    # The communes are really drawn: OpenLayers holds 23 features and renders a canvas.
    drawn = page.evaluate(
        "() => window.vigie.communeLayer.getSource().getFeatures().map(f => f.get('name'))"
    )
    assert len(drawn) == 23 and "Neuilly-Crimolois" in drawn and "Crimolois" not in drawn
    assert page.locator("#map canvas").count() >= 1
    # The asset layer is drawn from vector tiles, which every role may read.
    assert tile_statuses and set(tile_statuses) <= {200, 304}
    page.screenshot(path=str(artifacts / f"map-{account.login}.png"))


def test_language_switch_and_wrong_password(page, live_server, artifacts):
    _log_in(page, live_server, "agent", "not-the-password")
    assert page.inner_text(".field-error") == "Identifiant ou mot de passe incorrect."
    page.screenshot(path=str(artifacts / "login-error-fr.png"))
    page.click("button[name=language][value=en]")
    assert page.inner_text("h1") == "Log in to Vigie"
    page.fill("input[name=login]", "agent")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector("#map[data-loaded=true]", timeout=15000)
    assert page.inner_text(".topnav") .startswith("Map")
    page.hover("#map", position={"x": 500, "y": 420})
    page.screenshot(path=str(artifacts / "map-en.png"))
    page.click("text=Log out")
    assert "/login" in page.url
