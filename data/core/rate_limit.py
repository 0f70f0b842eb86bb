"""Attempt counters per key in sliding time windows (table `rate_limit`), shared by every app server.

A hit is one atomic INSERT ... ON CONFLICT DO UPDATE (SQLite and PostgreSQL alike), so two servers
counting the same address at once never lose a hit nor collide on the primary key.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from data.models import RateLimitHit, SystemParameter, as_utc


@dataclass(frozen=True)
class Limit:
    """At most `hits` attempts per window of `seconds`."""

    hits: int
    seconds: int


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_after: int  # seconds until the tightest exceeded window ends (0 when allowed)
    first_refusal: bool  # this hit is the first one over a limit in its window (log it once)


def window_start(now: datetime, seconds: int) -> datetime:
    """The start of the fixed window of `seconds` that holds `now` (UTC, aligned on the epoch)."""
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=timezone.utc)


def _count(s: Session, key: str, start: datetime) -> int:
    """Add one hit to (key, start) and return the window's hits, atomically."""
    dialect = s.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(RateLimitHit).values(key=key, window_start=start, hits=1)
    upsert = stmt.on_conflict_do_update(index_elements=[RateLimitHit.key, RateLimitHit.window_start],
                                        set_={"hits": RateLimitHit.hits + 1}).returning(RateLimitHit.hits)
    return int(s.execute(upsert).scalar_one())


def hit(s: Session, key: str, limits: tuple[Limit, ...], now: datetime | None = None) -> RateDecision:
    """Count one attempt under `key`; refuse it when any limit's sliding window is over.

    Each limit keeps its counts in buckets of a twelfth of its window (five seconds for a minute), so
    the window slides by that step: a burst that straddles the end of a minute is counted whole, not
    split between two windows. Refused attempts count too: a client that keeps hammering stays refused
    until it pauses. Buckets that have left the window are deleted as the key is counted again.
    """
    now = now or datetime.now(timezone.utc)
    retry_after, first = 0, False
    for limit in limits:
        counter = f"{key[:110]}/{limit.seconds}"
        oldest_kept = now - timedelta(seconds=limit.seconds)
        s.execute(delete(RateLimitHit).where(RateLimitHit.key == counter, RateLimitHit.window_start <= oldest_kept))
        _count(s, counter, window_start(now, max(1, limit.seconds // 12)))
        hits, oldest = s.execute(select(func.coalesce(func.sum(RateLimitHit.hits), 0), func.min(RateLimitHit.window_start))
                                 .where(RateLimitHit.key == counter, RateLimitHit.window_start > oldest_kept)).one()
        if hits > limit.hits:
            leaves = as_utc(oldest) + timedelta(seconds=limit.seconds)  # when the oldest counted bucket drops out
            retry_after = max(retry_after, int((leaves - now).total_seconds()) + 1)
            first = first or hits == limit.hits + 1
    return RateDecision(retry_after == 0, retry_after, first)


# --- a sliding window: one counter per minute, summed over the window's minutes ---------------------

BUCKET_SECONDS = 60


def note(s: Session, key: str, window: timedelta, now: datetime | None = None) -> int:
    """Count one event under `key` in this minute; return the events of the last `window` (this one included).

    The minutes that have left the window are deleted as the key is counted again, so the window
    slides by the minute rather than jumping at fixed boundaries.
    """
    now = now or datetime.now(timezone.utc)
    key = key[:128]
    s.execute(delete(RateLimitHit).where(RateLimitHit.key == key, RateLimitHit.window_start <= now - window))
    _count(s, key, window_start(now, BUCKET_SECONDS))
    return recent(s, key, window, now)


def recent(s: Session, key: str, window: timedelta, now: datetime | None = None) -> int:
    """The events counted under `key` in the last `window` (by whole minutes)."""
    now = now or datetime.now(timezone.utc)
    return int(s.scalar(select(func.coalesce(func.sum(RateLimitHit.hits), 0)).where(
        RateLimitHit.key == key[:128], RateLimitHit.window_start > now - window)) or 0)


def forget(s: Session, key: str) -> None:
    """Drop the counts of `key` (a success wipes the failures before it)."""
    s.execute(delete(RateLimitHit).where(RateLimitHit.key == key[:128]))


def parameter_int(s: Session, key: str, default: int, *, minimum: int = 1, maximum: int = 1_000_000) -> int:
    """A whole-number system parameter, or `default` when unset or not a number in range."""
    raw = s.scalar(select(SystemParameter.value).where(SystemParameter.key == key))
    return parameter_value(raw, default, minimum=minimum, maximum=maximum)


def parameter_value(raw: str | None, default: int, *, minimum: int = 1, maximum: int = 1_000_000) -> int:
    """A stored parameter's text as a whole number in range, else `default`."""
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return default
    return value if minimum <= value <= maximum else default
