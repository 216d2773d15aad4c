"""The public knowledge base: owners search published articles (Chinese substrings), read one and
vote once per browser; staff find the same articles beside their task page and see the counts."""

from __future__ import annotations

import itertools
import re

import pytest

from engine.principal import LOCAL_ADMIN
from tests.flows.conftest import APP
from tests.web.test_task_pages import Staff, accepted, company, office  # noqa: F401 (fixtures)

_addresses = itertools.count(1)


def browser(app):  # type: ignore[no-untyped-def]
    """A fresh phone browser from an address of its own (rate limits count per address)."""
    client = app.test_client()
    n = next(_addresses)
    client.environ_base["REMOTE_ADDR"] = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    return client


@pytest.fixture
def articles(office) -> dict[str, int]:  # noqa: F811
    records = office.records
    parking, _ = records.create(
        LOCAL_ADMIN,
        APP,
        "kb_article",
        {
            "title": "小区停车费怎么交?",
            "category": "停车管理",
            "answer": "月租车位每月 300 元,可在物业服务中心或线上缴纳停车费,临停车辆按小时收费。",
            "tags": "停车 缴费",
            "published": True,
        },
    )
    draft, _ = records.create(
        LOCAL_ADMIN,
        APP,
        "kb_article",
        {"title": "停车费调价草稿", "answer": "尚未公布的停车费调整方案。", "published": False},
    )
    return {"parking": parking["id"], "draft": draft["id"]}


def vote(client, article: int, helpful: object = True):  # type: ignore[no-untyped-def]
    return client.post(f"/kb/{APP}/kb_article/{article}/vote", json={"helpful": helpful})


def test_an_owner_on_a_phone_finds_the_parking_fee_article_and_reads_it(app, articles):
    phone = browser(app)
    found = phone.get(f"/kb/{APP}/kb_article/search?q=停车费").json
    assert [item["id"] for item in found["items"]] == [articles["parking"]]
    assert found["items"][0]["title"] == "小区停车费怎么交?" and "停车费" in found["items"][0]["snippet"]
    page = phone.get(f"/kb/{APP}/kb_article?q=停车费").get_data(as_text=True)
    assert "常见问题" in page and "小区停车费怎么交?" in page and 'type="search"' in page
    assert f"/kb/{APP}/kb_article/{articles['parking']}" in page
    article = phone.get(f"/kb/{APP}/kb_article/{articles['parking']}").get_data(as_text=True)
    assert "月租车位每月 300 元" in article and "有帮助" in article and "没帮助" in article
    assert "读者评价" not in article  # the counts are for staff


def test_drafts_are_found_by_nobody_not_even_staff(app, articles):
    phone = browser(app)
    assert "停车费调价草稿" not in phone.get(f"/kb/{APP}/kb_article/search?q=调价").get_data(as_text=True)
    assert phone.get(f"/kb/{APP}/kb_article/{articles['draft']}").status_code == 404
    assert vote(phone, articles["draft"]).status_code == 404
    agent = Staff(app, "agent1")
    assert agent.get(f"/kb/{APP}/kb_article/search?q=停车费").json["items"] == [
        {
            "id": articles["parking"],
            "title": "小区停车费怎么交?",
            "snippet": "月租车位每月 300 元,可在物业服务中心或线上缴纳停车费,临停车辆按小时收费。",
            "url": f"/kb/{APP}/kb_article/{articles['parking']}?lang=zh-CN",
        }
    ]
    assert agent.get(f"/kb/{APP}/kb_article/{articles['draft']}").status_code == 404


def test_a_browser_votes_once_per_article_and_editors_see_the_counts(app, articles):
    phone, other = browser(app), browser(app)
    first = vote(phone, articles["parking"], True)
    assert first.status_code == 200 and first.json == {"recorded": True, "message": "感谢您的反馈"}
    assert "trellis_kb=" in first.headers["Set-Cookie"] and "HttpOnly" in first.headers["Set-Cookie"]
    again = vote(phone, articles["parking"], False)
    assert again.status_code == 200 and again.json == {"recorded": False, "message": "您已经评价过这篇文章了"}
    assert vote(other, articles["parking"], False).json["recorded"] is True
    agent = Staff(app, "agent1").get(f"/kb/{APP}/kb_article/{articles['parking']}").get_data(as_text=True)
    assert "读者评价:1 人认为有帮助,1 人认为没帮助" in agent


def test_votes_from_one_address_are_rate_limited(app, articles):
    phone = browser(app)
    answers = [vote(phone, articles["parking"]).status_code for _ in range(30)]
    assert answers == [200] * 30  # one counted vote, then "already voted" answers
    refused = vote(phone, articles["parking"])
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert refused.json["detail"] == "评价太频繁,请一分钟后再试" and 0 < int(refused.headers["Retry-After"]) <= 60


@pytest.mark.parametrize(
    "query", ["%", "_", "\\", "'; DROP TABLE x; --", "停车费\x00", "a" * 5000, "停 车 费 % _ \\ 1 2 3 4 5 6"]
)
def test_garbage_searches_answer_calmly(app, articles, query):
    phone = browser(app)
    answer = phone.get(f"/kb/{APP}/kb_article/search", query_string={"q": query})
    assert answer.status_code == 200 and isinstance(answer.json["items"], list)
    assert articles["draft"] not in [item["id"] for item in answer.json["items"]]
    assert phone.get(f"/kb/{APP}/kb_article", query_string={"q": query}).status_code == 200


def test_bad_votes_and_addresses_are_clear_refusals(app, articles):
    phone = browser(app)
    assert vote(phone, articles["parking"], "yes").status_code == 422
    assert phone.post(f"/kb/{APP}/kb_article/{articles['parking']}/vote", data=b"{not json").status_code == 422
    assert phone.get(f"/kb/{APP}/kb_article/{2**62}").status_code == 404
    assert phone.get(f"/kb/{APP}/repair_order/search?q=x").status_code == 404  # not a knowledge base
    assert phone.get(f"/kb/{APP}/no_such_form").status_code == 404
    assert phone.get("/kb/no_such_app/kb_article").status_code == 404


def test_an_agent_gets_the_knowledge_base_search_beside_the_task(app, articles, office):  # noqa: F811
    record = office.order()
    task = office.open_tasks(record["id"], "accept")[0]
    page = Staff(app, "agent1").get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert "查知识库 · 常见问题" in page
    assert re.search(rf'data-search="/kb/{APP}/kb_article/search\?lang=zh-CN"', page)
    assert "kb.js" in page


def test_upgrading_to_a_package_without_the_old_vote_count_fields_keeps_their_column_and_values(client, app):
    """The counts live in the votes table: kb_article no longer declares helpful_votes/unhelpful_votes.
    An installation that has the earlier version keeps the columns and whatever they hold (a new
    version never drops a column); the fields just leave the API, the pages and the exports."""
    import copy
    import json

    from sqlalchemy import text

    from tests.conftest import PROPERTY_APP

    current = json.loads(PROPERTY_APP.read_text(encoding="utf-8"))
    assert not {"helpful_votes", "unhelpful_votes"} & {
        f["id"] for form in current["forms"] if form["id"] == "kb_article" for f in form["fields"]
    }
    earlier = copy.deepcopy(current)
    kb_form = next(form for form in earlier["forms"] if form["id"] == "kb_article")
    for name in ("helpful_votes", "unhelpful_votes"):
        kb_form["fields"].append({"id": name, "type": "number", "precision": 0, "default": 0, "read_only": True})
    assert client.post("/api/v1/apps", json=earlier).status_code == 201
    body = {"title": "停车费怎么交", "answer": "月租车位每月 300 元。", "published": True}
    article = client.post(f"/api/v1/apps/{APP}/forms/kb_article/records", json=body).json["id"]
    database = app.extensions["trellis"].database
    with database.transaction() as session:  # a count an earlier installation may hold
        session.execute(text(f"UPDATE {APP}__kb_article SET helpful_votes = 7 WHERE id = {int(article)}"))

    upgraded = client.post("/api/v1/apps", json=current)
    assert (upgraded.status_code, upgraded.json["outcome"]) == (200, "updated")

    with database.transaction() as session:
        kept = session.execute(text(f"SELECT helpful_votes FROM {APP}__kb_article WHERE id = {int(article)}"))
        assert kept.scalar_one() == 7  # the customer's data stays where it was
    record = client.get(f"/api/v1/apps/{APP}/forms/kb_article/records/{article}").json
    assert record["data"]["title"] == "停车费怎么交" and "helpful_votes" not in record["data"]
    phone = browser(app)
    assert vote(phone, article).json["recorded"] is True  # counted in the votes table as before
    added = client.post(f"/api/v1/apps/{APP}/forms/kb_article/records", json={**body, "title": "新文章"})
    assert added.status_code == 201  # the left-over columns are nullable: new rows need nothing from them
