"""Fixtures the storage tests share with others: the property company of the flow tests (its clock included)."""

from tests.flows.conftest import company  # noqa: F401 - process facts are read from flows that company runs
