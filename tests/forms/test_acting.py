"""The acting person as defaults read them (`user`), and the `user.<name>` a default may not read."""

from engine.forms.acting import acting_names, unknown_user_attribute
from engine.principal import PUBLIC, Principal


def test_a_signed_in_person_offers_id_name_groups_and_communities():
    who = Principal(id="u7", name="李娜", groups=frozenset({"水电组", "a"}), communities=frozenset({3, 1}))

    assert acting_names(who) == {"user": {"id": "u7", "name": "李娜", "groups": ["a", "水电组"], "communities": [1, 3]}}


def test_a_public_submission_is_nobody():
    assert acting_names(PUBLIC) == {"user": {"id": None, "name": None, "groups": [], "communities": []}}


def test_unknown_attributes_are_found_with_their_position():
    assert unknown_user_attribute("user.id") is None
    assert unknown_user_attribute("coalesce(user.name, user['groups'])") is None
    assert unknown_user_attribute("user.id or user.nope") == ("nope", 1, 12)
    assert unknown_user_attribute("user['phone']") == ("phone", 1, 1)
