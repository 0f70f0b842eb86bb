"""`flask --app app:server backup --out DIR` and `flask --app app:server restore DIR [--force]`."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from dashboard.cli.common import app_settings, fail, ready_store
from dashboard.runtime.backup import BackupError, backup, restore
from dashboard.runtime.store import current_store


def register_backup_cli(server: Flask) -> None:
    @server.cli.command("backup")
    @click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
                  help="A new (or empty) folder for the backup.")
    def backup_command(out: Path):
        """Back up the store and the instance folder (keys, signing CA, files) into a new folder."""
        store = ready_store()
        try:
            manifest = backup(app_settings(), store.engine, out)
        except BackupError as exc:
            fail(str(exc))
        rows = sum(manifest.tables.values())
        click.echo(f"backup of the {manifest.backend} store at migration {manifest.migration} written to {out}: "
                   f"{len(manifest.tables)} tables, {rows:,} rows, {len(manifest.files)} files")

    @server.cli.command("restore")
    @click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("--force", is_flag=True, help="Replace a store and instance files that already hold data.")
    def restore_command(source: Path, force: bool):
        """Restore a backup into the configured store (DATABASE_URL) and instance folder."""
        current_store().engine.dispose()  # this process lets go of the store it is about to replace
        try:
            restored = restore(app_settings(), source, force=force)
        except BackupError as exc:
            fail(str(exc))
        manifest = restored.manifest
        click.echo(f"restored the backup of {manifest.created}: {len(manifest.tables)} tables, "
                   f"{sum(manifest.tables.values()):,} rows (each table's count checked), {restored.files} files")
        for warning in restored.warnings:
            click.echo(f"warning: {warning}", err=True)
        click.echo("next: flask --app app:server db upgrade (if the code is newer than the backup), then start the app")
