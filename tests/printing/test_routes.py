"""The printing routes: one work order's PDF from its page, the tablet link of the QR code,
and what a batch request refuses before anything reaches the worker."""
from __future__ import annotations

import dataclasses

from app.printing.wording import translator
from tests.conftest import csrf_token_from
from tests.printing.pdf import page_texts, qr_codes, render_png


def test_whoever_reads_an_intervention_prints_its_work_order(client, login_as, make_intervention):
    item = make_intervention()
    login_as("field_agent")
    response = client.get(f"/interventions/{item.id}/work-order.pdf?scale=500&lang=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'inline; filename="{item.reference}.pdf"'
    assert response.headers["Cache-Control"] == "private, no-store"
    text = " ".join(page_texts(response.data))
    assert item.reference in text and "Scale 1:500" in text
    # Without VIGIE_PUBLIC_URL, the QR code leads to the host the page was asked on.
    assert qr_codes(render_png(response.data)) == [f"http://localhost/field/interventions/{item.id}"]


def test_the_qr_code_uses_the_public_url_when_one_is_set(app, client, login_as, make_intervention):
    services = app.extensions["vigie"]
    app.extensions["vigie"] = dataclasses.replace(
        services, settings=dataclasses.replace(services.settings, public_url="https://vigie.dijon.example"))
    item = make_intervention()
    login_as("dispatcher")
    response = client.get(f"/interventions/{item.id}/work-order.pdf")
    assert qr_codes(render_png(response.data)) == [f"https://vigie.dijon.example/field/interventions/{item.id}"]


def test_a_wrong_scale_or_language_is_refused(client, login_as, make_intervention):
    item = make_intervention()
    login_as("dispatcher")
    assert client.get(f"/interventions/{item.id}/work-order.pdf?scale=750").status_code == 422
    answer = client.get(f"/interventions/{item.id}/work-order.pdf?lang=de", headers={"Accept": "application/json"})
    assert answer.status_code == 422 and set(answer.json["fields"]) == {"lang"}


def test_an_intervention_outside_the_users_communes_is_not_found(client, login_as, make_intervention):
    item = make_intervention()  # in Dijon
    login_as("councillor", communes=["21617"])
    assert client.get(f"/interventions/{item.id}/work-order.pdf").status_code == 404


def test_printing_needs_a_login(client, make_intervention):
    item = make_intervention()
    response = client.get(f"/interventions/{item.id}/work-order.pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_qr_codes_link_leads_a_dispatcher_to_the_intervention_page(client, login_as, make_intervention):
    item = make_intervention()  # (a field agent gets the tablet's mission sheet: tests/field)
    login_as("dispatcher")
    response = client.get(f"/field/interventions/{item.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/interventions/{item.id}")


def test_the_intervention_page_offers_the_work_order_at_a_chosen_scale(client, login_as, make_intervention):
    item = make_intervention()
    login_as("field_agent")
    page = client.get(f"/interventions/{item.id}").text
    form = page[page.index('data-testid="print-work-order"'):]
    form = form[:form.index("</form>")]
    assert f'action="/interventions/{item.id}/work-order.pdf"' in page
    assert [value for value in ("500", "1000", "2000") if f'<option value="{value}"' in form] == ["500", "1000", "2000"]
    assert '<option value="1000" selected>' in form  # the organisation's default scale


def test_a_batch_of_nothing_is_refused_before_the_worker(client, login_as):
    login_as("dispatcher")
    page = client.get("/interventions").text
    answer = client.post("/prints?q=NO-SUCH-REFERENCE", data={"csrf_token": csrf_token_from(page)},
                         headers={"Accept": "application/json"})
    assert answer.status_code == 422
    assert answer.json["message"] == translator("fr")("There is no work order to print.")


def test_a_day_pack_needs_a_known_team_and_a_day(client, login_as):
    login_as("dispatcher")
    token = csrf_token_from(client.get("/interventions").text)
    answer = client.post("/prints", data={"csrf_token": token, "team_id": "x", "day": "tomorrow"},
                         headers={"Accept": "application/json"})
    assert answer.status_code == 422 and set(answer.json["fields"]) == {"team_id", "day"}
    answer = client.post("/prints", data={"csrf_token": token, "team_id": "999999", "day": "2031-03-04"},
                         headers={"Accept": "application/json"})
    assert answer.status_code == 404


def test_a_print_id_is_never_a_path(client, login_as):
    login_as("dispatcher")
    assert client.get("/prints/..%2F..%2Fsecret_key").status_code == 404
    assert client.get("/prints/" + "0" * 32 + ".pdf").status_code == 404
