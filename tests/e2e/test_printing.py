"""Printing in a real browser: the work order from its page at a chosen scale; a selection
of the list and a crew's day from the board printed by the real worker, with the progress
bar in the page and then the download link.

The test commits its interventions in Ouges and Perrigny-lès-Dijon, on a day of 2032 no
other test plans in, and deletes them at the end.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from app.demo.dijon import DEMO_PASSWORD
from app.interventions.models import Intervention, Team
from tests.printing.committed import OUGES, PERRIGNY, committed_interventions, east_of
from tests.printing.pdf import page_texts

pytestmark = pytest.mark.browser

DAY, WEEK = "2032-06-15", "2032-W25"


def _log_in(page, live_server: str, path: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("input[name=login]", "dispatcher")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}{path}")


def _downloaded(page, form) -> bytes:
    """Send the print form, watch the bar, then download the PDF from the link."""
    form.locator("button[type=submit]").click()
    progress = form.locator("[data-print-progress]")
    progress.locator("progress").wait_for(state="visible")
    link = progress.locator("a.print-download")
    link.wait_for(state="visible", timeout=60_000)
    assert progress.get_attribute("data-state") == "done"
    with page.expect_download() as download:
        link.click()
    return open(download.value.path(), "rb").read()


@pytest.fixture()
def forget_new_prints(settings):
    """Remove the batches printed during the test."""
    folder = Path(settings.print_dir)
    before = set(folder.iterdir()) if folder.is_dir() else set()
    yield
    for path in set(folder.iterdir()) - before if folder.is_dir() else ():
        path.unlink()


def test_print_a_work_order_a_selection_and_a_crews_day(page, live_server, rq_worker, engine, settings, artifacts,
                                                        forget_new_prints):
    places = [PERRIGNY, east_of(PERRIGNY, 400), east_of(PERRIGNY, 200)]
    starts = [f"{DAY}T08:00", f"{DAY}T09:00", f"{DAY}T09:00"]
    with committed_interventions(engine, settings, [east_of(OUGES, 60 * n) for n in range(3)]) as (listed, _), \
            committed_interventions(engine, settings, places, starts) as (planned, team_id):
        with Session(engine) as session:
            references = {i: session.get(Intervention, i).reference for i in listed + planned}
            team = session.get(Team, team_id).name

        # The work order from its page, at 1:500, opens in a new tab.
        _log_in(page, live_server, f"/interventions/{listed[0]}")
        form = page.locator("[data-testid=print-work-order]")
        form.locator("select[name=scale]").select_option("500")
        with page.context.expect_page() as opened:
            form.locator("button[type=submit]").click()
        assert opened.value.url.startswith(f"{live_server}/interventions/{listed[0]}/work-order.pdf?scale=500&lang=fr")

        # Two ticked rows of the list (the filter: Ouges).
        page.goto(f"{live_server}/interventions?commune=21473")
        for item_id in listed[:2]:
            page.check(f"input[name=ids][value='{item_id}']")
        pdf = _downloaded(page, page.locator("#print-form"))
        page.screenshot(path=str(artifacts / "interventions-print-selection-fr.png"))
        text = " ".join(page_texts(pdf))
        assert references[listed[0]] in text and references[listed[1]] in text and references[listed[2]] not in text

        # The crew's day from the board's week.
        page.goto(f"{live_server}/interventions/board?week={WEEK}")
        form = page.locator("[data-testid=print-day]")
        form.locator("select[name=team_id]").select_option(str(team_id))
        form.locator("select[name=day]").select_option(DAY)
        pdf = _downloaded(page, form)
        page.screenshot(path=str(artifacts / "board-print-day-fr.png"))
        cover = page_texts(pdf)[0]
        assert team in cover and "15 juin 2032" in cover
        # The three stops lie on a line (0, 200 and 400 m east): the optimised day visits
        # them along it, from either end, so the middle one is always second.
        route = [cover.index(references[i]) for i in (planned[0], planned[2], planned[1])]
        assert route in (sorted(route), sorted(route, reverse=True))
