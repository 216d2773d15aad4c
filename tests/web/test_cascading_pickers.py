"""Cascading pickers over HTTP: the options narrowed by the page's answers, a room outside the chosen
building refused by field in the request's language, and the page's hook for the script."""

import re

import pytest

from tests.cascading_app import PACKAGE

FORMS = "/api/v1/apps/estate/forms"
REPAIR = f"{FORMS}/repair/records"
OPTIONS = "/apps/estate/forms/repair/options"


@pytest.fixture
def estate(client):
    assert client.post("/api/v1/apps", json=PACKAGE).status_code in (200, 201)

    def add(form: str, **data) -> int:
        response = client.post(f"{FORMS}/{form}/records", json=data)
        assert response.status_code == 201, response.json
        return response.json["id"]

    sunny, park = add("community", name="阳光花园"), add("community", name="翠湖")
    b3, b5 = add("building", community=sunny, name="3栋"), add("building", community=park, name="5栋")
    places = {
        "sunny": sunny,
        "park": park,
        "b3": b3,
        "b5": b5,
        "r1201": add("room", building=b3, room_no="1201"),
        "r1202": add("room", building=b3, room_no="1202"),
        "r0501": add("room", building=b5, room_no="0501"),
    }
    return client, places


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.json
    return [item["title"] for item in response.json["items"]]


def test_the_room_choices_are_the_rooms_of_the_chosen_building(estate):
    client, p = estate

    assert _titles(client.get(f"{OPTIONS}/room?by.building={p['b3']}")) == ["1201", "1202"]
    assert _titles(client.get(f"{OPTIONS}/room?q=02&by.building={p['b3']}")) == ["1202"]
    assert _titles(client.get(f"{OPTIONS}/building?by.community={p['park']}")) == ["5栋"]


def test_no_building_chosen_narrows_nothing(estate):
    client, p = estate

    assert _titles(client.get(f"{OPTIONS}/room")) == ["0501", "1201", "1202"]
    assert _titles(client.get(f"{OPTIONS}/room?by.building=")) == ["0501", "1201", "1202"]


def test_a_chosen_room_outside_the_building_is_not_offered(estate):
    """What the page asks after the building changed: does the room still fit?"""
    client, p = estate

    assert _titles(client.get(f"{OPTIONS}/room?id={p['r0501']}&by.building={p['b3']}")) == []
    assert _titles(client.get(f"{OPTIONS}/room?id={p['r1201']}&by.building={p['b3']}")) == ["1201"]


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("by.building=abc", {"building": ["Building must be the id of a building record"]}),
        ("by.building=-3", {"building": ["Building must be the id of a building record"]}),
        ("by.building=99999999999999999999", {"building": ["Building must be the id of a building record"]}),
        ("by.room_no=1", {"room_no": ["room_no is not a field of this form"]}),
        ("by.community=1", {"community": ["community is not a field of this form"]}),  # narrows the building only
    ],
)
def test_garbage_in_the_narrowing_answers_is_a_422_naming_it(estate, query, errors):
    client, _ = estate

    response = client.get(f"{OPTIONS}/room?{query}")

    assert (response.status_code, response.json["errors"]) == (422, errors)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Room: record {room} does not belong to the chosen Building; choose again"),
        ("zh-CN", "房间:记录 {room} 不属于所选的楼栋,请重新选择"),
    ],
)
def test_a_room_outside_the_chosen_building_is_a_422_in_the_requested_language(estate, language, message):
    client, p = estate

    response = client.post(
        REPAIR, json={"building": p["b3"], "room": p["r0501"]}, headers={"Accept-Language": language}
    )

    assert (response.status_code, response.json["errors"]) == (422, {"room": [message.format(room=p["r0501"])]})


def test_every_level_of_the_cascade_is_checked(estate):
    client, p = estate

    response = client.post(
        REPAIR,
        json={
            "community": p["park"],
            "building": p["b3"],
            "rooms": [p["r1201"], p["r0501"]],
            "stops": [{"building": p["b5"], "room": p["r0501"]}, {"building": p["b5"], "room": p["r1202"]}],
        },
    )

    assert response.status_code == 422
    assert response.json["errors"] == {
        "building": [f"Building: record {p['b3']} does not belong to the chosen Community; choose again"],
        "rooms": [f"Rooms next door: record {p['r0501']} does not belong to the chosen Building; choose again"],
        "stops/1/room": [f"Room: record {p['r1202']} does not belong to the chosen Building; choose again"],
    }


def test_a_fitting_room_or_no_building_is_accepted(estate):
    client, p = estate

    fitting = client.post(REPAIR, json={"community": p["sunny"], "building": p["b3"], "room": p["r1201"]})
    unnarrowed = client.post(REPAIR, json={"room": p["r0501"]})

    assert (fitting.status_code, unnarrowed.status_code) == (201, 201)


def test_an_id_that_is_no_room_is_refused_as_missing(estate):
    client, p = estate

    response = client.post(REPAIR, json={"building": p["b3"], "room": 987654})

    assert (response.status_code, response.json["errors"]) == (422, {"room": ["Room: record 987654 does not exist"]})


def test_moving_the_building_away_from_the_room_is_refused_on_update(estate):
    client, p = estate
    created = client.post(REPAIR, json={"building": p["b3"], "room": p["r1201"]}).json

    moved = client.patch(f"{REPAIR}/{created['id']}", json={"building": p["b5"]}, headers={"If-Match": '"1"'})
    noted = client.patch(f"{REPAIR}/{created['id']}", json={"room": p["r1202"]}, headers={"If-Match": '"1"'})

    assert (moved.status_code, list(moved.json["errors"])) == (422, ["room"])
    assert noted.status_code == 200


def test_the_page_tells_the_script_which_answers_narrow_a_picker(estate):
    client, _ = estate

    page = client.get("/f/estate/repair?lang=en").get_data(as_text=True)

    def picker(field_id: str) -> str:
        found = re.search(rf'<input type="search" id="f-{field_id}".*?>', page, re.S)
        assert found is not None
        return " ".join(found.group(0).split())

    assert 'data-relation="community" >' in picker("community")  # nothing narrows it
    assert 'data-relation="building" data-by="community">' in picker("building")
    assert 'data-relation="room" data-by="building">' in picker("room")
