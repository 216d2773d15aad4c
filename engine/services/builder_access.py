"""Who may build an app: administrators, and people an administrator gave the reserved ``builder``
role in that app. Packages never declare this role (the package checker refuses it: see
``engine.packages.semantics.BUILDER_ROLE``); it is the engine's own, so no package can hand itself
builders and an end user's roles never open the builder."""

from __future__ import annotations

from engine.errors import NotAuthenticatedError, PermissionDeniedError
from engine.packages.semantics import BUILDER_ROLE
from engine.principal import Principal


def can_build(principal: Principal, app_id: str) -> bool:
    if principal.anonymous:
        return False
    return principal.is_admin or BUILDER_ROLE in principal.roles_in(app_id)


def may_create_apps(principal: Principal) -> bool:
    """Administrators, and anyone who builds some app already (they become the new app's builder)."""
    if principal.anonymous:
        return False
    return principal.is_admin or any(BUILDER_ROLE in roles for roles in principal.app_roles.values())


def require_builder(principal: Principal, app_id: str) -> Principal:
    if principal.anonymous:
        raise NotAuthenticatedError.says("builder.sign_in")
    if not can_build(principal, app_id):
        raise PermissionDeniedError.says("builder.not_builder", app=app_id)
    return principal
