"""No 500 from numbers: every route, as an administrator, with the values a probe found breaking things.

``²`` passes ``str.isdigit()`` and breaks ``int()``; 20 digits overflow SQLite; a 5,001-digit
JSON number is refused by Python's ``int``. The walk covers the whole URL map, so a route added
later is tried too.
"""

from __future__ import annotations

import re

import pytest

from tests.web.test_token_scopes import VALUES

HOSTILE = ["²", "99999999999999999999", "-1"]
QUERY = "limit={v}&cursor={v}&version={v}&id={v}&room={v}&offset={v}&page={v}"
HUGE = "9" * 5001
BODY = f'{{"data": {{"room": {HUGE}}}, "ids": [{HUGE}], "limit": {HUGE}, "version": {HUGE}}}'.encode()


def _paths(rule, value: str) -> str:
    def fill(match: re.Match[str]) -> str:
        converter, name = match.group(1), match.group(2)
        if converter and converter.startswith("any("):
            return converter[4:].split(",")[0].strip(" )")
        if name in ("app_id", "form_id", "field_id", "flow_id", "action", "verb"):
            return VALUES.get(name, value)
        return value

    return re.sub(r"<(?:([^:<>]+):)?([^<>]+)>", fill, rule.rule)


@pytest.fixture
def site(app, client, installed_property_app):
    return client


def test_no_route_answers_500_to_hostile_numbers(app, site):
    tried = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(set(rule.methods or ()) & {"GET", "POST", "PATCH", "DELETE"}):
            for value in HOSTILE:
                path = _paths(rule, value) + "?" + QUERY.format(v=value)
                headers = {"If-Match": f'"{value}"', "Accept": "application/json"}
                body = BODY if method != "GET" else None
                answer = site.open(path, method=method, data=body, headers=headers, content_type="application/json")
                tried += 1
                assert answer.status_code < 500, (method, path, answer.status_code, answer.data[:300])
    assert tried > 200


@pytest.mark.parametrize("value", ["²", "٣", "99999999999999999999", "-5", "", "1.5", " 7"])
def test_a_public_form_prefill_with_a_strange_number_is_a_page_not_an_error(app, site, value):
    answer = app.test_client().get(f"/f/property_repair/repair_order?room={value}")
    assert answer.status_code in (200, 302, 404)


def test_a_record_id_beyond_any_column_is_a_404(site):
    answer = site.get("/api/v1/apps/property_repair/forms/repair_order/records/99999999999999999999/flows")
    assert answer.status_code == 404
