"""Signed-in people without a role in an app are refused its staff pages (403) instead of an empty or
working page, and the form preview answers only for forms the caller may create in (the public link:
only public forms, previewed as the public). Its public pages (the public form, the tracking link) stay open."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.flows import conftest as flow_fixtures
from tests.flows.conftest import APP, Company
from tests.web.test_task_pages import PASSWORD, Staff

company = flow_fixtures.company
FORMS = f"/apps/{APP}/forms"


@pytest.fixture
def stranger(app, company: Company) -> Staff:
    """Signed in, holding no role in the app."""
    company.clock.now = datetime.now(UTC)
    company.directory.create_user("stranger", PASSWORD, user_id="stranger")
    return Staff(app, "stranger")


def staff_pages(record_id: int) -> list[str]:
    return [
        f"/apps/{APP}",
        f"{FORMS}/repair_order/records",
        f"{FORMS}/repair_order/records/{record_id}",
        f"{FORMS}/repair_order/new",
        f"{FORMS}/community/new",
        f"/apps/{APP}/dashboards/service_efficiency",
    ]


def test_a_person_without_a_role_in_the_app_is_refused_its_staff_pages(app, company, stranger):
    record = company.order()

    answers = {path: stranger.client.get(f"{path}?lang=en").status_code for path in staff_pages(record["id"])}
    comment = stranger.client.post(
        f"{FORMS}/repair_order/records/{record['id']}/comments", data={"body": "hi", "csrf_token": stranger.csrf}
    )
    refusal = stranger.client.get(f"/apps/{APP}?lang=en").get_data(as_text=True)

    assert answers == dict.fromkeys(answers, 403)
    assert comment.status_code == 403
    assert "you hold no role in the app property_repair" in refusal
    assert stranger.client.get(f"/f/{APP}/repair_order").status_code == 200  # the public link stays open
    assert stranger.client.get("/apps/no_such_app").status_code == 404


def test_people_with_a_role_still_open_them(app, company, stranger):
    record = company.order()
    agent = Staff(app, "agent1")

    for path in staff_pages(record["id"])[:-1]:
        assert agent.client.get(path).status_code == 200, path


def preview(person: Staff, path: str) -> int:
    return person.client.post(path, json={}, headers={"X-CSRFToken": person.csrf}).status_code


def test_the_staff_preview_answers_only_for_forms_the_caller_may_create_in_or_update(app, company, stranger):
    owner = Staff(app, "owner1")  # owners may report a repair, not add a community
    agent = Staff(app, "agent1")
    worker = Staff(app, "worker1")  # technicians update their tickets (a task page previews the parts used)
    # engineer1, an engineering head, reads and exports tickets, nothing more

    assert preview(stranger, f"{FORMS}/repair_order/preview") == 403
    assert preview(stranger, f"{FORMS}/community/preview") == 403
    assert preview(owner, f"{FORMS}/community/preview") == 403
    assert preview(agent, f"{FORMS}/repair_order/preview") == 200
    assert preview(worker, f"{FORMS}/repair_order/preview") == 200
    assert preview(Staff(app, "engineer1"), f"{FORMS}/repair_order/preview") == 403
    company.directory.create_user("boss", PASSWORD, admin=True, user_id="boss")
    assert preview(Staff(app, "boss"), f"{FORMS}/community/preview") == 200


def test_the_public_preview_answers_only_for_public_forms_whoever_asks(app, company, stranger):
    anonymous = app.test_client()

    assert anonymous.post(f"/f/{APP}/repair_order/preview", json={}).status_code == 200
    assert anonymous.post(f"/f/{APP}/community/preview", json={}).status_code == 404
    assert preview(stranger, f"/f/{APP}/repair_order/preview") == 200
    assert preview(stranger, f"/f/{APP}/community/preview") == 404
