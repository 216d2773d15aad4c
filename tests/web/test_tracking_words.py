"""The owner's tracking page speaks the flow's language (its ``tracking`` block): a repair is talked
about as a repair and a complaint as a complaint, the outcome the owner may read comes before the
rating, and a ticket sent back shows the rework as such."""

from __future__ import annotations

import io

from PIL import Image

from engine.principal import LOCAL_ADMIN
from engine.services.flow_views import Rework
from engine.web.tracking_flow import words
from tests.flows import conftest as flow_fixtures
from tests.flows.conftest import APP, Company
from tests.web import test_task_pages
from tests.web.test_tracking_flow import submit

company = flow_fixtures.company
office = test_task_pages.office
property_package = test_task_pages.property_package

ZH = {"Accept-Language": "zh-CN"}


def photo() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), "orange").save(out, "JPEG")
    out.seek(0)
    return out


def repaired(app, office: Company, record_id: int) -> str:
    """Agent review and a repair with a result, the parts used and a completion photo; returns the photo's id."""
    office.act("agent1", office.open_tasks(record_id, "accept")[0]["id"], "complete", outcome="accept")
    repair = office.open_tasks(record_id, "repair")[0]
    worker = repair["assignee"]
    served = app.extensions["trellis"]  # the web app's services: they keep the photo with the ticket
    found = served.attachments.upload(
        office[worker], APP, "repair_order", "completion_photos", "done.jpg", photo(), "image/jpeg"
    )
    office.act(worker, repair["id"], "claim")
    data = {"result": "更换水龙头", "completion_photos": [found["id"]]}
    served.flows.act(office[worker], repair["id"], "complete", {"data": data}, locale="en")
    return str(found["id"])


def test_a_repair_page_speaks_of_the_repair_and_shows_its_outcome_before_the_rating(app, office, anonymous_client):
    record_id, link = submit(anonymous_client, office)
    photo_id = repaired(app, office, record_id)
    page = anonymous_client.get(link, headers=ZH).get_data(as_text=True)
    assert "<h2>报修内容</h2>" in page and "<h2>确认维修结果并评价</h2>" in page
    outcome = page.index("<h2>维修结果</h2>")
    assert outcome < page.index('id="rating"')  # the owner reads what was done, then rates it
    assert "<dt>处理结果</dt><dd>更换水龙头</dd>" in page
    assert f'<img src="{link}/files/{photo_id}/thumbnail"' in page
    # fields the flow does not name as its outcome, or the owner may not read, stay off the page
    assert "使用备件" not in page and "费用合计" not in page and "是否收费" not in page
    english = anonymous_client.get(link, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<h2>The repair</h2>" in english and "<h2>Confirm the repair and rate it</h2>" in english


def test_the_link_opens_its_own_outcome_photos_and_no_other_file(app, office, anonymous_client):
    record_id, link = submit(anonymous_client, office)
    photo_id = repaired(app, office, record_id)
    _, other_link = submit(anonymous_client, office, owner_name="李先生")
    with anonymous_client.get(f"{link}/files/{photo_id}/thumbnail") as thumbnail:
        assert (thumbnail.status_code, thumbnail.mimetype) == (200, "image/jpeg")
    with anonymous_client.get(f"{link}/files/{photo_id}") as full:
        assert full.status_code == 200
    assert anonymous_client.get(f"{other_link}/files/{photo_id}/thumbnail").status_code == 404  # another ticket's
    assert anonymous_client.get(f"{link}/files/{'0' * 32}").status_code == 404


def test_a_complaint_page_speaks_of_the_complaint_not_of_a_repair(app, office, anonymous_client):
    data = {
        "owner_name": "李先生",
        "phone": "13912345678",
        "community": office.community,
        "kind": "投诉",
        "content": "电梯噪音大",
    }
    answer = anonymous_client.post(f"/f/{APP}/complaint", json=data)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    record_id, link = answer.json["id"], answer.json["tracking_url"]
    flows = office.flows

    def open_task(node: str) -> dict:
        instance = flows.instance(LOCAL_ADMIN, flows.instances_of(APP, "complaint", record_id)[-1])
        return next(t for t in instance["tasks"] if t["status"] == "open" and t["node"] == node)

    office.act("agent1", open_task("register")["id"], "complete", data={"department": "工程部"})
    office.act("engineer1", open_task("handle")["id"], "complete", data={"handling_result": "已调整电梯"})
    follow_up = {"follow_up_result": "业主表示已改善", "follow_up_at": "2026-03-02T10:00:00+08:00"}
    office.act("agent2", open_task("follow_up")["id"], "complete", data=follow_up)
    page = anonymous_client.get(link, headers=ZH).get_data(as_text=True)
    assert "<h2>投诉建议内容</h2>" in page and "<h2>您对处理结果满意吗</h2>" in page
    assert "<h2>处理情况</h2>" in page and "<dt>处理结果</dt><dd>已调整电梯</dd>" in page
    assert "维修" not in page and "报修" not in page
    assert "业主表示已改善" not in page  # the follow-up notes are hidden from owners

    # not satisfied: the department handles it again, and the timeline says so
    sent_back = anonymous_client.post(f"{link}/rate", json={"data": {"satisfied": False}})
    assert sent_back.status_code == 200, sent_back.get_data(as_text=True)
    stages = [entry["label"] for entry in sent_back.json["timeline"]]
    assert stages == ["已受理", "已处理", "重新处理", "已受理"]


def test_a_reopened_repair_shows_the_rework_before_the_stages_it_goes_through_again(app, office, anonymous_client):
    record_id, link = submit(anonymous_client, office)
    repaired(app, office, record_id)
    answer = anonymous_client.post(f"{link}/rate", json={"data": {"fixed": False, "rating": 1}})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    stages = [entry["stage"] for entry in answer.json["timeline"]]
    assert stages[stages.index("rework") :] == ["rework", "accepted", "dispatched"]
    assert answer.json["pending"] == ["处理中", "已完成"]  # this round's milestones, not the first round's
    page = anonymous_client.get(link, headers=ZH).get_data(as_text=True)
    assert '<li class="reached rework" data-stage="rework"><strong>返修</strong>' in page


def test_a_flow_without_a_tracking_block_gets_neutral_words_in_both_languages():
    assert words({}, "zh-CN") == {"details": "提交的内容", "outcome": "处理结果", "rating": "确认处理结果并评价"}
    assert words({}, "en") == {"details": "Details", "outcome": "Outcome", "rating": "Confirm the outcome and rate it"}
    assert (Rework.of({}, "zh-CN").label, Rework.of({}, "en").label) == ("重新处理", "Reopened")
    assert Rework.of({}, "en").edges == frozenset()  # and no edge counts as rework
    named = {"rating_title": {"zh-CN": "请评价"}, "rework_label": {"zh-CN": "返工"}, "rework_edges": ["back"]}
    assert words(named, "zh-CN")["rating"] == "请评价" and Rework.of(named, "zh-CN") == Rework(
        frozenset({"back"}), "返工"
    )


def test_the_link_acts_under_the_name_the_flow_points_at_and_unnamed_without_one(app, office, anonymous_client):
    from engine.web.tracking_flow import Ticket

    record_id, link = submit(anonymous_client, office, owner_name="赵先生")
    served = app.extensions["trellis"]
    assert served.flows.tracking(APP, "repair_order")["name_field"] == "owner_name"  # the package says where
    form = served.flows.form(APP, "repair_order")
    record = served.records.get(LOCAL_ADMIN, APP, "repair_order", record_id)
    assert Ticket(APP, form, record, "owner_name").owner("zh-CN").name == "赵先生"
    assert Ticket(APP, form, record, "phone").owner("zh-CN").name == "13812345678"  # whatever field is named
    assert Ticket(APP, form, record).owner("zh-CN").name == ""  # no field of the engine's own choosing
    assert anonymous_client.get(link, headers=ZH).status_code == 200
