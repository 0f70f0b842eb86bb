"""The explorer (统计分析): any measure of the rollups split by any dimensions, pivoted with subtotals and
compared with an earlier period, computed with pandas from the rollup rows (never one row per certificate).

`explore(s, actor, view)` needs `stats.view` and reads only the actor's district subtree, as the fixed reports
do: a district outside it (a forged or stale view) gives an empty result with `found=False`. The store sums
the rollup rows of the smallest grouping that keeps the view's dimensions, per district and kept value (and
per day or month when the period is a dimension); pandas then maps each district to its ancestor at the
view's level of the tree, each destination to its region, each day to its week, month, quarter or year,
sums, and computes the measure of every cell, subtotal and total from the sums (a share of sums, a
percentile of summed histograms), so a total is exact, not a sum of rounded cells.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from data.core.db import serial_plans
from data.core.scope import Actor
from data.models import CertificateType, DictEntry
from data.reference.regions import UNKNOWN, continent_of, countries_of
from data.statistics.explorer_view import (
    BACKLOG,
    CERTIFICATE,
    CURRENCY,
    DISTRICT,
    PERIOD,
    TURNAROUND,
    Measure,
    View,
)
from data.statistics.rollup import BACKLOG as BACKLOG_TABLE
from data.statistics.rollup import (
    BUCKET_COLUMNS,
    DAY,
    MONTH,
    NO_COUNTRY,
    NO_CURRENCY,
    WAITING,
)
from data.statistics.rollup import TURNAROUND as TURNAROUND_TABLE
from data.statistics.sums import (
    RollupQuery,
    Tree,
    district_tree,
    histogram_percentile,
    period_spans,
    report_root,
    sum_certificates,
)
from data.statistics.targets import effective_targets

ROLLUP_COLUMN = {"cert_type": "cert_type_code", "dest": "dest_country", "region": "dest_country",
                 "entry": "entry_method", "signing": "signing_method", "status": "status", CURRENCY: "currency"}
FREQUENCY = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}
TOTAL = None  # the key of a subtotal's or total's dimensions
COUNTED = "_counted"  # the certificates a certificate measure's rows hold, to leave out keys that hold none


@dataclass(frozen=True)
class PivotRow:
    keys: tuple[str | None, ...]  # one per row dimension; TOTAL from `level` on
    level: int  # len(rows): a cell row; less: the subtotal of its first `level` keys (0: the grand total)
    values: tuple[float | None, ...]  # one per column key, then the row's total
    base: tuple[float | None, ...] | None = None  # the same in the comparison period


@dataclass(frozen=True)
class Result:
    view: View
    found: bool  # False: the district is not in the actor's tree (nothing is read)
    lo: date
    hi: date
    base_range: tuple[date, date] | None  # the comparison's period
    column_keys: tuple[str, ...]
    body: tuple[PivotRow, ...]  # cells and subtotals in display order, the grand total last
    cells: pd.DataFrame  # one row per cell: the dimensions' keys, "value" (and "base")
    names: dict[str, dict[str, tuple[str, str]]]  # dimension -> key -> (Chinese, English) where the store names it
    periods: tuple[str, ...]  # every period key of the range, for a gapless time axis
    tree: Tree
    level: int  # the depth the district dimension splits at
    targets: dict[str, float]  # each visible district's target for the measure (data/statistics/targets.py)

    @property
    def total(self) -> PivotRow:
        return self.body[-1]

    def own(self, code: str) -> bool:
        """Whether a district's row holds only its own figures (it lies above the level split at, so its
        houses have rows of their own)."""
        return code in self.tree.districts and self.tree.depth(code) < self.level


# --- periods -----------------------------------------------------------------------------------------


def period_key(day: date, grain: str) -> str:
    """The key of the period `day` falls in: 2026-03-05, 2026-W10 (ISO week), 2026-03, 2026-Q1, 2026."""
    if grain == "day":
        return day.isoformat()
    if grain == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if grain == "month":
        return f"{day.year}-{day.month:02d}"
    if grain == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def period_bounds(key: str, grain: str) -> tuple[date, date]:
    """The first and last day of the period `key` names."""
    if grain == "day":
        day = date.fromisoformat(key)
        return day, day
    if grain == "week":
        start = date.fromisocalendar(int(key[:4]), int(key[6:]), 1)
        return start, start + timedelta(days=6)
    if grain == "month":
        start = date(int(key[:4]), int(key[5:7]), 1)
    elif grain == "quarter":
        start = date(int(key[:4]), 3 * int(key[6]) - 2, 1)
    else:
        start = date(int(key), 1, 1)
    months = {"month": 1, "quarter": 3, "year": 12}[grain]
    after = date(start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1, 1)
    return start, after - timedelta(days=1)


def _keys_of(days: pd.Series, grain: str) -> pd.Series:
    """period_key of each day, computed once per distinct day."""
    distinct = {day: period_key(day, grain) for day in days.unique()}
    return days.map(distinct)


def shift_key(key: str, grain: str, compare: str) -> str:
    """The period key a comparison puts beside `key`: the period before, or the same period a year before."""
    start, _end = period_bounds(key, grain)
    if compare == "year":
        return period_key(_year_before(start) if grain != "week" else start - timedelta(weeks=52), grain)
    return period_key(start - timedelta(days=1), grain)


def _year_before(day: date) -> date:
    return day.replace(year=day.year - 1) if (day.month, day.day) != (2, 29) else date(day.year - 1, 2, 28)


def comparison_range(view: View, lo: date, hi: date) -> tuple[date, date] | None:
    """The period a view is compared with: when the period is a dimension, each period sits beside the one
    before it (or a year before), so the range starts a period (a year) earlier and ends a period (a year)
    earlier; otherwise the same number of days just before, or the same days a year before."""
    if not view.compare:
        return None
    if PERIOD in view.dimensions and view.compare == "previous":
        first = period_bounds(shift_key(period_key(lo, view.grain), view.grain, view.compare), view.grain)[0]
        last = period_bounds(shift_key(period_key(hi, view.grain), view.grain, view.compare), view.grain)[1]
        return first, last
    if view.compare == "year" and PERIOD in view.dimensions and view.grain == "week":
        return lo - timedelta(weeks=52), hi - timedelta(weeks=52)
    if view.compare == "year":
        return _year_before(lo), _year_before(hi)
    return lo - (hi - lo) - timedelta(days=1), lo - timedelta(days=1)


# --- reading the rollups ---------------------------------------------------------------------------


def _certificate_rows(s: Session, tree: Tree, codes: Sequence[str], view: View, lo: date, hi: date) -> pd.DataFrame:
    measure = view.of
    parts = ("certificates", "cloud") if measure.code == "cloud_share" else measure.parts
    group = certificate_group(view)
    equal = {ROLLUP_COLUMN[name]: value for name, value in view.filters().items()
             if name not in ("region", "signing")}
    within = ("dest_country", tuple(sorted(countries_of(view.region)))) if view.region else None
    days = PERIOD in view.dimensions and view.grain in ("day", "week")
    # per district only when the view splits by district: the store sums the districts otherwise (at ten million
    # certificates a quarter of destinations by type is ~300,000 rows per district and ~4,000 summed)
    per_district = DISTRICT in view.dimensions
    # and the certificates counted, whatever the measure: a month read as its row less the days left out can leave
    # a key whose certificates all fell on those days (`signed_spans`), with nothing in it
    q = RollupQuery(issue=(lo, hi), equal=equal, within=within, signing=view.signing or None,
                    group=(*((PERIOD,) if PERIOD in view.dimensions else ()), *group), measures=(*parts, "certificates"),
                    days=days, per_district=per_district)
    rows = [row for row in sum_certificates(s, tree, codes, q) if row[-1] is not None]  # no rows: no sums
    columns = [*(["district_code"] if per_district else []), *q.group, *parts, COUNTED]
    return pd.DataFrame.from_records(rows, columns=columns)


def certificate_group(view: View) -> tuple[str, ...]:
    """The rollup columns a view of a certificate measure sums by (a value of goods: always by currency)."""
    money = (CURRENCY,) if view.of.kind == "money" else ()
    return tuple(dict.fromkeys(ROLLUP_COLUMN[d] for d in (*view.dimensions, *money) if d in ROLLUP_COLUMN))


def _spans_condition(column, grain_column, lo: date, hi: date, days: bool):
    spans = period_spans(lo, hi, (DAY,) if days else (DAY, MONTH))
    return or_(*(and_(grain_column == grain, column >= a, column <= b) for grain, a, b in spans))


def _turnaround_rows(s: Session, tree: Tree, codes: Sequence[str], view: View, lo: date, hi: date) -> pd.DataFrame:
    t = TURNAROUND_TABLE.table.c
    keys = [t.district_code, *([t.period] if PERIOD in view.dimensions else [])]
    parts = [t.approvals, t.seconds, *(t[c] for c in BUCKET_COLUMNS)]
    days = PERIOD in view.dimensions and view.grain in ("day", "week")
    rows = s.execute(select(*keys, *(func.sum(p) for p in parts)).where(
        tree.condition(t.district_code, codes), _spans_condition(t.period, t.grain, lo, hi, days)).group_by(*keys))
    return pd.DataFrame.from_records(list(rows), columns=[
        "district_code", *([PERIOD] if PERIOD in view.dimensions else []), "approvals", "seconds", *BUCKET_COLUMNS])


def _backlog_rows(s: Session, tree: Tree, codes: Sequence[str], view: View, lo: date, hi: date) -> pd.DataFrame:
    b = BACKLOG_TABLE.table.c
    keys = [b.district_code, *([b.submitted_on] if PERIOD in view.dimensions else [])]
    waiting = sum((b[status] for status in WAITING[1:]), b[WAITING[0]])
    rows = s.execute(select(*keys, func.sum(waiting)).where(
        tree.condition(b.district_code, codes), b.submitted_on >= lo, b.submitted_on <= hi).group_by(*keys))
    return pd.DataFrame.from_records(list(rows), columns=[
        "district_code", *([PERIOD] if PERIOD in view.dimensions else []), "waiting"])


READERS = {CERTIFICATE: _certificate_rows, TURNAROUND: _turnaround_rows, BACKLOG: _backlog_rows}


def _parts_of(measure: Measure) -> list[str]:
    if measure.source == TURNAROUND:
        return ["approvals", "seconds", *BUCKET_COLUMNS]
    return ["certificates", "cloud"] if measure.code == "cloud_share" else list(measure.parts)


def _keyed(frame: pd.DataFrame, view: View, tree: Tree, root: str | None) -> pd.DataFrame:
    """The store's rows with the view's dimension keys: district at the view's level, region, period key."""
    out = pd.DataFrame(index=frame.index)
    for dim in view.dimensions:
        if dim == DISTRICT:
            level = district_level(tree, root, view.level)
            ancestors = {code: _ancestor(tree, code, level) for code in frame["district_code"].unique()}
            out[dim] = frame["district_code"].map(ancestors)
        elif dim == PERIOD:
            out[dim] = _keys_of(frame[PERIOD], view.grain)
        elif dim == "region":
            out[dim] = frame["dest_country"].map(lambda c: continent_of(c) if c != NO_COUNTRY else UNKNOWN)
        else:
            out[dim] = frame[ROLLUP_COLUMN[dim]]
    for part in (*_parts_of(view.of), *([COUNTED] if COUNTED in frame else [])):
        out[part] = frame[part].fillna(0).astype("int64")
    return out


def district_level(tree: Tree, root: str | None, level: int | None) -> int:
    """The depth the district dimension splits at: the view's, or the level below the district counted."""
    if level is not None:
        return level
    return tree.depth(root) + 1 if root is not None else 0


def _ancestor(tree: Tree, code: str, level: int) -> str:
    path = tree.path(code)
    return path[level].code if len(path) > level else code


# --- measures, pivots, subtotals ---------------------------------------------------------------------


def measure_values(sums: pd.DataFrame, measure: Measure) -> pd.Series:
    """The measure of each row of summed parts."""
    if measure.code == "cloud_share":
        return (sums["cloud"] / sums["certificates"].where(sums["certificates"] > 0)).astype("float64")
    if measure.code == "turnaround_mean":
        return (sums["seconds"] / sums["approvals"].where(sums["approvals"] > 0) / 3600).astype("float64")
    if measure.kind == "money":
        return (sums["value_cents"] / 100).astype("float64")
    if measure.code in ("turnaround_median", "turnaround_p90"):
        q = 0.5 if measure.code == "turnaround_median" else 0.9
        hist = sums[list(BUCKET_COLUMNS)].to_numpy()
        values = [histogram_percentile(row.tolist(), q) for row in hist]
        return pd.Series([np.nan if v is None else v / 3600 for v in values], index=sums.index, dtype="float64")
    return sums[measure.parts[0]].astype("float64")


def _sums(frame: pd.DataFrame, by: list[str], parts: list[str]) -> pd.DataFrame:
    if by:
        return frame.groupby(by, sort=False, dropna=False)[parts].sum()
    return frame[parts].sum().to_frame().T


def _pivot_values(frame: pd.DataFrame, view: View, parts: list[str]) -> dict[int, pd.DataFrame]:
    """level -> a grid (row keys of that level x column keys + "__total__") of the measure: level len(rows) holds
    the cells, pivoted from the long table with pandas' pivot_table; lower levels the subtotals."""
    rows, cols = list(view.rows), list(view.columns)
    grids: dict[int, pd.DataFrame] = {}
    for level in range(len(rows), -1, -1):
        by = rows[:level]
        if cols:
            long = _sums(frame, by + cols, parts).reset_index()
            long["value"] = measure_values(long, view.of)
            grid = (long.pivot_table(index=by, columns=cols, values="value", aggfunc="sum") if by
                    else long.set_index(cols)[["value"]].T)
        else:
            grid = pd.DataFrame(index=[0])
        totals = _sums(frame, by, parts)
        total_values = measure_values(totals, view.of)
        if _mixes_currencies(view, by + cols):
            grid = grid.astype("float64") * np.nan
        if _mixes_currencies(view, by):
            total_values = total_values * np.nan
        if by:  # every key the sums hold, those whose cells are all empty (no share of nothing) included
            grid = grid.reindex(totals.index)
        grid = grid.copy()
        grid["__total__"] = total_values.to_numpy()
        grids[level] = grid
    return grids


def _mixes_currencies(view: View, keys: list[str]) -> bool:
    """Whether sums by `keys` would add up amounts in different currencies (shown as no value)."""
    return view.of.kind == "money" and not view.currency and CURRENCY not in keys


def _order(keys: list, dim: str, score: dict, view: View, tree_order: dict[str, int]) -> list:
    """Periods in time order; by label: districts in tree order, others by code; else by score, highest first."""
    if dim == PERIOD:
        return sorted(keys, key=str)
    if view.order == "label":
        return sorted(keys, key=lambda k: (tree_order.get(k, len(tree_order)), str(k)) if dim == DISTRICT else str(k))
    return sorted(keys, key=lambda k: (-score[k] if score.get(k) is not None else float("inf"), str(k)))


def _value(v) -> float | None:
    return None if v is None or (isinstance(v, float) and np.isnan(v)) else float(v)


def _rows_of(grid: pd.DataFrame, columns: list[str]) -> dict:
    """A grid as index key -> its values in `columns` order (None for an empty cell or a missing column): one
    pass over the frame, where a lookup per cell costs more than the pivot itself at a few thousand cells."""
    values = grid.reindex(columns=columns).to_numpy(dtype="float64", na_value=np.nan)
    cells = values.astype(object)  # Python floats, and None for NaN, in two array passes (not a test per cell)
    cells[np.isnan(values)] = None
    return dict(zip(grid.index, map(tuple, cells.tolist())))


def _body(view: View, grids: dict[int, pd.DataFrame], base: dict[int, pd.DataFrame] | None,
          column_keys: list[str], tree_order: dict[str, int]) -> list[PivotRow]:
    rows = list(view.rows)
    columns = [*column_keys, "__total__"]
    cells = {level: _rows_of(grid, columns) for level, grid in grids.items()}
    base_cells = {level: _rows_of(grid, columns) for level, grid in base.items()} if base is not None else None
    empty = (None,) * len(columns)

    def index_key(level: int, prefix: tuple, grid: pd.DataFrame):
        return prefix[0] if level == 1 else prefix if level else grid.index[0] if len(grid.index) else None

    def row_at(level: int, prefix: tuple) -> PivotRow:
        values = cells[level].get(index_key(level, prefix, grids[level]), empty)
        base_values = None
        if base is not None and base_cells is not None:
            base_values = base_cells[level].get(index_key(level, prefix, base[level]), empty)
        return PivotRow((*prefix, *([TOTAL] * (len(rows) - level))), level, values, base_values)

    def walk(level: int, prefix: tuple) -> list[PivotRow]:
        if level == len(rows):
            return [row_at(level, prefix)]
        grid = grids[level + 1]
        keys = list(grid.index) if level == 0 else [k[level] for k in grid.index if tuple(k[:level]) == prefix]
        totals = cells[level + 1]
        score = {k: totals[k if level == 0 else (*prefix, k)][-1] for k in keys}
        if base_cells is not None and view.order == "change":
            earlier = base_cells[level + 1]
            for k in keys:
                before = earlier.get(k if level == 0 else (*prefix, k), empty)[-1]
                now = score[k]
                score[k] = None if now is None else now - (before or 0)
        out: list[PivotRow] = []
        for k in _order(keys, rows[level], score, view, tree_order):
            out.extend(walk(level + 1, (*prefix, k)))
            if level + 1 < len(rows):
                out.append(row_at(level + 1, (*prefix, k)))
        return out

    body = walk(0, ()) if rows else []
    body.append(row_at(0, ()))
    return body


# --- the result ---------------------------------------------------------------------------------------


def explore(s: Session, actor: Actor, view: View, today: date) -> Result:
    """The view's pivot (AccessDenied without `stats.view`); an unknown or foreign district reads nothing."""
    tree = district_tree(s, actor)
    serial_plans(s)  # PostgreSQL: neither JIT nor parallel workers for sums of a few thousand rows
    root, found = report_root(tree, view.district or None)
    hi = view.date_to or today
    lo = view.date_from or (hi.replace(day=1) - timedelta(days=334)).replace(day=1)
    codes = tree.subtree(root) if found else []
    parts = _parts_of(view.of)
    frame = _read(s, tree, codes, view, lo, hi, root)
    base_range = comparison_range(view, lo, hi)
    base_frame = None
    if base_range is not None:
        base_frame = _read(s, tree, codes, view, *base_range, root)
        if PERIOD in view.dimensions:  # each earlier period is put beside the one it is compared with
            shifted = {k: _forward(k, view) for k in base_frame[PERIOD].unique()}
            base_frame[PERIOD] = base_frame[PERIOD].map(shifted)
            base_frame = base_frame[base_frame[PERIOD].notna()]
    grids = _pivot_values(frame, view, parts)
    base_grids = _pivot_values(base_frame, view, parts) if base_frame is not None else None
    column_keys = list(grids[len(view.rows)].columns.drop("__total__")) if view.columns else []
    order = _tree_order(tree)
    if view.columns:
        grand = grids[0]
        column_keys = _order(column_keys, view.columns[0], {k: _value(grand.at[grand.index[0], k]) for k in column_keys},
                             replace(view, order="label" if view.order == "label" else "value"), order)
    body = _body(view, grids, base_grids, column_keys, order)
    cells = _cells(frame, base_frame, view, parts)
    periods = _all_periods(lo, hi, view.grain) if PERIOD in view.dimensions else ()
    return Result(view, found, lo, hi, base_range, tuple(column_keys), tuple(body), cells,
                  _names(s, tree, cells, view), periods, tree, district_level(tree, root, view.level),
                  effective_targets(s, tree, view.measure))


def _forward(key: str, view: View) -> str | None:
    """The period an earlier period's figures are compared with (the inverse of shift_key)."""
    start, end = period_bounds(key, view.grain)
    after = end + timedelta(days=1)
    if view.compare == "year":
        later = period_key(date(start.year + 1, start.month, min(start.day, 28)) if view.grain != "week"
                           else start + timedelta(weeks=52), view.grain)
        return later if shift_key(later, view.grain, "year") == key else None
    return period_key(after, view.grain)


def _read(s: Session, tree: Tree, codes: Sequence[str], view: View, lo: date, hi: date,
          root: str | None) -> pd.DataFrame:
    raw = READERS[view.of.source](s, tree, codes, view, lo, hi)
    if view.of.kind == "money":  # certificates without a declared value have no value to show, not a zero
        raw = raw[raw["currency"] != NO_CURRENCY]
    frame = _keyed(raw, view, tree, root)
    if COUNTED not in frame:
        return frame
    dims = list(view.dimensions)  # the cells, without those that hold no certificate
    if not dims:
        cells = frame.sum().to_frame().T
    elif _summed_by_the_store(view):
        cells = frame
    else:
        cells = frame.groupby(dims, sort=False, dropna=False).sum().reset_index()
    return cells[cells[COUNTED] != 0].drop(columns=[COUNTED])


def _summed_by_the_store(view: View) -> bool:
    """Whether the store's sums of a certificate measure are the view's cells already: one row per key, when every
    dimension is a rollup column (no district taken to a level, period taken to a grain or country to a region) and
    the rollup is summed by nothing else (a value of goods: by its currency)."""
    if any(d in (DISTRICT, PERIOD, "region") for d in view.dimensions):
        return False
    return set(certificate_group(view)) == {ROLLUP_COLUMN[d] for d in view.dimensions}


def _cells(frame: pd.DataFrame, base: pd.DataFrame | None, view: View, parts: list[str]) -> pd.DataFrame:
    dims = list(view.dimensions)
    sums = _sums(frame, dims, parts).reset_index() if dims else _sums(frame, [], parts)
    sums["value"] = measure_values(sums, view.of)
    out = sums[[*dims, "value"]]
    if base is not None:
        before = _sums(base, dims, parts).reset_index() if dims else _sums(base, [], parts)
        before["base"] = measure_values(before, view.of)
        out = out.merge(before[[*dims, "base"]], how="outer", on=dims) if dims else out.assign(
            base=before["base"].to_numpy())
    return out.reset_index(drop=True)


def _all_periods(lo: date, hi: date, grain: str) -> tuple[str, ...]:
    keys: list[str] = []
    day = lo
    while day <= hi:
        key = period_key(day, grain)
        keys.append(key)
        day = period_bounds(key, grain)[1] + timedelta(days=1)
    return tuple(keys)


def _tree_order(tree: Tree) -> dict[str, int]:
    return {code: k for k, code in enumerate(tree.subtree(None))}


def _names(s: Session, tree: Tree, cells: pd.DataFrame, view: View) -> dict[str, dict[str, tuple[str, str]]]:
    names: dict[str, dict[str, tuple[str, str]]] = {}
    if DISTRICT in view.dimensions or view.district:
        names[DISTRICT] = {c: (d.name_zh, d.name_en) for c, d in tree.districts.items()}
    if "cert_type" in view.dimensions or view.cert_type:
        names["cert_type"] = {c: (zh, en) for c, zh, en in s.execute(
            select(CertificateType.code, CertificateType.name_zh, CertificateType.name_en))}
    if "dest" in view.dimensions or view.dest:
        wanted = set(cells["dest"].dropna()) if "dest" in cells else set()
        wanted |= {view.dest} if view.dest else set()
        names["dest"] = {c: (zh, en) for c, zh, en in s.execute(
            select(DictEntry.code, DictEntry.name_zh, DictEntry.name_en).where(
                DictEntry.dictionary == "country", DictEntry.code.in_(sorted(wanted))))}
    if CURRENCY in view.dimensions or view.currency:
        names[CURRENCY] = {c: (zh, en) for c, zh, en in s.execute(
            select(DictEntry.code, DictEntry.name_zh, DictEntry.name_en).where(DictEntry.dictionary == "currency"))}
    return names


def stale_codes(s: Session, view: View) -> dict[str, str]:
    """Filter codes a view names that the store no longer knows (a saved view of a retired certificate type or
    country): field -> code, for the page to say; the view still counts what is stored under them."""
    stale: dict[str, str] = {}
    if view.cert_type and s.scalar(select(CertificateType.code).where(CertificateType.code == view.cert_type)) is None:
        stale["cert_type"] = view.cert_type
    if view.dest and s.scalar(select(DictEntry.code).where(DictEntry.dictionary == "country",
                                                           DictEntry.code == view.dest)) is None:
        stale["dest"] = view.dest
    if view.currency and s.scalar(select(DictEntry.code).where(DictEntry.dictionary == "currency",
                                                               DictEntry.code == view.currency)) is None:
        stale["currency"] = view.currency
    return stale
