"""A list query bound to its caller (services layer): ``$me``, relation paths checked hop by hop, the clock.

The records API, the list pages and the exports read records through one query shape
(``field__op=value``). Before storage runs it, this module makes it the caller's:

* a package's view (``view=<id>``) adds its fixed filters before the caller's, and its sort;
* a value ``$me`` is the caller's user id (``worker=$me``: my tickets; ``_assignee=$me``: my tasks);
* a relation path (``room.building.community=7``) must resolve, and every field it passes must be
  one the caller may read in the form it belongs to (a path past a form the caller may not read,
  or through a field hidden from them, would reveal what they cannot see): refused with a 400;
* flow filters (``_step``, ``_overdue`` ...) look at the flows of this app, "overdue" at ``now``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from engine.expressions.dates import app_zone
from engine.forms.list_filters import ME
from engine.forms.permissions import FormAccess
from engine.principal import Principal
from engine.services.list_views import open_view
from engine.storage.catalog import CompiledApp, CompiledForm
from engine.storage.record_filters import filter_hops, rule_path
from engine.storage.record_queries import ListQuery, QueryError, scoped


def bind_query(
    query: ListQuery,
    principal: Principal,
    app: CompiledApp,
    form: CompiledForm,
    access: FormAccess,
    action: str,
    now: datetime | None,
) -> ListQuery:
    """``query`` ready for storage: the caller's values, checked paths, its search fields (``scoped``)."""
    view = open_view(app, principal, form.spec.id, query.view) if query.view else None
    fixed = view.filters if view is not None else ()
    filters = tuple((name, op, _mine(raw, principal)) for name, op, raw in (*fixed, *query.filters))
    sort = query.sort or (view.sort if view is not None else "") or "-id"
    paths = []
    for name in dict.fromkeys(name for name, _, _ in filters if "." in name):
        hops = filter_hops(app, form.spec.id, name)
        for position, hop in enumerate(hops):
            reached = access if position == 0 else app.permissions.effective(principal, app.app_id, hop.form)
            if (position and not reached.allows("read")) or not reached.shows_everywhere(hop.field, action):
                raise QueryError.says("record.query.hidden", name=name[:80])
        paths.append((name, rule_path(app, hops), app.form(hops[-1].form)))
    zone = app_zone(app.document).key
    bound = replace(query, filters=filters, sort=sort, paths=tuple(paths), app_id=app.app_id, now=now, zone=zone)
    return scoped(bound, form, access, action)


def _mine(raw: str, principal: Principal) -> str:
    if ME not in raw:
        return raw
    return ",".join(principal.id if part == ME else part for part in raw.split(","))
