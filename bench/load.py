"""Load and faults: certdash under gunicorn on PostgreSQL, driven by wrk on loopback, with an outage.

`python -m bench.load` starts a private PostgreSQL server, fills a database with the demo data
(`flask demo`), and runs, each under gunicorn with the project's settings (dashboard/gunicorn_conf.py,
--workers):

1. a bare Dash app (bench/bare_dash.py): wrk on `/_dash-layout` (the baseline);
2. certdash: wrk on `/_dash-layout` with the cookies of signed-in demo users of every role;
3. certdash, mixed: wrk rotating through real callbacks of those users (their menu's pages, list
   callbacks with a filter, an application opened, statistics) while one client saves
   notifications (writes) through the page's callback; PostgreSQL is stopped a third of the way in
   and started again --outage seconds later.

It prints requests per second and p50/p99 of each run, the mixed run's answers by status and wrk's
errors by kind, and the writes: acknowledged, refused while the store was away, and lost
(acknowledged but not in the store afterwards: must be 0). The last line is
`ratio=<bare Dash layout req/s / certdash signed-in layout req/s>` (lower is better).
wrk comes from the Debian package `wrk` (`make test` installs it).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from tests.support.dash_calls import callback_payload
from tests.support.pgserver import PgServer, start_postgres
from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[1]
PAGE_ROUTER = ".._pages_content.children..._pages_store.data.."
ADDED = ("已新增通知", "Notification added")  # what the page says when it saved one
AGENT = "certdash-bench/1"  # one browser: the sign-in and every request after it (flask-login checks it)


# --- the servers ----------------------------------------------------------------------------------

@dataclass
class Gunicorn:
    target: str
    env: dict[str, str]
    workers: int
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Gunicorn":
        env = {**self.env, "CERTDASH_BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": str(self.workers)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:dashboard.gunicorn_conf", self.target],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.log.open("ab"))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.target} exited: see {self.log}")
            try:
                if requests.get(f"{self.url}/_dash-layout", timeout=2).status_code == 200:
                    for _ in range(self.workers * 20):  # every worker past its first, slower requests
                        requests.get(f"{self.url}/_dash-layout", timeout=5)
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn {self.target} did not answer in 60 s")

    def __exit__(self, *_exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()


# --- wrk ----------------------------------------------------------------------------------------------

LUA = r"""
local requests = {}
counts = {}
local index = 0
local thread_no = 0

function setup(thread)
  thread_no = thread_no + 1
  thread:set("offset", thread_no * 7)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(REQUESTS_FILE) do
    local method, path, cookie, body = line:match("^(%S+)\t(%S+)\t(%S*)\t(.*)$")
    local headers = {["User-Agent"] = AGENT}
    if cookie ~= "-" then headers["Cookie"] = cookie end
    if method == "POST" then headers["Content-Type"] = "application/json" else body = nil end
    table.insert(requests, wrk.format(method, path, headers, body))
  end
  index = offset or 0
end

function request()
  index = index + 1
  return requests[(index % #requests) + 1]
end

COUNT_RESPONSES

function done(summary, latency, _requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts") or {}
    for status, n in pairs(c) do total[tostring(status)] = (total[tostring(status)] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(total) do table.insert(parts, string.format('"%s": %d', status, n)) end
  local e = summary.errors
  io.write(string.format('WRK {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p99_ms": %.2f, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}, "statuses": {%s}}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
    e.connect, e.read, e.write, e.timeout, e.status, table.concat(parts, ", ")))
end
"""
COUNTING = """
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end
"""


@dataclass
class Run:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: dict[str, int]
    statuses: dict[str, int]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        return (f"{self.name:<28} {self.rps:>9,.0f} req/s   p50 {self.p50_ms:6.2f} ms   p99 {self.p99_ms:7.2f} ms"
                f"   ({self.requests:,} requests)")


def wrk(name: str, url: str, lines: list[str], *, seconds: float, connections: int, threads: int,
        folder: Path, count_statuses: bool = False) -> Run:
    """Run wrk against `url`, rotating through `lines` (method, path, cookie, body; tab-separated)."""
    stem = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    requests_file = folder / f"{stem}.requests"
    requests_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    script = folder / f"{stem}.lua"
    script.write_text(f"threads = {{}}\nREQUESTS_FILE = {json.dumps(str(requests_file))}\nAGENT = {json.dumps(AGENT)}\n"
                      + LUA.replace("COUNT_RESPONSES", COUNTING if count_statuses else ""), encoding="utf-8")
    done = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "10s",
                           "-s", str(script), url], capture_output=True, text=True, timeout=seconds + 120)
    found = re.search(r"^WRK (\{.*\})$", done.stdout, re.M)
    if done.returncode != 0 or not found:
        raise RuntimeError(f"wrk failed: {done.stdout}\n{done.stderr}")
    data = json.loads(found.group(1))
    return Run(name, data["requests"], data["seconds"], data["p50_ms"], data["p99_ms"], data["errors"],
               data["statuses"])


# --- signed-in users and what they do ---------------------------------------------------------------

def csrf_of(client: requests.Session, base: str) -> str:
    body = {"output": PAGE_ROUTER, "outputs": [{"id": "_pages_content", "property": "children"},
                                               {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/login"},
                       {"id": "_pages_location", "property": "search", "value": ""}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}
    page = client.post(f"{base}/_dash-update-component", json=body, timeout=10).text
    found = re.search(r'"value":\s*"([^"]+)",\s*"type":\s*"hidden",\s*"name":\s*"csrf"', page)
    if not found:
        raise RuntimeError("no CSRF token on the sign-in page")
    return found.group(1)


def sign_in(base: str, account: str, password: str) -> requests.Session:
    client = requests.Session()
    client.headers["User-Agent"] = AGENT
    answer = client.post(f"{base}/auth/login", data={"account": account, "password": password,
                                                     "csrf": csrf_of(client, base), "next": "/"},
                         allow_redirects=False, timeout=10)
    if answer.status_code != 302 or "/login" in answer.headers.get("Location", ""):
        raise RuntimeError(f"{account} could not sign in")
    return client


def cookie_of(client: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in client.cookies)


def page_request(path: str, search: str = "") -> dict:
    return {"output": PAGE_ROUTER, "outputs": [{"id": "_pages_content", "property": "children"},
                                               {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}


def menu_paths(client: requests.Session, base: str) -> list[str]:
    layout = client.get(f"{base}/_dash-layout", timeout=10).json()
    hrefs = re.findall(r'"href":\s*"([^"]+)"', json.dumps(layout))
    return sorted({h for h in hrefs if h.startswith("/") and h not in ("/", "/account") and not h.startswith("/lang/")})


def list_callbacks(client: requests.Session, base: str) -> list[dict]:
    """The list and chart callbacks the user may call (the guard refuses the others), as their pages
    call them: the first page, a filter."""
    found = []
    for spec in client.get(f"{base}/_dash-dependencies", timeout=10).json():
        key = spec["output"]
        if spec.get("background") or "{" in key:
            continue
        inputs = spec["inputs"]
        pager = [i for i in inputs if i["property"] == "active_page"]
        chart = key.endswith(".figure") or ".figure@" in key
        if not pager and not chart:
            continue
        values: dict[str, object] = {}
        for item in (*inputs, *spec.get("state", [])):
            if item["property"] == "active_page":
                values[item["id"]] = 1
            elif item["id"].endswith("-search") and item["property"] == "value":
                values[item["id"]] = "2026"
        trigger = f"{inputs[0]['id']}.{inputs[0]['property']}"
        payload = callback_payload(key, spec, values, trigger=trigger)
        answer = client.post(f"{base}/_dash-update-component", json=payload, timeout=30)
        if answer.status_code == 200:
            found.append(payload)
    return found


def applications_of(database_url: str, account: str) -> list[int]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            user = conn.execute(text("SELECT enterprise_id, district_code FROM app_user WHERE account = :a"),
                                {"a": account}).one()
            if user.enterprise_id is not None:
                rows = conn.execute(text("SELECT id FROM certificate_application WHERE enterprise_id = :e "
                                         "ORDER BY id DESC LIMIT 3"), {"e": user.enterprise_id})
            elif user.district_code is not None:
                rows = conn.execute(text("SELECT id FROM certificate_application WHERE district_code = :d "
                                         "AND status <> 'draft' ORDER BY id DESC LIMIT 3"), {"d": user.district_code})
            else:
                return []
            return [r.id for r in rows]
    finally:
        engine.dispose()


def line_of(method: str, path: str, cookie: str, body: dict | None = None) -> str:
    return "\t".join((method, path, cookie or "-", json.dumps(body, ensure_ascii=False) if body else ""))


# --- writes while the store goes away -----------------------------------------------------------------

class Writer(threading.Thread):
    """Save notifications through the page's callback, one after another, as an administrator would;
    remember which the app said it saved."""

    def __init__(self, client: requests.Session, base: str, run_id: str):
        super().__init__(daemon=True)
        self.client, self.base, self.run_id = client, base, run_id
        self.acknowledged: list[str] = []
        self.refused: dict[str, int] = {}
        self.stop = threading.Event()
        spec = next(s for s in client.get(f"{base}/_dash-dependencies", timeout=10).json()
                    if any(i["id"] == "anote-save" for i in s["inputs"]))
        self.key, self.spec = spec["output"], spec
        self.names = ("title_zh", "title_en", "body_zh", "body_en", "published", "roles", "districts",
                      "starts_at", "ends_at")

    def payload(self, title: str) -> dict:
        values = {"title_zh": title, "title_en": title, "body_zh": "负载测试", "body_en": "load test",
                  "published": False, "roles": [], "districts": [], "starts_at": None, "ends_at": None}
        wildcards = {"anote-field": [({"type": "anote-field", "name": n}, values[n]) for n in self.names],
                     "anote-error": [({"type": "anote-error", "name": n}, None) for n in self.names]}
        return callback_payload(self.key, self.spec, {"anote-save": 1}, trigger="anote-save.n_clicks",
                                wildcards=wildcards)

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            title = f"load-{self.run_id}-{n}"
            try:
                answer = self.client.post(f"{self.base}/_dash-update-component", json=self.payload(title), timeout=15)
                status = str(answer.status_code)
                said = json.dumps(answer.json(), ensure_ascii=False) if answer.status_code == 200 else ""
                if any(words in said for words in ADDED):
                    self.acknowledged.append(title)
                else:
                    self.refused[status] = self.refused.get(status, 0) + 1
            except requests.RequestException as exc:
                kind = type(exc).__name__
                self.refused[kind] = self.refused.get(kind, 0) + 1
            time.sleep(0.05)


def stored_titles(database_url: str, run_id: str) -> list[str]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return list(conn.scalars(text("SELECT title_zh FROM notification WHERE title_zh LIKE :p"),
                                     {"p": f"load-{run_id}-%"}))
    finally:
        engine.dispose()


def outage(pg: PgServer, start_after: float, seconds: float, log: list[str]) -> threading.Thread:
    def run() -> None:
        time.sleep(start_after)
        log.append(f"PostgreSQL stopped at {start_after:.0f} s")
        pg.pause()
        time.sleep(seconds)
        pg.resume()
        log.append(f"PostgreSQL started again {seconds:.0f} s later")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


# --- the run --------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=20_000, help="demo certificates in the store")
    parser.add_argument("--seconds", type=float, default=10, help="length of each layout run")
    parser.add_argument("--mixed-seconds", type=float, default=30, help="length of the mixed run")
    parser.add_argument("--outage", type=float, default=5, help="seconds PostgreSQL is down in the mixed run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk (make test installs it)", file=sys.stderr)
        return 2

    folder = Path(tempfile.mkdtemp(prefix="certdash-load-"))
    pg = start_postgres()
    try:
        database_url = pg.create_database()
        env = {**os.environ, "DATABASE_URL": database_url, "CERTDASH_INSTANCE": str(folder / "instance"),
               "SECRET_KEY": "bench-load-" + folder.name, "PYTHONPATH": str(ROOT),
               "CERTDASH_PUBLIC_URL": "https://certdash.bench.invalid"}
        print(f"demo data: {args.certificates:,} certificates on PostgreSQL ...", flush=True)
        subprocess.run([sys.executable, "-m", "flask", "--app", "app:server", "demo", "--certificates",
                        str(args.certificates)], cwd=ROOT, env=env, check=True, capture_output=True)
        password = (folder / "instance" / "demo-password").read_text().strip()
        common = {"seconds": args.seconds, "connections": args.connections, "threads": args.threads, "folder": folder}

        with Gunicorn("bench.bare_dash:server", env, args.workers, folder / "bare.log") as bare:
            bare_run = wrk("bare Dash /_dash-layout", bare.url, [line_of("GET", "/_dash-layout", "")], **common)
        print(bare_run.line(), flush=True)

        with Gunicorn("app:server", env, args.workers, folder / "certdash.log") as app:
            from data.demo import DEMO_ACCOUNTS

            clients = {}
            for account in (a.account for a in DEMO_ACCOUNTS if a.role != "overseas"):
                try:
                    clients[account] = sign_in(app.url, account, password)
                except RuntimeError:  # the cast has accounts waiting for approval or locked on purpose
                    continue
            cookies = [cookie_of(c) for c in clients.values()]
            signed_run = wrk("certdash signed-in layout", app.url,
                             [line_of("GET", "/_dash-layout", c) for c in cookies], **common)
            print(signed_run.line(), flush=True)

            lines = []
            for account, client in clients.items():
                cookie = cookie_of(client)
                paths = menu_paths(client, app.url)
                lines += [line_of("POST", "/_dash-update-component", cookie, page_request(p)) for p in paths]
                lines += [line_of("POST", "/_dash-update-component", cookie, payload)
                          for payload in list_callbacks(client, app.url)]
                lines += [line_of("POST", "/_dash-update-component", cookie, page_request("/applications/view",
                                                                                             f"?id={i}"))
                          for i in applications_of(database_url, account)]
            print(f"mixed run: {len(lines)} distinct requests of {len(clients)} users, "
                  f"{args.mixed_seconds:g} s, PostgreSQL down for {args.outage:g} s", flush=True)
            run_id = folder.name.rsplit("-", 1)[-1]
            admin = next(a.account for a in DEMO_ACCOUNTS if a.role == "admin" and a.account in clients)
            writer = Writer(clients[admin], app.url, run_id)
            events: list[str] = []
            writer.start()
            fault = outage(pg, args.mixed_seconds / 3, args.outage, events)
            mixed = wrk("certdash mixed, with outage", app.url, lines, **{**common, "seconds": args.mixed_seconds},
                        count_statuses=True)
            fault.join()
            writer.stop.set()
            writer.join(30)
            back = time.monotonic()
            while requests.get(f"{app.url}/readyz", timeout=5).status_code != 200:
                if time.monotonic() - back > 30:
                    raise RuntimeError("the app did not recover within 30 s of PostgreSQL's return")
                time.sleep(0.1)
            recovered = clients[admin].get(f"{app.url}/_dash-layout", timeout=5).status_code == 200
        stored = stored_titles(database_url, run_id)
        lost = sorted(set(writer.acknowledged) - set(stored))
        doubled = len(stored) - len(set(stored))

        print(mixed.line())
        for event in events:
            print(f"  {event}")
        print(f"  after the run: ready, and a signed-in page answers {'200' if recovered else 'an error'} "
              "(no restart)")
        print("  answers by status: " + ", ".join(f"{k}: {v:,}" for k, v in sorted(mixed.statuses.items())))
        print("  wrk errors: " + ", ".join(f"{k}: {v}" for k, v in mixed.errors.items()))
        print(f"  writes: {len(writer.acknowledged)} acknowledged, "
              f"{sum(writer.refused.values())} refused ({', '.join(f'{k}: {v}' for k, v in writer.refused.items())})"
              f", lost {len(lost)}, stored twice {doubled}")
        server_errors = {k: v for k, v in mixed.statuses.items() if k.startswith("5") and k != "503"}
        if lost or doubled or server_errors or not recovered:
            print(f"FAILED: lost {lost[:5]}, doubled {doubled}, 5xx other than 503: {server_errors}")
        print(f"ratio={bare_run.rps / signed_run.rps:.2f}")
        return 1 if lost or doubled or server_errors or not recovered else 0
    finally:
        pg.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
