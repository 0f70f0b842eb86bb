"""What the generator reads before it starts: the reference snapshot, container numbers and weighted draws."""
from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from math import exp
from typing import NamedTuple

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from data.demo.cast import (
    DEMO_ACCOUNTS,
    ENTERPRISES,
    REQUIRED_DICTIONARIES,
)
from data.models import (
    CertificateFormat,
    CertificateType,
    CustomsDistrict,
    DictEntry,
)

# --- container numbers --------------------------------------------------------------------------

_ISO6346_VALUES = {c: v for c, v in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                                        [v for v in range(10, 39) if v % 11])}


def container_check(owner_serial: str) -> str:
    """Return the ISO 6346 check digit of a container owner code, category letter and serial."""
    total = sum((_ISO6346_VALUES[c] if c.isalpha() else int(c)) << i for i, c in enumerate(owner_serial))
    return str(total % 11 % 10)


class ContainerNumbers:
    """ISO 6346 numbers for a fixed set of owner codes, with the check digit from precomputed partial sums."""

    def __init__(self, owners: Sequence[str]):
        self.owners = [(o, sum(_ISO6346_VALUES[c] << i for i, c in enumerate(o))) for o in owners]
        digits = [f"{k:03d}" for k in range(1000)]
        self.high = [sum(int(c) << (4 + i) for i, c in enumerate(d)) for d in digits]
        self.low = [sum(int(c) << (7 + i) for i, c in enumerate(d)) for d in digits]

    def number(self, owner: int, serial: int) -> str:
        """Return the 11-character number of `serial` (0..999999) under the owner code at index `owner`."""
        code, base = self.owners[owner]
        high, low = divmod(serial, 1000)
        return f"{code}{serial:06d}{(base + self.high[high] + self.low[low]) % 11 % 10}"


# --- reference snapshot -------------------------------------------------------------------------


class DistrictRef(NamedTuple):
    code: str
    parent_code: str | None
    name_zh: str
    name_en: str


class FormatRef(NamedTuple):
    code: str
    field_keys: tuple[str, ...]


class CertTypeRef(NamedTuple):
    code: str
    name_zh: str
    name_en: str
    formats: tuple[FormatRef, ...]


class EntryRef(NamedTuple):
    code: str
    name_zh: str
    name_en: str
    extra: dict


@dataclass(frozen=True)
class ReferenceSnapshot:
    """The reference rows the generator draws from, read once from the store."""

    districts: tuple[DistrictRef, ...]
    cert_types: tuple[CertTypeRef, ...]
    dictionaries: dict[str, tuple[EntryRef, ...]] = field(default_factory=dict)


def reference_snapshot(conn: Connection | Session) -> ReferenceSnapshot:
    """Read districts, certificate types with formats and dictionaries; raise ValueError if any are missing."""
    districts = tuple(DistrictRef(*r) for r in conn.execute(
        select(CustomsDistrict.code, CustomsDistrict.parent_code, CustomsDistrict.name_zh, CustomsDistrict.name_en)
        .where(CustomsDistrict.active.is_(True)).order_by(CustomsDistrict.code)))
    formats: dict[str, list[FormatRef]] = {}
    for code, type_code, fields in conn.execute(
            select(CertificateFormat.code, CertificateFormat.cert_type_code, CertificateFormat.fields)
            .where(CertificateFormat.active.is_(True)).order_by(CertificateFormat.code)):
        keys = tuple(f["key"] for f in fields or () if isinstance(f, dict) and f.get("key"))
        formats.setdefault(type_code, []).append(FormatRef(code, keys))
    cert_types = tuple(CertTypeRef(c, zh, en, tuple(formats[c])) for c, zh, en in conn.execute(
        select(CertificateType.code, CertificateType.name_zh, CertificateType.name_en)
        .where(CertificateType.active.is_(True)).order_by(CertificateType.sort, CertificateType.code))
        if c in formats)
    dictionaries: dict[str, list[EntryRef]] = {}
    for name, code, zh, en, extra in conn.execute(
            select(DictEntry.dictionary, DictEntry.code, DictEntry.name_zh, DictEntry.name_en, DictEntry.extra)
            .where(DictEntry.active.is_(True), DictEntry.dictionary.in_(REQUIRED_DICTIONARIES))
            .order_by(DictEntry.dictionary, DictEntry.sort, DictEntry.code)):
        dictionaries.setdefault(name, []).append(EntryRef(code, zh, en, extra or {}))
    missing = [what for what, ok in (("customs districts", districts), ("certificate types with formats", cert_types))
               if not ok]
    missing += [f"dictionary {name!r}" for name in REQUIRED_DICTIONARIES if not dictionaries.get(name)]
    if missing:
        raise ValueError("reference data is not loaded (missing: " + ", ".join(missing)
                         + "); run data.reference.catalog.load_reference first")
    known = {d.code for d in districts}
    needed = sorted({a.district for a in DEMO_ACCOUNTS if a.district} | {p.district for p in ENTERPRISES})
    if absent := [c for c in needed if c not in known]:
        raise ValueError(f"reference data lacks the customs districts the demo uses: {', '.join(absent)}")
    return ReferenceSnapshot(districts, cert_types, {k: tuple(v) for k, v in dictionaries.items()})


# --- small helpers ------------------------------------------------------------------------------


def allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` into integer parts proportional to `weights`, each at least 1 when total allows."""
    n = len(weights)
    base = [1] * n if total >= n else [0] * n
    rest = total - sum(base)
    wsum = float(sum(weights))
    shares = [rest * w / wsum for w in weights]
    parts = [int(s) for s in shares]
    order = sorted(range(n), key=lambda i: (parts[i] - shares[i], i))
    for i in order[: rest - sum(parts)]:
        parts[i] += 1
    return [b + p for b, p in zip(base, parts)]


def spread(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` over a sequence by cumulative rounding, keeping the order and the exact sum."""
    wsum = float(sum(weights))
    out, done, acc = [], 0, 0.0
    for w in weights:
        acc += w
        upto = round(total * acc / wsum) if wsum else 0
        out.append(upto - done)
        done = upto
    return out


class Weighted:
    """Weighted choice by bisection over cumulative weights."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, items: Sequence, weights: Sequence[float]):
        pairs = [(i, w) for i, w in zip(items, weights) if w > 0]
        self.items = [i for i, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))
        self.total = self.cum[-1]

    def pick(self, rnd: Callable[[], float]):
        return self.items[bisect(self.cum, rnd() * self.total)]


class Quota:
    """Draw items without replacement from exact counts: a shuffled multiset, streamed."""

    __slots__ = ("items", "counts", "left")

    def __init__(self, items: Sequence, counts: Sequence[int]):
        self.items = list(items)
        self.counts = list(counts)
        self.left = sum(counts)

    def draw(self, rnd: Callable[[], float]):
        r = int(rnd() * self.left)
        counts = self.counts
        for i, c in enumerate(counts):
            if r < c:
                counts[i] -= 1
                self.left -= 1
                return self.items[i]
            r -= c
        raise IndexError("quota exhausted")


def delay_pool(rng: random.Random, median: float, sigma: float, low: float, high: float,
                size: int = 1024) -> list[int]:
    """Draw `size` lognormal delays in seconds, clipped to [low, high]."""
    return [int(min(high, max(low, median * exp(rng.gauss(0.0, sigma))))) for _ in range(size)]


def find(entries: Sequence[EntryRef], codes: Sequence[str] = (), names: Sequence[str] = ()) -> EntryRef | None:
    """Return the first entry with one of `codes`, else one whose zh/en name is in `names`."""
    by_code = {e.code: e for e in entries}
    for c in codes:
        if c in by_code:
            return by_code[c]
    lowered = {n.lower() for n in names}
    return next((e for e in entries if e.name_zh in names or e.name_en.lower() in lowered), None)
