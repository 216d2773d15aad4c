"""The permission matrix of the property app, over the generated pages: the same people, tickets and
secrets as tests/web/test_permission_matrix.py (its ``world`` fixture, built once per back-end for
this module), seen through a signed-in browser instead of a token.

Every page must show exactly what the records API lets that person read: the same rows (a ticket
outside their rows is a 404 on its page, as in the API), no value of a hidden field anywhere in the
HTML (not in a data attribute, not in the rows a ``q`` search finds), and links only to what they may
open: every ``href``/``src`` of a page is requested as that person and must answer 200.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest

from engine.principal import LOCAL_ADMIN
from tests.web.test_permission_matrix import (  # noqa: F401 (world is a fixture)
    ACTORS,
    APP,
    BASE,
    EVERYONE,
    LABELS,
    PASSWORD,
    SECRETS,
    VISIBLE,
    World,
    assert_no_leak,
    hidden_for,
    known,
    world,
)

PAGES = f"/apps/{APP}/forms"
KB = f"/kb/{APP}/kb_article"
FORMS = ("community", "building", "room", "spare_part", "repair_order", "kb_article")
STAFF_KB = frozenset({"agent", "supervisor", "app_admin", "admin"})  # may update articles: see the vote counts
COMMENT = "COMMENT-ONLY-STAFF-{}"  # an internal comment on each ticket, for staff who may read it
_addresses = itertools.count(1)


@dataclass
class Site:
    world: World
    sessions: dict[str, Any]
    articles: dict[str, int]  # P (published), D (draft)
    follows_links: bool
    answers: dict[tuple[str, str], int] = field(default_factory=dict)  # (actor, url) -> status, links seen
    full: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)  # form -> id -> the admin's data

    def everything(self, form: str) -> dict[int, dict[str, Any]]:
        """Every record of a form as an administrator reads it (nothing hidden)."""
        if form not in self.full:
            items = self.api("admin", f"{BASE}/{form}/records?limit=200").json["items"]
            self.full[form] = {item["id"]: item["data"] for item in items}
        return self.full[form]

    def page(self, actor: str, path: str) -> Any:
        """A page in Chinese (a link followed earlier may have switched the person's language)."""
        joined = "&" if "?" in path else "?"
        return self.sessions[actor].get(path if "lang=" in path else f"{path}{joined}lang=zh-CN")

    def api(self, actor: str, path: str) -> Any:
        return self.world.get(actor, path)

    def assert_links_open(self, actor: str, page: str, html: str) -> None:
        """Every link and embedded resource of ``html`` (the page at ``page``) answers 200 to ``actor``.

        Followed on SQLite only: the links are drawn from the same service answers on both back-ends
        (their rows are compared with the API's on both), and following them all twice doubles the cost."""
        if not self.follows_links:
            return
        urls = {urljoin(page, link) for link in links(html)}
        # the page's links to itself (sort by each column, language, reset) differ only in how the same
        # rows are shown, and the columns are all readable (checked apart): one of each shape is asked
        shapes: dict[tuple[str, ...], str] = {}
        for url in sorted(urls):
            parts = urlsplit(url)
            if parts.path == urlsplit(page).path:
                shapes.setdefault(tuple(sorted(parse_qs(parts.query))), url)
        urls = {url for url in urls if urlsplit(url).path != urlsplit(page).path} | set(shapes.values())
        for url in urls:
            key = (actor, url)
            if key not in self.answers:
                self.answers[key] = self._follow(actor, url)
            assert self.answers[key] == 200, f"{actor} is offered {url}, which answers {self.answers[key]}"

    def _follow(self, actor: str, url: str) -> int:
        """The status a link ends at, through redirects within the site (never to the sign-in page)."""
        for _ in range(3):
            response = self.sessions[actor].get(url)
            response.close()
            location = response.headers.get("Location", "")
            if response.status_code not in (301, 302, 303, 307, 308) or "/login" in location:
                return int(response.status_code)
            url = urljoin(url, location)
        return 0


def links(html: str) -> set[str]:
    found = set()
    for raw in re.findall(r'(?:href|src)="([^"]*)"', html):
        url = unescape(raw)
        if not url or url.startswith("#"):
            continue
        found.add(url)
    return found


def _browser(built: World) -> Any:
    client = built.app.test_client()
    n = next(_addresses)
    client.environ_base["REMOTE_ADDR"] = f"10.77.{n // 256 % 256}.{n % 256}"
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    client.environ_base["HTTP_ACCEPT"] = "text/html,application/xhtml+xml,*/*;q=0.8"
    return client


def _sign_in(built: World, actor: str) -> Any:
    browser = _browser(built)
    if actor == "anonymous":
        return browser
    page = browser.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    login = "root" if actor == "admin" else actor
    response = browser.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": csrf.group(1)})
    assert response.status_code == 302
    return browser


@pytest.fixture(scope="module")
def site(world: World) -> Iterator[Site]:  # noqa: F811
    records = world.app.extensions["trellis"].records
    articles = {}
    for name, body in {
        "P": {"title": "停车费怎么交", "answer": "月租车位每月 300 元。", "tags": "停车", "published": True},
        "D": {"title": "DRAFT-ONLY-调价", "answer": "DRAFT-ANSWER 尚未公布。", "published": False},
    }.items():
        created, _ = records.create(LOCAL_ADMIN, APP, "kb_article", body)
        articles[name] = created["id"]
    for ticket in ("A", "B"):
        added = world.client.post(
            f"{BASE}/repair_order/records/{world.ids[ticket]}/comments",
            json={"body": COMMENT.format(ticket)},
            headers=world.headers("admin"),
        )
        assert added.status_code == 201, added.json
    sqlite = world.app.extensions["trellis"].settings.database_url.startswith("sqlite")
    yield Site(world, {actor: _sign_in(world, actor) for actor in EVERYONE}, articles, follows_links=sqlite)


def _ids(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'data-record="(\d+)"', html)}


def _api_items(site: Site, actor: str, form: str, query: str = "") -> tuple[int, dict[int, dict[str, Any]]]:
    """The records API's answer to the same list: status, and each record's data by id."""
    response = site.api(actor, f"{BASE}/{form}/records?limit=200{query}")
    items = {item["id"]: item["data"] for item in response.json["items"]} if response.status_code == 200 else {}
    return response.status_code, items


def _api_ids(site: Site, actor: str, form: str, query: str = "") -> tuple[int, set[int]]:
    status, items = _api_items(site, actor, form, query)
    return status, set(items)


def _hidden(site: Site, form: str, record_id: int, theirs: dict[str, Any]) -> set[str]:
    """The fields the API withholds on one record (the administrator's view minus the viewer's)."""
    return set(site.everything(form)[record_id]) - set(theirs)


def _secret_values(site: Site, form: str, record_id: int, fields: set[str]) -> list[str]:
    """Values of ``fields`` of one record long enough that finding them in a page means a leak."""
    data = site.everything(form)[record_id]
    return [data[name] for name in fields if isinstance(data.get(name), str) and len(data[name]) >= 6]


def _structural_leaks(html: str, fields: set[str]) -> set[str]:
    """Hidden fields named in the page's markup: a data attribute, an input name or a column."""
    return {
        name
        for name in fields
        if re.search(rf'data-(?:field|filter)="{name}"|name="{name}(?:__\w+)?"|/options/{name}"', html)
    }


# -- the list page -----------------------------------------------------------------------------------
@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("actor", EVERYONE)
def test_list_page_shows_the_rows_and_fields_the_api_does(site: Site, actor: str, form: str) -> None:
    path = f"{PAGES}/{form}/records?limit=200"
    response = site.page(actor, path)
    if actor == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        return
    status, items = _api_items(site, actor, form)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    if status != 200:
        assert not any(secret in html for secret in SECRETS.values())
        return
    assert _ids(html) == set(items)
    for record_id, theirs in items.items():
        hidden = _hidden(site, form, record_id, theirs)
        assert not _structural_leaks(html, hidden), f"{actor} sees hidden columns of {form} #{record_id}"
        for value in _secret_values(site, form, record_id, hidden):
            assert value not in html, f"{actor} receives a hidden value of {form} #{record_id}"
    if form == "repair_order":
        assert known(site.world, _ids(html)) == VISIBLE[actor]
        for ticket in VISIBLE[actor]:
            for (owner, name), secret in SECRETS.items():
                if owner == ticket and name in hidden_for(actor, ticket):
                    assert secret not in html
    site.assert_links_open(actor, path, html)


@pytest.mark.parametrize(("ticket", "name"), sorted(SECRETS), ids=lambda v: str(v))
@pytest.mark.parametrize("actor", list(ACTORS))
def test_a_search_finds_a_ticket_only_through_fields_the_searcher_may_read(
    site: Site, actor: str, ticket: str, name: str
) -> None:
    secret = SECRETS[(ticket, name)]
    html = site.page(actor, f"{PAGES}/repair_order/records?" + urlencode({"q": secret})).get_data(as_text=True)
    status, expected = _api_ids(site, actor, "repair_order", "&" + urlencode({"q": secret}))
    assert status == 200
    assert _ids(html) == expected  # the page's search is the API's
    found = known(site.world, _ids(html))
    if name in hidden_for(actor, ticket) or ticket not in VISIBLE[actor]:
        assert ticket not in found, f"{actor} finds ticket {ticket} by its hidden {name}"
    elif name == "phone" and not any("phone" in hidden_for(actor, t) for t in VISIBLE[actor]):
        assert found == {ticket}  # a text field read on every row is searched: the check proves something
    for other in found:  # no other secret of a field hidden in a row found
        for (owner, hidden_name), value in SECRETS.items():
            if owner == other and hidden_name in hidden_for(actor, other) and value != secret:
                assert value not in html


@pytest.mark.parametrize("actor", ["owner1", "owner2"])
def test_an_owner_finds_no_room_by_its_hidden_owner_name(site: Site, actor: str) -> None:
    page = site.page(actor, f"{PAGES}/room/records?q=SECRET-OWNER").get_data(as_text=True)
    assert _ids(page) == set() and "SECRET-OWNER-" not in page
    assert site.page("agent", f"{PAGES}/room/records?q=SECRET-OWNER-A").status_code == 200


@pytest.mark.parametrize(
    "query",
    ["phone=13800000001", "phone__contains=1380", "sort=phone", "check_in_location__isnull=false", "sort=-total_cost"],
)
@pytest.mark.parametrize("actor", ["owner1", "finance", "mixed"])
def test_filtering_or_sorting_the_list_by_a_hidden_field_is_refused_as_in_the_api(
    site: Site, actor: str, query: str
) -> None:
    api = site.api(actor, f"{BASE}/repair_order/records?{query}")
    page = site.page(actor, f"{PAGES}/repair_order/records?{query}")
    assert page.status_code == api.status_code
    html = page.get_data(as_text=True)
    assert not any(secret in html for (t, n), secret in SECRETS.items() if n in hidden_for(actor, t))


# -- the record page: fields, history, timeline, comments ----------------------------------------------
@pytest.mark.parametrize("ticket", ["A", "B"])
@pytest.mark.parametrize("actor", EVERYONE)
def test_record_page_shows_what_the_api_shows(site: Site, actor: str, ticket: str) -> None:
    record_id = site.world.ids[ticket]
    path = f"{PAGES}/repair_order/records/{record_id}"
    response = site.page(actor, path)
    html = response.get_data(as_text=True)
    if actor == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        return
    api = site.api(actor, f"{BASE}/repair_order/records/{record_id}")
    assert response.status_code == api.status_code == (200 if ticket in VISIBLE[actor] else 404)
    if response.status_code != 200:  # not even its existence: the same page as for an id nobody has
        assert not any(secret in html for secret in SECRETS.values()) and COMMENT.format(ticket) not in html
        nobody = site.page(actor, f"{PAGES}/repair_order/records/{2**40}")
        assert nobody.status_code == 404
        assert re.sub(r"\d+", "#", nobody.get_data(as_text=True)) == re.sub(r"\d+", "#", html)
        return
    hidden = hidden_for(actor, ticket)
    shown = set(re.findall(r'data-field="(\w+)"', html))
    data = api.json["data"]
    assert shown <= set(data) and not shown & hidden
    assert shown == {name for name, value in data.items() if value not in (None, "", [])}
    assert_no_leak(actor, frozenset(), html)
    for (owner, name), secret in SECRETS.items():
        if owner == ticket and name in hidden:
            assert secret not in html, f"{actor} sees hidden {name} of {ticket} on its page"
    for name in hidden & set(LABELS):  # not even named: not a field, not a history entry
        assert LABELS[name] not in html, f"{actor} sees the label of hidden {name} on {ticket}'s page"
    comments = site.api(actor, f"{BASE}/repair_order/records/{record_id}/comments")
    assert (COMMENT.format(ticket) in html) == (comments.status_code == 200)
    assert 'id="history"' in html and 'id="timeline"' in html
    site.assert_links_open(actor, path, html)


# -- the knowledge base ----------------------------------------------------------------------------
@pytest.mark.parametrize("actor", EVERYONE)
def test_knowledge_base_finds_published_articles_only_and_links_to_readable_pages(site: Site, actor: str) -> None:
    search = site.page(actor, f"{KB}?q=停车费")
    assert search.status_code == 200
    html = search.get_data(as_text=True)
    assert f"{KB}/{site.articles['P']}" in html
    for query in ("DRAFT", "调价", "DRAFT-ANSWER"):  # only in the draft
        found = site.page(actor, f"{KB}/search?" + urlencode({"q": query})).json["items"]
        assert found == []
        page = site.page(actor, f"{KB}?" + urlencode({"q": query})).get_data(as_text=True)
        assert "DRAFT-ONLY" not in page and "尚未公布" not in page
    site.assert_links_open(actor, KB, html)
    article = site.page(actor, f"{KB}/{site.articles['P']}")
    assert article.status_code == 200
    body = article.get_data(as_text=True)
    assert "月租车位每月 300 元" in body
    assert ("kb-counts" in body) == (actor in STAFF_KB)  # counts only for those who edit the articles
    site.assert_links_open(actor, f"{KB}/{site.articles['P']}", body)
    draft = site.page(actor, f"{KB}/{site.articles['D']}")
    assert draft.status_code == 404 and "DRAFT" not in draft.get_data(as_text=True)
    if actor != "anonymous":  # the records API agrees the published article is theirs to read
        assert site.api(actor, f"{BASE}/kb_article/records/{site.articles['P']}").status_code == 200


@pytest.mark.parametrize("actor", EVERYONE)
def test_anyone_may_vote_on_a_published_article_and_nobody_on_anything_else(site: Site, actor: str) -> None:
    voter = _browser(site.world)
    headers = site.world.headers(actor)

    def vote(path: str, helpful: Any = True) -> Any:
        return voter.post(path, json={"helpful": helpful}, headers=headers)

    first = vote(f"{KB}/{site.articles['P']}/vote")
    assert first.status_code == 200 and first.json["recorded"] is True
    assert vote(f"{KB}/{site.articles['P']}/vote", False).json["recorded"] is False  # once per browser
    assert vote(f"{KB}/{site.articles['D']}/vote").status_code == 404
    assert vote(f"{KB}/{2**40}/vote").status_code == 404
    ticket = site.world.ids["A"]
    assert vote(f"/kb/{APP}/repair_order/{ticket}/vote").status_code == 404  # not a knowledge base
    assert vote(f"{KB}/{site.articles['P']}/vote", "yes").status_code == 422


# -- the app page ----------------------------------------------------------------------------------
@pytest.mark.parametrize("actor", EVERYONE)
def test_app_page_links_to_the_lists_the_api_lets_the_person_read(site: Site, actor: str) -> None:
    response = site.page(actor, f"/apps/{APP}")
    if actor == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        return
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for form in FORMS:
        readable = site.api(actor, f"{BASE}/{form}/records?limit=1").status_code == 200
        assert (f"{PAGES}/{form}/records?" in html) == readable, f"{actor}: list of {form}"
    site.assert_links_open(actor, f"/apps/{APP}", html)


@pytest.mark.parametrize("actor", list(ACTORS))
def test_home_page_links_open(site: Site, actor: str) -> None:
    html = site.page(actor, "/").get_data(as_text=True)
    site.assert_links_open(actor, "/", html)


# -- the dashboard and report pages ------------------------------------------------------------------
def _model(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="model">(.*?)</script>', html, re.S)
    assert found is not None
    return dict(json.loads(found.group(1)))


@pytest.mark.parametrize("actor", EVERYONE)
def test_dashboard_and_report_pages_count_only_what_the_api_lets_the_person_read(site: Site, actor: str) -> None:
    status, tickets = _api_ids(site, actor, "repair_order")
    for path in (f"/apps/{APP}/dashboards/service_efficiency", f"/apps/{APP}/reports/repair_type_share"):
        response = site.page(actor, path)
        if actor == "anonymous":
            assert response.status_code == 302 and "/login" in response.headers["Location"]
            continue
        html = response.get_data(as_text=True)
        assert response.status_code == (200 if status == 200 else 403), f"{actor}: {path}"
        assert not any(secret in html for (t, n), secret in SECRETS.items() if n in hidden_for(actor, t))
        if response.status_code != 200:
            continue
        model = _model(html)
        widget = model.get("widget") or next(w for w in model["widgets"] if w["report"] == "repair_type_share")
        rows = widget["table"]["rows"]
        assert sum(int(row["cells"][-1].replace(",", "")) for row in rows) == len(tickets)  # their rows only
        for row in rows:  # each row's drill-down lists exactly the tickets it counts, all of them theirs
            listed = _ids(site.page(actor, row["drill"]).get_data(as_text=True))
            assert len(listed) == int(row["cells"][-1]) and listed <= tickets
        site.assert_links_open(actor, path, html)
