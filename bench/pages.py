"""Page timing: every page of the page tour, opened in headless Chromium against a store of N certificates.

    python -m bench.pages [--certificates 1000000] [--store FILE | --database-url URL] [--repeat 7]

The store is filled once by the demo generator (a SQLite file to keep with --store; a PostgreSQL database with
--database-url) and gets one received foreign certificate, so that every page has a record to show. The app
runs in this process on a threaded werkzeug server, as under `make run`.

For each role of the tour (tests/support/tour.py: the demo accounts of every role, and anonymous) one
browser signs in once; each page it may open is then opened `--repeat` times the way the menu opens it
(Dash's client-side routing) and timed from the navigation to the last callback settled (no request pending
or running, twice 100 ms apart). The baseline is a bare page of the same shell, measured the same way in
the same run, between the pages: the not-found page (the shell around one short message, no callback and
no store query of its own).

Prints each page's p95 (ms) and, as its last line, `ratio=<x>`: the slowest page's p95 over the bare
page's p95. Target: every page within 1 s p95 on this machine.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.fernet import Fernet
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from sqlalchemy import func, select
from werkzeug.serving import make_server

from bench.applications import prepare_store
from bench.stats import p95
from dashboard.core.config import Settings
from dashboard.web.factory import create_app
from data.core.db import make_session_factory, transaction
from data.exchange.inbound import receive_sps
from data.models import InboundCertificate
from tests.support.certificate_samples import foreign
from tests.support.ports import free_port
from tests.support.tour import SCREEN, Stop, Tour, tour_stops
from tests.support.world import actor

PASSWORD = "bench-only-1"  # bench.applications.prepare_store's demo accounts
ACCOUNTS = ("sysadmin", "manager0900", "officer0901", "ent1_admin", "ent1_oper", "overseas_ru", None)
BARE = Stop("bare", "/bench-bare-page")  # not registered: the shell around the not-found message


@dataclass
class Browser:
    """What Tour needs of dash_duo: the driver, the server's address, the browser's log."""

    driver: webdriver.Chrome
    server_url: str

    def get_logs(self) -> list:
        return []


@dataclass
class Timings:
    pages: dict[str, list[float]] = field(default_factory=dict)

    def add(self, name: str, seconds: float) -> None:
        self.pages.setdefault(name, []).append(seconds)


def chromium() -> webdriver.Chrome:
    options = Options()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"):
        options.add_argument(flag)
    if shutil.which("chromium"):
        options.binary_location = shutil.which("chromium")
    return webdriver.Chrome(options=options)


def timed_visit(tour: Tour, stop: Stop) -> float:
    """Open `stop` as a menu link does and return the seconds until Dash settled."""
    done = tour.completed()
    started = time.perf_counter()
    tour.driver.execute_script("window.history.pushState({}, '', arguments[0]);"
                               "window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));", stop.url)
    tour.settle(after=done)
    return time.perf_counter() - started


def tour_role(server_url: str, sessions, account: str | None, repeat: int, timings: Timings) -> list[str]:
    with sessions() as s:
        stops, missing = tour_stops(s, actor(s, account) if account else None)
    driver = chromium()
    try:
        tour = Tour(Browser(driver, server_url), [], account or "anonymous")
        tour.window(*SCREEN)
        driver.get(server_url + "/login")
        tour.settle()
        if account:
            driver.find_element("id", "login-account").send_keys(account)
            driver.find_element("id", "login-password").send_keys(PASSWORD)
            driver.find_element("id", "login-submit").click()
            deadline = time.monotonic() + 30
            while not driver.find_elements("id", "shell-menu") and time.monotonic() < deadline:
                time.sleep(0.1)
        tour.settle()
        timed_visit(tour, BARE)  # away from the page the browser is on: a link to the same address does nothing
        for stop in stops:
            timed_visit(tour, stop)  # warm: the page's component bundles loaded once, as after a first visit
        for _ in range(repeat):
            for stop in stops:
                timings.add(f"{tour.name} {stop.key}", timed_visit(tour, stop))
                timings.add(BARE.key, timed_visit(tour, BARE))
        return [f"{tour.name}: {problem}" for problem in tour.problems] + [f"{tour.name}: no record for {m}"
                                                                          for m in missing]
    finally:
        driver.quit()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=1_000_000)
    parser.add_argument("--store", help="SQLite file to fill once and use again")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (or one this bench filled)")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        url = args.database_url or f"sqlite:///{Path(args.store).resolve() if args.store else Path(tmp) / 'pages.sqlite3'}"
        engine = prepare_store(url, round(args.certificates * 1.13))
        sessions = make_session_factory(engine)
        with transaction(sessions) as s:
            if not s.scalar(select(func.count()).select_from(InboundCertificate)):
                receive_sps(s, foreign("KR2026-900001"), source="hub")
        engine.dispose()
        app = create_app(Settings(database_url=url, secret_key="bench-pages", instance_path=Path(tmp) / "instance",
                                  data_key=Fernet.generate_key().decode()))
        server = make_server("127.0.0.1", free_port(), app.server, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        server_url = f"http://127.0.0.1:{server.server_port}"
        timings = Timings()
        problems: list[str] = []
        try:
            for account in ACCOUNTS:
                problems += tour_role(server_url, app.server.extensions["certdash"].sessions, account, args.repeat,
                                      timings)
        finally:
            server.shutdown()
    bare_values = timings.pages.pop(BARE.key)
    bare = p95(bare_values)
    figures = sorted(((p95(values), name) for name, values in timings.pages.items()), reverse=True)
    print(f"{len(figures)} pages of {len(ACCOUNTS)} roles, {args.repeat} visits each; p95 from navigation to the "
          "last callback settled:")
    for seconds, name in figures:
        print(f"  {seconds * 1000:7.0f} ms  {name}{'   > 1 s' if seconds > 1 else ''}")
    print(f"  {bare * 1000:7.0f} ms  bare page of the same shell (baseline; median "
          f"{statistics.median(bare_values) * 1000:.0f} ms)")
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    print(f"slowest: {figures[0][1]} {figures[0][0] * 1000:.0f} ms; pages over 1 s: "
          f"{sum(1 for seconds, _ in figures if seconds > 1)}")
    print(f"ratio={figures[0][0] / bare:.2f}")


if __name__ == "__main__":
    main()
