"""A step's editable fields exist on its form and take typed values; an approval collecting every
signer's opinion (``collect: all``) needs text fields. Anything else is refused at validate with its pointer."""

import pytest

from engine.packages import package_problems
from tests.signing_app import PACKAGE, package

SIGN = "/flows/1/nodes/1"


def test_approval_steps_with_editable_fields_validate():
    assert package_problems(PACKAGE) == []


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"field_permissions": {"opinons": "required"}}, [(f"{SIGN}/field_permissions/opinons", "ref.unknown")]),
        (
            {"field_permissions": {"double_deposit": "editable"}},
            [(f"{SIGN}/field_permissions/double_deposit", "flow.field_not_editable")],
        ),
        (
            {"field_permissions": {"opinions": "required", "deposit": "editable"}},
            [(f"{SIGN}/field_permissions/deposit", "flow.collect_needs_text")],
        ),
        ({"collect": "some"}, [(f"{SIGN}/collect", "schema.enum")]),
    ],
)
def test_a_field_no_signer_can_fill_is_refused_with_its_pointer(changes, expected):
    found = package_problems(package(**changes))

    assert [(p.pointer, p.code) for p in found] == expected


def test_a_computed_field_may_still_be_shown_read_only():
    assert package_problems(package(field_permissions={"opinions": "required", "double_deposit": "read_only"})) == []


def test_collecting_only_the_last_opinion_takes_any_typed_field():
    assert package_problems(package(collect="last", field_permissions={"deposit": "required"})) == []


def test_the_refusal_says_what_to_do_instead():
    (found,) = package_problems(package(field_permissions={"double_deposit": "editable"}))

    assert found.message == (
        "field 'double_deposit' (formula) is set by the server, so no step can let people fill it; make it 'read_only'"
    )
