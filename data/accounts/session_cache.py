"""Signed-in sessions kept in a worker's memory, forgotten as soon as PostgreSQL says they changed.

Every request of a signed-in user needs its session checked: still open, its user active at the same
session version, with the same role, grants and districts. Read from the store, that is a round trip
per request. On PostgreSQL, triggers (migration 0013) notify the channel `certdash_access` whenever
something a session depends on changes: a session ended, a user changed or deleted, roles, grants,
districts or system parameters changed. Each worker process listens on a connection of its own and
forgets what a notification names; meanwhile it answers from memory.

What holds:
- A session is served from memory only while the listener is connected. Before it has listened,
  while it reconnects (the store restarting), and after any error, every request reads the store,
  and the memory is emptied when listening resumes (notifications may have been missed).
- A session read from the store is kept only if no notification arrived while it was read (the
  generation count), so a change committed during the read cannot be overwritten by the older state.
- An entry is used for at most `SEEN_EVERY` (a minute) after its session was last seen in the store;
  then the request reads the store again, which writes when the session was last seen and applies the
  idle and absolute timeouts.
- A change takes effect on the other workers when PostgreSQL delivers its notification (well under a
  millisecond on one host); `fence()` waits until this worker has handled every notification sent
  before it, which the tests use, and which the sign-out paths of this worker do not need (they forget
  their own session at once).
"""
from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import psycopg
from sqlalchemy.engine import URL

from data.core.scope import Actor

CHANNEL = "certdash_access"
MAX_ENTRIES = 50_000  # about 1 kB each; past it, sessions are read from the store until entries go
RECONNECT_SECONDS = (0.2, 0.5, 1, 2, 5)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Remembered:
    """A session read from the store: whose it is and what they may do, and until when it may be reused."""

    user_id: int
    version: int
    actor: Actor
    created_at: datetime
    last_seen_at: datetime
    absolute: timedelta

    def usable(self, user_id: int, version: int, now: datetime, seen_every: timedelta) -> bool:
        return (user_id == self.user_id and version == self.version
                and now - self.last_seen_at < seen_every and now - self.created_at <= self.absolute)


class SessionCache:
    """One per store and worker process; `start()` is called lazily from the worker that uses it."""

    def __init__(self, url: URL) -> None:
        self.conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._lock = threading.Lock()
        self._entries: dict[str, Remembered] = {}
        self._by_user: dict[int, set[str]] = {}
        self._generation = 0
        self._live = False
        self._pid: int | None = None
        self._fences: dict[str, threading.Event] = {}
        self.hits = self.misses = 0

    # .. what requests use ................................................................

    @property
    def live(self) -> bool:
        return self._live

    def get(self, token_hash: str) -> Remembered | None:
        self._ensure_listening()
        if not self._live:
            return None
        with self._lock:
            found = self._entries.get(token_hash)
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def generation(self) -> int:
        """Take before reading a session from the store; give it back to `put`."""
        return self._generation

    def put(self, token_hash: str, entry: Remembered, generation: int) -> None:
        with self._lock:
            if not self._live or generation != self._generation or len(self._entries) >= MAX_ENTRIES:
                return
            self._entries[token_hash] = entry
            self._by_user.setdefault(entry.user_id, set()).add(token_hash)

    def forget_token(self, token_hash: str) -> None:
        with self._lock:
            self._generation += 1
            self._drop(token_hash)

    def forget_user(self, user_id: int) -> None:
        with self._lock:
            self._generation += 1
            for token_hash in self._by_user.pop(user_id, set()):
                self._entries.pop(token_hash, None)

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()
            self._by_user.clear()

    def fence(self, timeout: float = 5.0) -> bool:
        """Wait until this worker has handled every notification committed before the call."""
        self._ensure_listening()
        deadline = time.monotonic() + timeout
        while not self._live:  # a notification sent before LISTEN would never arrive
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        nonce = secrets.token_hex(8)
        done = self._fences[nonce] = threading.Event()
        try:
            with psycopg.connect(self.conninfo, autocommit=True) as conn:
                conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, f"f:{nonce}"))
            return done.wait(max(0.0, deadline - time.monotonic()))
        finally:
            self._fences.pop(nonce, None)

    # .. the listener ...................................................................

    def _ensure_listening(self) -> None:
        pid = os.getpid()
        if self._pid == pid:
            return
        with self._lock:
            if self._pid == pid:
                return
            # a forked worker: nothing inherited is trusted, and it listens for itself
            self._pid, self._live = pid, False
            self._entries.clear()
            self._by_user.clear()
            self._generation += 1
        threading.Thread(target=self._listen, name="certdash-session-listener", daemon=True).start()

    def _listen(self) -> None:
        pid, failures = os.getpid(), 0
        while self._pid == pid:
            try:
                with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.clear()  # what was missed while not listening is unknown: start empty
                    self._live, failures = True, 0
                    for note in conn.notifies():
                        self._handle(note.payload)
            except Exception as exc:  # noqa: BLE001 - any failure means: stop trusting memory, retry
                if self._live or failures == 0:
                    log.warning("session notifications lost (%s); reading sessions from the store until back",
                                str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
            self._live = False
            self.clear()
            time.sleep(RECONNECT_SECONDS[min(failures, len(RECONNECT_SECONDS) - 1)])
            failures += 1

    def _handle(self, payload: str) -> None:
        kind, _, value = payload.partition(":")
        if kind == "t":
            self.forget_token(value)
        elif kind == "u" and value.isdigit():
            self.forget_user(int(value))
        elif kind == "f":
            fence = self._fences.get(value)
            if fence is not None:
                fence.set()
        else:
            self.clear()

    def _drop(self, token_hash: str) -> None:
        entry = self._entries.pop(token_hash, None)
        if entry is not None:
            tokens = self._by_user.get(entry.user_id)
            if tokens is not None:
                tokens.discard(token_hash)
                if not tokens:
                    del self._by_user[entry.user_id]
