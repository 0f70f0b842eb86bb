"""Errors every layer may raise; this module imports nothing of the project."""
from __future__ import annotations


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line for the operator."""
