"""What an explorer view asks for (统计分析): a measure, the dimensions of its rows and columns, filters, a
period and its grain, the chart and the comparison. A view travels as text parameters: in the page's URL
(a link reproduces it) and in a saved view. Reading one never fails: what cannot be used is left out and
named, field -> reason, for the page to say (a forged or stale value gets a message, not an error)."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from dashboard.core.i18n import N_
from data.reference.regions import BLOCS, CONTINENTS
from data.statistics.reports import CERT_STATUSES, ENTRY_METHODS
from data.statistics.sums import SIGNING_METHODS

CERTIFICATE, TURNAROUND, BACKLOG = "certificates", "turnaround", "backlog"  # the rollup a measure reads


@dataclass(frozen=True)
class Measure:
    code: str
    label: str  # message id
    source: str
    parts: tuple[str, ...]  # the rollup sums it is computed from
    kind: str = "count"  # count | share (0..1) | hours | money (in the currency of its cell: never summed across)


MEASURES: dict[str, Measure] = {m.code: m for m in (
    Measure("certificates", N_("Certificates"), CERTIFICATE, ("certificates",)),
    Measure("cloud", N_("Cloud-signed"), CERTIFICATE, ("cloud",)),
    Measure("printed", N_("Printed"), CERTIFICATE, ("printed",)),
    Measure("copies", N_("Paper copies"), CERTIFICATE, ("copies",)),
    Measure("cloud_share", N_("Cloud-signing share"), CERTIFICATE, ("cloud", "certificates"), "share"),
    Measure("approvals", N_("Approvals"), TURNAROUND, ("approvals",)),
    Measure("turnaround_median", N_("Review turnaround, median (hours)"), TURNAROUND, ("approvals",), "hours"),
    Measure("turnaround_p90", N_("Review turnaround, 90th percentile (hours)"), TURNAROUND, ("approvals",), "hours"),
    Measure("turnaround_mean", N_("Review turnaround, mean (hours)"), TURNAROUND, ("approvals", "seconds"), "hours"),
    Measure("backlog", N_("Applications waiting"), BACKLOG, ("waiting",)),
    Measure("value", N_("Value of goods"), CERTIFICATE, ("value_cents",), "money"),
)}
CURRENCY = "currency"

PERIOD, DISTRICT = "period", "district"
DIMENSIONS: dict[str, str] = {  # code -> label message id
    DISTRICT: N_("Customs district"), "cert_type": N_("Certificate type"), "dest": N_("Destination"),
    "region": N_("Region"), "entry": N_("Entry method"), "signing": N_("Signing method"),
    "status": N_("Certificate status"), "currency": N_("Currency"), PERIOD: N_("Period"),
}
FILTERS = ("cert_type", "dest", "region", "entry", "signing", "status", "currency")  # and the district and the period
SOURCE_DIMENSIONS = {CERTIFICATE: frozenset(DIMENSIONS), TURNAROUND: frozenset({DISTRICT, PERIOD}),
                     BACKLOG: frozenset({DISTRICT, PERIOD})}
PERIOD_MEANING = {CERTIFICATE: N_("issue date"), TURNAROUND: N_("approval date"), BACKLOG: N_("submission date")}
GRAINS = ("day", "week", "month", "quarter", "year")
GRAIN_LABELS = {"day": N_("Day"), "week": N_("Week"), "month": N_("Month"), "quarter": N_("Quarter"),
                "year": N_("Year")}
CHARTS = ("auto", "bar", "stacked", "line", "heatmap", "treemap", "map")
COMPARES = ("", "previous", "year")
ORDERS = ("value", "change", "label")
MAX_ROWS, MAX_COLUMNS = 2, 1
REGIONS = (*CONTINENTS, *BLOCS)

_CODE = re.compile(r"[0-9A-Za-z_]{1,16}\Z")
_CHOICES: dict[str, tuple[str, ...]] = {
    "entry": ENTRY_METHODS, "signing": SIGNING_METHODS, "status": CERT_STATUSES, "region": REGIONS,
    "grain": GRAINS, "chart": CHARTS, "compare": COMPARES, "order": ORDERS,
}


@dataclass(frozen=True)
class View:
    """One explorer view; empty filters mean "any"."""

    measure: str = "certificates"
    rows: tuple[str, ...] = (DISTRICT,)
    columns: tuple[str, ...] = ()
    district: str = ""  # the district whose subtree is counted ("": the user's own, or all for administrators)
    level: int | None = None  # the depth in the tree the district dimension splits at (None: below `district`)
    cert_type: str = ""
    dest: str = ""
    region: str = ""  # a continent or a trade bloc (data/reference/regions.py)
    entry: str = ""
    signing: str = ""
    status: str = ""
    currency: str = ""  # of the goods' declared value (ISO 4217)
    date_from: date | None = None
    date_to: date | None = None
    grain: str = "month"
    chart: str = "auto"
    compare: str = ""  # "" | previous (the period before) | year (the same period a year before)
    order: str = "value"  # rows by value, by change against the comparison, or by label

    @property
    def of(self) -> Measure:
        return MEASURES[self.measure]

    @property
    def dimensions(self) -> tuple[str, ...]:
        return (*self.rows, *self.columns)

    def filters(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in FILTERS if getattr(self, name)}

    def params(self) -> dict[str, str]:
        """The URL parameters that give this view back through `read_view` (defaults left out)."""
        out: dict[str, str] = {}
        default = View()
        for f in fields(View):
            value = getattr(self, f.name)
            if value == getattr(default, f.name) and f.name not in ("rows",):
                continue
            if isinstance(value, tuple):
                out[f.name] = ",".join(value)
            elif isinstance(value, date):
                out[f.name] = value.isoformat()
            elif value is not None:
                out[f.name] = str(value)
        return out


def _text(value: Any) -> str | None:
    """Text as sent, stripped; None when it is not text (a list, a number, an object: forged)."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) else None


def _items(value: Any) -> list[str] | None:
    if isinstance(value, (list, tuple)):
        texts = [_text(v) for v in value]
        return None if any(t is None for t in texts) else [t for t in texts if t]
    text = _text(value)
    return None if text is None else [x.strip() for x in text.split(",") if x.strip()]


def read_view(values: Mapping[str, Any]) -> tuple[View, dict[str, str]]:
    """A view from untrusted values (URL parameters, a saved view, the panel's controls), and field -> reason
    for what was left out: format, unknown, bad_date, date_order, not_for_measure, too_many, repeated."""
    problems: dict[str, str] = {}
    found: dict[str, Any] = {}
    measure = _text(values.get("measure"))
    if measure:
        if measure in MEASURES:
            found["measure"] = measure
        else:
            problems["measure"] = "unknown"
    source = MEASURES[found.get("measure", View.measure)].source
    allowed = SOURCE_DIMENSIONS[source]
    used: set[str] = set()
    for name, limit in (("rows", MAX_ROWS), ("columns", MAX_COLUMNS)):
        if name not in values:
            continue
        items = _items(values.get(name))
        if items is None:
            problems[name] = "format"
            continue
        kept: list[str] = []
        for item in items:
            reason = ("unknown" if item not in DIMENSIONS else "not_for_measure" if item not in allowed
                      else "repeated" if item in used else "too_many" if len(kept) >= limit else None)
            if reason:
                problems.setdefault(name, reason)
                continue
            kept.append(item)
            used.add(item)
        found[name] = tuple(kept)
    if "rows" in found and not found["rows"]:
        found["rows"] = (DISTRICT,) if DISTRICT not in used else ()
    for name in ("district", *FILTERS):
        text = _text(values.get(name))
        if text is None or (text and not _CODE.match(text)):
            problems[name] = "format"
        elif text and name in _CHOICES and text not in _CHOICES[name]:
            problems[name] = "unknown"
        elif text and name != "district" and name not in allowed:
            problems[name] = "not_for_measure"
        elif text:
            found[name] = text.upper() if name in ("dest", "currency") else text
    level = _text(values.get("level"))
    if level:
        if level.isdigit() and int(level) < 10:
            found["level"] = int(level)
        else:
            problems["level"] = "format"
    elif level is None:
        problems["level"] = "format"
    for name in ("grain", "chart", "compare", "order"):
        text = _text(values.get(name))
        if text is None or (text and text not in _CHOICES[name]):
            problems[name] = "unknown" if text else "format"
        elif text:
            found[name] = text
    for name in ("date_from", "date_to"):
        text = _text(values.get(name))
        if text is None:
            problems[name] = "format"
        elif text:
            try:
                found[name] = date.fromisoformat(text[:10])
            except ValueError:
                problems[name] = "bad_date"
    _per_currency(found, problems)
    view = View(**found)
    if view.date_from and view.date_to and view.date_from > view.date_to:
        problems["date_to"] = "date_order"
        view = replace(view, date_to=None)
    return view, problems


def _per_currency(found: dict[str, Any], problems: dict[str, str]) -> None:
    """A value of goods is summed per currency: unless one currency is filtered, the currency becomes a
    dimension of the view (its column, else its second row; with both taken it replaces the column)."""
    if found.get("measure") != "value" or found.get(CURRENCY):
        return
    rows, columns = found.get("rows", View.rows), found.get("columns", ())
    if CURRENCY in rows or CURRENCY in columns:
        return
    if not columns:
        found["columns"] = (CURRENCY,)
    elif len(rows) < MAX_ROWS:
        found["rows"] = (*rows, CURRENCY)
    else:
        found["columns"] = (CURRENCY,)
        problems["columns"] = "per_currency"
