"""The property app's address: a QR code's room fills building and community, pickers cascade, and an
address whose parts disagree is refused by field."""

import pytest

BASE = "/api/v1/apps/property_repair/forms"


@pytest.fixture
def places(client, installed_property_app) -> dict:
    found: dict = {}
    for community_name in ("阳光花园", "翠湖苑"):
        community = client.post(f"{BASE}/community/records", json={"name": community_name}).json["id"]
        building = client.post(f"{BASE}/building/records", json={"community": community, "name": "1栋"}).json["id"]
        room = client.post(f"{BASE}/room/records", json={"building": building, "room_no": "101"}).json["id"]
        found[community_name] = {"community": community, "building": building, "room": room}
    return found


def _order(**address) -> dict:
    return {"owner_name": "王女士", "phone": "13812345678", "repair_type": "水电", "description": "漏水", **address}


def test_a_qr_ticket_with_only_its_room_gets_its_building_and_community(client, anonymous_client, places):
    sunny = places["阳光花园"]

    created = anonymous_client.post("/f/property_repair/repair_order", json=_order(room=sunny["room"]))

    assert created.status_code == 201, created.json
    data = client.get(f"{BASE}/repair_order/records/{created.json['id']}").json["data"]
    assert (data["building"], data["community"]) == (sunny["building"], sunny["community"])


def test_a_room_outside_the_chosen_building_is_refused_by_field(client, places):
    sunny, lake = places["阳光花园"], places["翠湖苑"]

    mixed = client.post(f"{BASE}/repair_order/records", json=_order(building=sunny["building"], room=lake["room"]))

    assert mixed.status_code == 422
    assert set(mixed.json["errors"]) & {"room", "building"}
    assert client.get(f"{BASE}/repair_order/records").json["items"] == []


def test_the_room_picker_offers_only_the_rooms_of_the_chosen_building(anonymous_client, places):
    sunny = places["阳光花园"]

    picked = anonymous_client.get(f"/f/property_repair/repair_order/options/room?by.building={sunny['building']}")
    everything = anonymous_client.get("/f/property_repair/repair_order/options/room")

    assert [item["id"] for item in picked.json["items"]] == [sunny["room"]]
    assert len(everything.json["items"]) == 2
