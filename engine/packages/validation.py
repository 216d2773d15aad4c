"""Validate an app package: its format upgraded, structure against the meta-schemas, then meaning.

Meaning checks run only on a structurally valid package: they can then rely on every id,
list and type being where the schema promised, instead of guarding every lookup.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.connectors.environment import DEFAULT_POLICY, EnvPolicy
from engine.errors import DefinitionError, Problem
from engine.forms.permissions import row_rule_problems
from engine.packages.environment_checks import environment_problems
from engine.packages.expression_checks import expression_problems
from engine.packages.format_upgrade import upgrade_package
from engine.packages.messages import problem, refusal
from engine.packages.semantics import semantic_problems
from engine.packages.structure import structure_problems
from engine.packages.view_checks import view_problems
from engine.reports.spec import report_problems

MAX_PROBLEMS = 200


class PackageInvalidError(DefinitionError):
    code = "package_invalid"


def package_problems(document: Any, env_policy: EnvPolicy = DEFAULT_POLICY) -> list[Problem]:
    """Every problem found in a parsed package, best first; an empty list means it is valid.

    An older format is upgraded first, so the problems point into the upgraded document.
    ``env_policy`` is the host's list of environment variables packages may read (the strict
    default unless the caller passes the configured one).
    """
    if not isinstance(document, Mapping):
        return [problem("", "package.not_object", kind=type(document).__name__)]
    document, _ = upgrade_package(document)
    found = structure_problems(document)
    if not found:
        found = semantic_problems(document)
    if not found:
        found = expression_problems(document)
    if not found:
        found = row_rule_problems(document)
    if not found:
        found = view_problems(document) + report_problems(document) + environment_problems(document, env_policy)
    if len(found) > MAX_PROBLEMS:
        rest = len(found) - MAX_PROBLEMS
        found = [*found[:MAX_PROBLEMS], problem("", "package.too_many_problems", count=rest)]
    return found


def check_package(document: Mapping[str, Any], env_policy: EnvPolicy = DEFAULT_POLICY) -> None:
    """Raise PackageInvalidError listing every problem, unless the package is valid."""
    found = package_problems(document, env_policy)
    if found:
        code = "package.invalid_one" if len(found) == 1 else "package.invalid_many"
        raise refusal(PackageInvalidError, code, found, count=len(found))
