"""What every request can reach: the settings, the database and the stores built on it."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from engine.config import Settings
from engine.storage import Database
from engine.storage.apps import AppStore
from engine.storage.attachments import AttachmentStore
from engine.storage.directory import DirectoryStore
from engine.storage.flows import FlowService
from engine.storage.records import RecordStore


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    database: Database
    apps: AppStore
    records: RecordStore
    attachments: AttachmentStore
    directory: DirectoryStore
    flows: FlowService


def services() -> Services:
    found: Services = current_app.extensions["trellis"]
    return found
