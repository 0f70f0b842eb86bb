"""Deterministic, realistic demo data: enterprises, users, declarations, applications and certificates.

`iter_batches` is the row stream: for a given reference snapshot, size and seed it yields the very
same `(table, rows)` batches every time, parents before children, so any prefix of the stream is
consistent. Rows are plain dicts keyed by column; ids are assigned here, starting after each table's
current maximum, so children name their parents without RETURNING. `generate` writes the stream
into a store that has reference data but no declarations, applications or certificates yet (it
refuses anything else, and demo accounts that already exist).

Writing uses the INSERT that SQLAlchemy Core compiles for the engine's dialect, with parameters
bound by the dialect's own type processors (a few memoised or sped up, with identical output),
executed as one `executemany` and one transaction per batch. Large runs build and bind the batches
in a forked child process while the parent inserts, which keeps the writer close to the speed of a
bare DBAPI insert (see bench/seed.py).

Volumes and shares mimic the Liaoning single-window manual: issuing districts and their cloud-signing
share follow the 5.9.3 table; every workflow state of 5.8.1 occurs; all four entry methods and all
certificate types are present. Timestamps cover two years ending on `end` (not today), so a seed
always gives the same rows. Approved applications carry their certificate number, and
`number_sequence` holds the last number of each prefix: approvals after the demo continue from there.
"""
from __future__ import annotations

from data.demo.cast import BATCH_SIZE, DEFAULT_END, DEMO_ACCOUNTS, ENTERPRISES, DemoAccount, EnterpriseProfile
from data.demo.setup import StartIds
from data.demo.snapshot import ContainerNumbers, ReferenceSnapshot, container_check, reference_snapshot
from data.demo.stream import iter_batches
from data.demo.writer import DemoSummary, bound_batches, generate, uses_copy, write_batch

__all__ = ["BATCH_SIZE", "DEFAULT_END", "DEMO_ACCOUNTS", "ENTERPRISES", "ContainerNumbers", "DemoAccount", "DemoSummary",
           "EnterpriseProfile", "ReferenceSnapshot", "StartIds", "bound_batches", "container_check", "generate",
           "iter_batches", "reference_snapshot", "uses_copy", "write_batch"]
