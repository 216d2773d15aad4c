"""The use cases of Trellis and ``build_services``, the one place the object graph is assembled.

The web factory, the command line, the worker and the demo loader all call ``build_services``;
nothing else constructs services or wires them to each other. Wiring between services (a record
created starts its flows; a committed flow change wakes the live pages) is declared here, in plain
sight, rather than inside a constructor.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from engine.config import Settings
from engine.services.app_home import AppHomeService
from engine.services.app_secrets import AppSecretService
from engine.services.apps import AppService
from engine.services.attachments import AttachmentService
from engine.services.automations import AutomationService
from engine.services.builder import BuilderService
from engine.services.builder_checks import BuilderChecks
from engine.services.builder_dashboards import BuilderDashboards
from engine.services.builder_moves import BuilderMoves
from engine.services.builder_publish import BuilderPublishing
from engine.services.dashboard_views import DashboardViews
from engine.services.directory import DirectoryService
from engine.services.exports import ExportService
from engine.services.flows import FlowService
from engine.services.knowledge_base import KnowledgeBaseService
from engine.services.notification_views import NotificationPageService
from engine.services.notifications import NotificationService
from engine.services.operations import OperationsService
from engine.services.record_lists import RecordListService
from engine.services.record_pages import RecordPageService
from engine.services.records import RecordService
from engine.services.reports import ReportService
from engine.services.search import SearchService
from engine.services.user_import import UserImport
from engine.storage import Database
from engine.storage.catalog import AppCatalog
from engine.storage.flow_directory import active_people
from engine.storage.migrate import upgrade
from engine.storage.outbox import Outbox
from engine.storage.rate_limit import RateLimiter
from engine.storage.report_cache import ReportCache
from engine.storage.secret_box import SecretBox
from engine.storage.tables import utcnow
from engine.storage.uploads import DecodeBudget


@dataclass(frozen=True, slots=True)
class Services:
    """Everything a request, a command or a worker round can reach."""

    settings: Settings
    database: Database
    catalog: AppCatalog
    apps: AppService
    directory: DirectoryService
    user_import: UserImport
    records: RecordService
    record_lists: RecordListService
    attachments: AttachmentService
    flows: FlowService
    notifications: NotificationService
    exports: ExportService
    automations: AutomationService
    knowledge_base: KnowledgeBaseService
    operations: OperationsService
    record_pages: RecordPageService
    search: SearchService
    app_home: AppHomeService
    notification_pages: NotificationPageService
    reports: ReportService
    dashboard_views: DashboardViews
    secrets: AppSecretService
    builder: BuilderService
    builder_publish: BuilderPublishing
    rate_limits: RateLimiter  # the one rate-limit storage: the services count with it, Flask-Limiter shares it
    builder_checks: BuilderChecks
    builder_dashboards: BuilderDashboards
    builder_moves: BuilderMoves

    def close(self) -> None:
        self.reports.cache.close()
        self.database.dispose()


def _lazy_box(settings: Settings) -> Callable[[], SecretBox]:
    """The stored secrets' key, derived on first use (most processes never open a secret)."""
    made: list[SecretBox] = []

    def box() -> SecretBox:
        if not made:
            made.append(SecretBox.for_settings(settings))
        return made[0]

    return box


def _namespace(database_url: str) -> str:
    return hashlib.sha256(database_url.encode()).hexdigest()[:16]


def build_services(
    settings: Settings,
    *,
    database: Database | None = None,
    migrate: bool = True,
    clock: Callable[[], datetime] = utcnow,
) -> Services:
    """Assemble the services on ``settings`` (or on an already open ``database``).

    ``migrate`` applies the engine's database migrations first (idempotent; PostgreSQL takes an
    advisory lock so several processes may start at once).
    """
    database = database or Database(settings.database_url)
    if migrate:
        upgrade(database)
    catalog = AppCatalog()
    box = _lazy_box(settings)
    budget = DecodeBudget(settings.image_memory_bytes, settings.image_decodes)
    attachments = AttachmentService(database, settings.upload_dir, catalog, budget=budget, clock=clock)
    records = RecordService(database, catalog, attachments, people=active_people, clock=clock)
    rate_limits = RateLimiter(settings.redis_url, namespace=settings.database_url)  # shared through Redis
    records.limiter = rate_limits
    attachments.record_reader = records.may_read_field
    flows = FlowService(database, records, clock=clock)
    directory = DirectoryService(database)
    notifications = NotificationService(database)
    automations = AutomationService(database, records, flows, notifications, clock=clock)
    records.on_create.append(flows.record_created)  # a record created starts the flows declared on its form
    # a record written or a flow moved queues the automations it triggers, in the same transaction
    records.on_create.append(automations.record_created)
    records.on_update.append(automations.record_updated)
    records.on_delete.append(automations.record_deleted)
    flows.on_saved.append(automations.flow_saved)
    apps = AppService(database, settings.package_env)
    builder = BuilderService(apps, directory)
    reports = ReportService(
        database, records, ReportCache(settings.redis_url, _namespace(settings.database_url)), clock=clock
    )
    checks = BuilderChecks(records, settings.package_env, directory)
    return Services(
        settings=settings,
        database=database,
        catalog=catalog,
        apps=apps,
        records=records,
        record_lists=RecordListService(records),
        attachments=attachments,
        directory=directory,
        user_import=UserImport(directory),
        flows=flows,
        notifications=notifications,
        exports=ExportService(records),
        automations=automations,
        knowledge_base=KnowledgeBaseService(database, records, clock=clock),
        operations=OperationsService(
            database, Outbox(database, catalog=catalog, clock=clock, secret_box=box), flows, directory
        ),
        record_pages=RecordPageService(database, records, flows, clock=clock),
        search=SearchService(records, AppService(database, settings.package_env)),
        app_home=AppHomeService(database, records, flows, notifications, clock=clock),
        notification_pages=NotificationPageService(notifications, flows, records),
        reports=reports,
        dashboard_views=DashboardViews(reports, records),
        secrets=AppSecretService(database, catalog, box, clock=clock),
        builder=builder,
        builder_publish=BuilderPublishing(builder),
        rate_limits=rate_limits,
        builder_checks=checks,
        builder_dashboards=BuilderDashboards(builder, checks, reports),
        builder_moves=BuilderMoves(builder, flows),
    )
