"""Package validation: the bundled app is valid, and each broken package names its exact problem."""

import json
from pathlib import Path

import jsonpatch
import pytest

from engine.packages import check_package, package_problems
from engine.packages.messages import localize
from engine.packages.semantics import BUILDER_ROLE
from engine.packages.validation import PackageInvalidError

HERE = Path(__file__).resolve().parent
CASES = sorted((HERE.parent / "definitions" / "invalid").glob("*.json"))


def _base(name: str, property_package: dict) -> dict:
    if name == "property":
        return property_package
    from tests.docs.test_app_format_doc import example_package

    return example_package()


def test_the_property_repair_app_is_valid(property_package):
    assert package_problems(property_package) == []


def test_there_are_at_least_25_broken_packages():
    assert len(CASES) >= 25


@pytest.mark.parametrize("case_file", CASES, ids=[c.stem for c in CASES])
def test_broken_package_is_refused_with_its_pointer(case_file, property_package):
    case = json.loads(case_file.read_text(encoding="utf-8"))
    broken = jsonpatch.apply_patch(_base(case["base"], property_package), case["patch"])

    found = package_problems(broken)

    assert [{"pointer": p.pointer, "code": p.code} for p in found] == case["expect"]


def test_dangling_edge_message_suggests_the_near_miss():
    from tests.docs.test_app_format_doc import example_package

    broken = jsonpatch.apply_patch(
        example_package(), [{"op": "replace", "path": "/flows/0/edges/4/target", "value": "dones"}]
    )

    lines = [p.line() for p in package_problems(broken)]

    assert lines[0] == "/flows/0/edges/4/target: unknown node 'dones' (did you mean 'done'?)"


def test_unknown_property_message_suggests_the_near_miss():
    from tests.docs.test_app_format_doc import example_package

    broken = jsonpatch.apply_patch(
        example_package(), [{"op": "add", "path": "/forms/0/fields/1/requried", "value": True}]
    )

    assert [p.line() for p in package_problems(broken)] == [
        "/forms/0/fields/1/requried: 'requried' is not allowed here (did you mean 'required'?)"
    ]


def test_problems_read_in_chinese():
    from tests.docs.test_app_format_doc import example_package

    broken = jsonpatch.apply_patch(
        example_package(), [{"op": "replace", "path": "/flows/0/edges/4/target", "value": "dones"}]
    )

    first = localize(package_problems(broken)[0], "zh-CN")

    assert first.message == "未知的节点“dones” (did you mean 'done'?)"


def test_a_package_may_not_declare_the_builders_role(property_package):
    role = {"id": BUILDER_ROLE, "name": {"zh-CN": "搭建者", "en": "Builder"}}
    broken = jsonpatch.apply_patch(property_package, [{"op": "add", "path": "/roles/-", "value": role}])

    (found,) = package_problems(broken)

    assert (found.pointer, found.code) == (f"/roles/{len(property_package['roles'])}/id", "role.reserved_id")
    said = {locale: localize(found, locale).message for locale in ("en", "zh-CN")}
    assert said == {
        "en": "the role id 'builder' is reserved for the app's builders; choose another id",
        "zh-CN": "角色标识“builder”为搭建者保留,请换一个标识",
    }


def test_check_package_raises_with_every_problem():
    with pytest.raises(PackageInvalidError) as caught:
        check_package({"format": "trellis.app/1"})
    assert caught.value.message == "the app package has 3 problems"
    assert [p.line() for p in caught.value.problems] == [
        "/: 'id' is required here",
        "/: 'version' is required here",
        "/: 'name' is required here",
    ]


def test_a_flood_of_problems_is_capped():
    package = {
        "format": "trellis.app/1",
        "id": "x",
        "version": "1.0.0",
        "name": "X",
        "roles": [{"id": "BAD", "name": 1} for _ in range(150)],
    }

    found = package_problems(package)

    assert len(found) == 201
    assert found[-1].code == "package.too_many_problems"
