"""The report and dashboard designers' previews (services layer). The live result of a report being
designed counts every published record of the app: its builders design who may read what, so the
builder role reads what the app holds while designing (a builder who is nothing else in the app still
sees their report fill). "Preview as" answers each widget of a draft dashboard as someone holding only
one role of the draft - the published records, counted with the draft's permissions and row rules, as
the report service counts them for every viewer.

A widget over what that role may not read answers ``refused`` with a sentence naming the role (never
an error for the whole board): the builder sees which widgets that role would find empty-handed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.errors import EngineError, NotFoundError, PermissionDeniedError
from engine.forms.spec import localized
from engine.i18n import translate
from engine.packages.semantics import BUILDER_ROLE
from engine.principal import Principal
from engine.services.builder import BuilderService
from engine.services.builder_access import require_builder
from engine.services.builder_checks import BuilderChecks
from engine.services.reports import ReportService
from engine.storage.catalog import CompiledApp
from engine.storage.record_queries import QueryError


class BuilderDashboards:
    def __init__(self, builder: BuilderService, checks: BuilderChecks, reports: ReportService):
        self.builder = builder
        self.checks = checks
        self.reports = reports

    def report_preview(
        self, principal: Principal, app_id: str, definition: Any, args: list[tuple[str, str]], locale: str
    ) -> dict[str, Any]:
        """A report being designed, counted over every published record of the app (builders only)."""
        require_builder(principal, app_id)
        me = {"user": {"id": principal.id, "name": principal.name}}
        builder = self.checks.acting_as(app_id, BUILDER_ROLE, me, locale)

        def reading_everything(app: CompiledApp) -> CompiledApp:
            grants = [{"role": BUILDER_ROLE, "form": form, "actions": ["read"]} for form in app.forms]
            return self.checks.judging(app, {"id": app.app_id, "permissions": grants})

        return self.reports.preview(builder, app_id, definition, args, locale, judged=reading_everything)

    def preview_as(self, principal: Principal, app_id: str, body: Mapping[str, Any], locale: str) -> dict[str, Any]:
        """``{"dashboard", "role", "user_id"?}`` -> the role's and person's names and each widget's answer."""
        document = self.builder.draft_document(principal, app_id)  # builders only
        board = _find(document.get("dashboards"), body["dashboard"])
        if board is None:
            raise NotFoundError.says("report.no_dashboard", app=app_id, dashboard=body["dashboard"])
        role = body["role"]
        declared = _find(document.get("roles"), role)
        if declared is None:
            raise NotFoundError.says("builder_checks.no_role", role=role)
        who = self.checks.acting_as(app_id, role, body, locale)
        named = localized(declared.get("name"), locale, role)
        widgets = [self._widget(who, app_id, document, widget, named, locale) for widget in board.get("widgets", ())]
        person = who.name if body.get("user_id") else None
        return {"role": role, "role_name": named, "person": person, "widgets": widgets}

    def _widget(
        self,
        who: Principal,
        app_id: str,
        document: Mapping[str, Any],
        widget: Mapping[str, Any],
        role: str,
        locale: str,
    ) -> dict[str, Any]:
        head = {"id": widget.get("id"), "report": widget.get("report")}
        definition = _find(document.get("reports"), widget.get("report"))
        if definition is None:
            return {**head, "error": translate("builder.designers.dash.no_report", locale)}
        try:
            answer = self.reports.preview(
                who, app_id, definition, [], locale, judged=lambda app: self.checks.judging(app, document)
            )
        except (PermissionDeniedError, QueryError) as error:
            if isinstance(error, QueryError) and error.message_code != "report.hidden":
                return {**head, "error": error.localized(locale)}
            return {**head, "refused": translate("builder.designers.dash.cannot_read", locale, role=role)}
        except EngineError as error:  # the draft's report does not validate yet: its own designer says why
            return {**head, "error": error.localized(locale)}
        return {**head, **answer}


def _find(items: Any, item_id: Any) -> Mapping[str, Any] | None:
    return next((x for x in items or () if isinstance(x, Mapping) and x.get("id") == item_id), None)
