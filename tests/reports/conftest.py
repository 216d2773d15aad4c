"""Fixtures the report tests share with others: the property company of the flow tests (its clock included)."""

from tests.flows.conftest import company  # noqa: F401 - flow-source reports read the facts of that company's flows
