"""The page tour: every page of the registry, for every role that may open it, in Chinese and English.

`tour_stops` lists the pages a role may open (from the registry and the access rules themselves, so a
new page joins the tour by being registered), each with the address that shows it with content: a
detail page gets a record of the role's own scope from the store. `Tour.visit` opens one page in the
running browser and collects, instead of failing at once, what a reviewer should see:

- a browser console error, or an HTTP 5xx answered while the page loaded and settled;
- in Chinese, a widget's English text (`WIDGET_ENGLISH`);
- serious and critical accessibility violations found by axe-core (tests/support/axe.py): every rule in the
  Chinese pass, the rules about the page's language in the English one;
- a screenshot of each page, kept under test-artifacts/page-tour/ for review.
"""
from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from auth.guard import PUBLIC, allowed
from dashboard.web.pages import page_specs
from data.core.scope import Actor, row_scope
from data.exchange.inbound_views import inbound_scope
from data.models import Certificate, CertificateApplication, CertStatus, Declaration, InboundCertificate
from tests.support import axe

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "page-tour"
SETTLE_TIMEOUT = 20.0

# what a widget says when nobody translated it (Dash's dropdowns and date pickers, AG Grid's pager, Dash's
# loading and upload defaults); none may appear on a Chinese page
WIDGET_ENGLISH = {
    "dropdown search": re.compile(r"\bSearch\.\.\."),
    "dropdown empty": re.compile(r"\bNo options found\b|\bNo results found\b"),
    "dropdown count": re.compile(r"\b\d+ selected\b"),
    "dropdown placeholder": re.compile(r"\bSelect\.\.\."),
    "select all": re.compile(r"\b(?:Select|Deselect) all\b"),
    "date placeholder": re.compile(r"\b(?:Start|End|Select) Date\b"),
    "month name": re.compile(r"\b(?:January|February|March|April|June|July|August|September|October|November|"
                             r"December)\b"),
    "weekday": re.compile(r"\bSu\s+Mo\s+Tu\b|\bMon\s+Tue\s+Wed\b"),
    "grid pager": re.compile(r"\b\d+ to \d+ of\b|\bPage \d+ of\b|\bof more\b"),
    "grid empty": re.compile(r"\bNo Rows To Show\b|\bLoading\.\.\."),
    "upload": re.compile(r"\bDrag and Drop\b|\bSelect Files\b"),
}
SERIOUS = ("serious", "critical")
LANGUAGE_RULES = ("html-has-lang", "html-lang-valid", "valid-lang")  # axe rules about the page's language
LIST_ROWS = 15  # a list shows at least this many rows on a 1366 x 768 screen (issue 16)
SCREEN = (1280, 660)  # the page of a maximised browser on a 1280 x 768 screen (its bars take the rest)


@dataclass(frozen=True)
class Stop:
    key: str  # the page's registry key
    url: str  # path and query


def _first(s, statement) -> object | None:
    return s.scalar(statement.limit(1))


def detail_queries(s, actor: Actor | None) -> dict[str, str | None]:
    """The query that opens each detail page on a record of the actor's scope (None: the scope has none)."""
    if actor is None:
        number = _first(s, select(Certificate.certificate_no).where(Certificate.status == CertStatus.VALID.value)
                        .order_by(Certificate.id))
        return {"verify": f"/verify/{number}" if number else None}
    application = _first(s, select(CertificateApplication.id).where(row_scope(actor, CertificateApplication))
                         .order_by(CertificateApplication.id.desc()))
    editable = _first(s, select(CertificateApplication.id).where(
        row_scope(actor, CertificateApplication), CertificateApplication.status.in_(("draft", "returned")))
        .order_by(CertificateApplication.id.desc()))
    certificate = _first(s, select(Certificate.certificate_no).where(
        row_scope(actor, Certificate), Certificate.status == CertStatus.VALID.value).order_by(Certificate.id.desc()))
    declaration = _first(s, select(Declaration.id).where(row_scope(actor, Declaration))
                         .order_by(Declaration.id.desc()))
    inbound = _first(s, select(InboundCertificate.id).where(inbound_scope(actor)).order_by(InboundCertificate.id))
    public = _first(s, select(Certificate.certificate_no).where(Certificate.status == CertStatus.VALID.value)
                    .order_by(Certificate.id))
    return {
        "application": f"/applications/view?id={application}" if application else None,
        "application_edit": f"/applications/edit?id={editable}" if editable else None,
        "certificate": f"/certificates/view?no={certificate}" if certificate else None,
        "declaration_form": f"/declarations/edit?id={declaration}" if declaration else "/declarations/edit",
        "inbound_view": f"/inbound/view?id={inbound}" if inbound else None,
        "verify": f"/verify/{public}" if public else None,
    }


def tour_stops(s, actor: Actor | None) -> tuple[list[Stop], list[str]]:
    """The pages `actor` (None: anonymous) may open, in menu order; and those it may open that the store
    gives no record to show (reported by the tour, which fails on them: nothing is left out silently)."""
    queries = detail_queries(s, actor)
    stops, missing = [], []
    for spec in page_specs():
        if actor is None:
            if spec.permission != PUBLIC:
                continue
        elif spec.anonymous_only or not allowed(actor, spec.permission):
            continue
        if spec.key in queries:
            url = queries[spec.key]
            if url is None:
                missing.append(spec.key)
                continue
        else:
            url = spec.path
        stops.append(Stop(spec.key, url))
    return stops, missing


@dataclass
class Tour:
    """One browser, signed in once, visiting pages in sequence; problems are collected, not raised."""

    dash_duo: object
    server_errors: list[tuple[str, int]]  # (path, status) of every 5xx the app answered
    name: str  # the role's account, or "anonymous"
    problems: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def driver(self):
        return self.dash_duo.driver

    def language(self, lang: str) -> None:
        """Switch the UI language as a user does (the account's language, or the cookie when anonymous)."""
        self.driver.get(f"{self.dash_duo.server_url}/lang/{lang}?next=/")
        self.settle()
        self.dash_duo.get_logs()  # what the switch itself logged is not a page's

    def completed(self) -> int:
        """How many callbacks Dash has completed on this page so far."""
        return self.driver.execute_script(
            "return window.store ? (window.store.getState().callbacks.completed || 0) : 0;")

    def settle(self, after: int = -1) -> None:
        """Wait until Dash has rendered the page, completed more than `after` callbacks, no callback is pending or
        running, and the grids' columns keep their widths (twice in a row, 100 ms apart): AG Grid fits its columns
        to the page over a few frames after its rows are drawn, and a column a pixel too wide for those frames
        makes the grid a scrolled region that axe-core would report."""
        deadline = time.monotonic() + SETTLE_TIMEOUT
        quiet = 0
        shape = None
        while time.monotonic() < deadline:
            state, now = self.driver.execute_script(
                "if (!window.store) { return ['loading', '']; }"
                "if ((window.store.getState().callbacks.completed || 0) <= arguments[0]) { return ['busy', '']; }"
                "var cb = Object.assign({}, window.store.getState().callbacks); delete cb.stored; delete cb.completed;"
                "var pending = Object.values(cb).reduce(function (n, list) { return n + list.length; }, 0);"
                "var content = document.getElementById('_pages_content') || document.getElementById('react-entry-point');"
                "var busy = document.querySelector('[data-dash-is-loading=\"true\"]');"
                "var shape = Array.prototype.map.call(document.querySelectorAll('.ag-center-cols-viewport'),"
                " function (v) { return v.scrollWidth + '/' + v.clientWidth; }).join(' ');"
                "return [(pending || busy || !content || !content.children.length) ? 'busy' : 'quiet', shape];", after)
            quiet = quiet + 1 if state == "quiet" and now == shape else 0
            shape = now
            if quiet >= 2:
                return
            time.sleep(0.1)
        self.problems.append(f"{self.name}: {self.driver.current_url} did not settle in {SETTLE_TIMEOUT:.0f} s")

    def visit(self, stop: Stop, lang: str, navigate: Callable[[Tour, Stop], None] | None = None) -> None:
        """Open the page (in full, or by `navigate` within the loaded app) and check it as it settled."""
        where = f"{self.name} {lang} {stop.key} ({stop.url})"
        errors_before = len(self.server_errors)
        started = time.monotonic()
        if navigate is None:
            self.driver.get(self.dash_duo.server_url + stop.url)
            self.settle()
        else:
            done = self.completed()
            navigate(self, stop)
            self.settle(after=done)
        self.timings[f"{lang} {stop.key}"] = time.monotonic() - started
        for entry in self.dash_duo.get_logs() or []:
            self.problems.append(f"{where}: console {entry.get('level')}: {entry.get('message', '')[:300]}")
        for path, status in self.server_errors[errors_before:]:
            self.problems.append(f"{where}: HTTP {status} for {path}")
        self.check_layout(where)
        if lang == "zh":
            text = self.driver.execute_script(
                "var parts = [document.body.innerText];"
                "document.querySelectorAll('[placeholder]').forEach(function (e) { parts.push(e.placeholder); });"
                "return parts.join('\\n');")
            for name, pattern in WIDGET_ENGLISH.items():
                found = pattern.search(text)
                if found:
                    self.problems.append(f"{where}: English widget text ({name}): {found.group(0)!r}")
        # every rule once per page (in the zh pass, the UI's first language: structure, names and contrast do not
        # change with the language); in the other languages the rules about the page's language only
        for violation in self.accessibility(None if lang == "zh" else LANGUAGE_RULES):
            self.problems.append(f"{where}: axe {violation}")
        self.screenshot(f"{lang}-{stop.key}")

    def window(self, width: int, viewport_height: int) -> None:
        """Size the window so that the page (the viewport) is `width` wide and `viewport_height` high."""
        self.driver.set_window_size(width, viewport_height + 200)
        chrome = self.driver.execute_script("return window.outerHeight - window.innerHeight")
        self.driver.set_window_size(width, viewport_height + chrome)

    def check_layout(self, where: str) -> None:
        """The navbar on one line; a list shows at least LIST_ROWS rows (or all it has) in the first screen."""
        found = self.driver.execute_script(
            "var bar = document.getElementById('shell-navbar'); var lines = 0;"
            "if (bar) { var tops = {}; bar.querySelectorAll('.navbar-brand, #shell-menu > .nav-item, #shell-user,"
            " #shell-language, #shell-logout').forEach(function (e) {"
            " var r = e.getBoundingClientRect(); tops[Math.round((r.top + r.bottom) / 2 / 12)] = 1;"
            " if (r.right > document.documentElement.clientWidth + 1) { tops.outside = 1; } });"
            " lines = Object.keys(tops).length; }"
            "var grid = document.querySelector('.certdash-grid'); var rows = 0, shown = 0;"
            "if (grid) { grid.querySelectorAll('.ag-center-cols-container .ag-row').forEach(function (r) {"
            " rows += 1; if (r.getBoundingClientRect().bottom <= window.innerHeight) { shown += 1; } }); }"
            "return [lines, rows, shown];")
        lines, rows, shown = found
        if lines > 1:
            width = self.driver.execute_script("return window.innerWidth")
            self.problems.append(f"{where}: the navbar does not fit one line at {width} px")
        if shown < min(rows, LIST_ROWS):
            self.problems.append(f"{where}: the list shows {shown} of its {rows} rows in the first screen")

    def accessibility(self, rules: tuple[str, ...] | None = None) -> list[str]:
        """axe-core's serious and critical violations on the page as it stands, one line each (only `rules`, when
        named)."""
        if not self.driver.execute_script("return !!window.axe"):
            self.driver.execute_script(axe.source())
        options = {"resultTypes": ["violations"], **({"runOnly": {"type": "rule", "values": list(rules)}} if rules
                                                      else {})}
        result = self.driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            f"window.axe.run(document, {json.dumps(options)})"
            ".then(function (r) { done(JSON.stringify(r.violations)); })"
            ".catch(function (e) { done(JSON.stringify([{id: 'axe-error', impact: 'critical', help: String(e),"
            " nodes: []}])); });")
        found = []
        for v in json.loads(result):
            if v.get("impact") in SERIOUS:
                nodes = v.get("nodes", [])
                targets = ", ".join(str(n.get("target")) for n in nodes[:3]) + (f" +{len(nodes) - 3}" if len(nodes) > 3 else "")
                first = nodes[0] if nodes else {}
                found.append(f"{v['impact']} {v['id']}: {v.get('help', '')} [{targets}] first: {first.get('html', '')[:160]!r}"
                             f" ({(first.get('failureSummary') or '').splitlines()[-1:]})")
        return found

    def report(self) -> Path:
        """Write the tour's problems and page timings beside its screenshots; return the file."""
        folder = ARTIFACTS / self.name
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "report.txt"
        lines = [*self.problems, "", *(f"{seconds:6.2f} s  {page}" for page, seconds in self.timings.items())]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def screenshot(self, name: str) -> None:
        folder = ARTIFACTS / self.name
        folder.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(folder / f"{name}.png"))
