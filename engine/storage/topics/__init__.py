"""Outbox topics: one module per topic says how an item of that topic is delivered."""

from engine.storage.topics import flow_connector, flow_notify  # noqa: F401 - each registers its topic
from engine.storage.topics.base import TOPICS, DeliveryContext, LocalTopicHandler, OutboxItem, TopicHandler

__all__ = ["TOPICS", "DeliveryContext", "LocalTopicHandler", "OutboxItem", "TopicHandler"]
