"""Whatever bytes or documents arrive, reading and validation answer with problems, never a crash."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.packages import PackageReadError, package_problems, parse_package

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=30,
)
package_keys = st.sampled_from(
    [
        "format",
        "id",
        "version",
        "name",
        "roles",
        "forms",
        "flows",
        "reports",
        "dashboards",
        "automations",
        "connectors",
        "permissions",
        "i18n",
        "fields",
        "nodes",
        "edges",
        "type",
        "target",
        "source",
    ]
)
package_like = st.dictionaries(package_keys, json_values, max_size=8)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_any_bytes_parse_or_are_refused(data):
    try:
        document = parse_package(data)
    except PackageReadError as exc:
        assert exc.problems
    else:
        assert isinstance(document, dict)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(package_like)
def test_any_document_gets_a_list_of_problems(document):
    found = package_problems({"format": "trellis.app/1", "id": "x", "version": "1.0.0", "name": "X", **document})
    assert all(p.message and p.code for p in found)
