"""Trellis: a low-code engine that runs forms, flows and reports from JSON app packages."""

__version__ = "0.1.0"
