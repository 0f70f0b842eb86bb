"""The `flask --app app:server ...` commands: store, reference data, demo, mail, statistics, certificates."""
from __future__ import annotations

from dashboard.cli.commands import load_reference_data, register_cli

__all__ = ["load_reference_data", "register_cli"]
