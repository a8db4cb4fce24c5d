"""An asset manager draws an asset on the map, fills its form, moves it, reads its history."""
from __future__ import annotations

import pytest

from app.demo.dijon import DEMO_PASSWORD

pytestmark = pytest.mark.browser

# Quetigny: away from the places the other registry tests use, since this test commits.
QUETIGNY = (5.1062, 47.3148)


def _log_in(page, live_server: str, login: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector("#map[data-types-loaded=true]", timeout=15000)


def _centre_on(page, lonlat, zoom: int = 18) -> None:
    page.evaluate(
        "([lon, lat, zoom]) => { const v = window.vigie.map.getView(); v.setCenter(ol.proj.fromLonLat([lon, lat])); v.setZoom(zoom); }",
        [*lonlat, zoom],
    )
    page.wait_for_timeout(300)


def test_draw_fill_move_and_see_two_history_entries(page, live_server, artifacts):
    _log_in(page, live_server, "manager")
    _centre_on(page, QUETIGNY)
    box = page.locator("#map").bounding_box()
    centre = (box["x"] + box["width"] / 2 - 170, box["y"] + box["height"] / 2)

    page.select_option("#new-asset-type", "bench")
    page.click("#new-asset-form button[type=submit]")
    page.mouse.click(*centre)
    page.fill("#field-seats", "2.5")  # wrong on purpose: the message comes at the field
    page.select_option("#field-material", "wood")
    page.click(".asset-form .button-row button.primary-inline")
    page.wait_for_selector(".field-error[data-for=seats]:has-text('Nombre entier attendu')")
    page.fill("#field-seats", "4")
    page.click(".asset-form .button-row button.primary-inline")
    page.wait_for_selector("[data-testid=asset-reference]")
    reference = page.inner_text("[data-testid=asset-reference]")
    assert reference.startswith("BA-21515-")
    assert page.locator("[data-testid=history] > li").count() == 1
    assert "Bois" in page.inner_text(".card-table")

    page.click("text=Déplacer ou modifier la forme")
    save_position = page.wait_for_selector("text=Enregistrer la position")  # the Modify tool is on
    page.mouse.move(*centre)
    page.mouse.down()
    page.mouse.move(centre[0] + 30, centre[1] + 25, steps=8)
    page.mouse.up()
    save_position.click()
    page.wait_for_function("document.querySelectorAll('[data-testid=history] > li').length === 2", timeout=10000)
    history = page.inner_text("[data-testid=history]")
    assert history.index("Déplacé") < history.index("Créé")  # newest first
    assert "Marc Gestionnaire" in history
    page.screenshot(path=str(artifacts / "registry-card-fr.png"))


def test_read_only_roles_see_no_edit_tools(page, live_server):
    _log_in(page, live_server, "councillor")
    assert page.locator("#new-asset-form").count() == 0


# Chevigny-Saint-Sauveur: the bulk-edit test's own place.
CHEVIGNY = (5.1350, 47.3005)


def test_box_select_then_bulk_edit_and_the_map_as_of_yesterday(page, live_server, artifacts, engine, settings):
    from datetime import date, timedelta

    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from app.auth.models import User
    from app.inventory import services
    from tests.conftest import storage_point

    with Session(engine) as session:
        manager = session.query(User).filter_by(login="manager").one()
        made = [
            services.create_asset(session, manager, "litter_bin",
                                  storage_point(settings, CHEVIGNY[0] + dx, CHEVIGNY[1]), settings.storage_srid)
            for dx in (-0.0002, 0.0, 0.0002)
        ]
        session.commit()
        ids = [a.id for a in made]

    _log_in(page, live_server, "manager")
    _centre_on(page, CHEVIGNY, zoom=18)
    page.wait_for_function(f"Number(document.querySelector('#map').dataset.assetsLoaded || 0) >= 3")
    box = page.locator("#map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.keyboard.down("Control")
    page.mouse.move(cx - 120, cy - 60)
    page.mouse.down()
    page.mouse.move(cx + 120, cy + 60, steps=10)
    page.mouse.up()
    page.keyboard.up("Control")
    page.wait_for_selector("text=3 équipements sélectionnés")
    page.select_option("#bulk-field", "capacity_l")
    page.fill("#field-capacity_l", "120")
    page.fill("#field-reason", "Remplacement des corbeilles")
    page.click("text=Appliquer à tous")
    page.wait_for_selector("[data-testid=bulk-done]")
    with engine.connect() as connection:
        capacities = connection.execute(
            text("SELECT attributes->>'capacity_l' FROM assets WHERE id = ANY(:ids)"), {"ids": ids}).scalars().all()
        updates = connection.execute(
            text("SELECT count(*) FROM asset_history WHERE asset_id = ANY(:ids) AND change = 'updated'"), {"ids": ids}).scalar()
    assert capacities == ["120", "120", "120"] and updates == 3

    yesterday = (date.today() - timedelta(days=1)).isoformat()
    page.fill("#as-of", yesterday)
    page.dispatch_event("#as-of", "change")
    page.wait_for_selector("#as-of-banner:not([hidden])")
    page.wait_for_function("window.vigie.assetLayer.getSource().getFeatures().length === 0")
    assert page.locator("#new-asset-form").is_hidden()
    page.screenshot(path=str(artifacts / "registry-as-of-yesterday-fr.png"))
