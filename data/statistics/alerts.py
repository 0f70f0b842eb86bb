"""What a manager's home page flags (预警): figures of their districts that crossed a threshold, each with the
explorer view that shows it, and which of them are new since the manager's last visit.

* **share**: a district's cloud-signing share over the last 30 days is below its target (at least
  20 certificates in the window: a share of a handful says little);
* **turnaround**: a district's median or 90th-percentile review turnaround over the last 30 days is above
  its target (at least 5 approvals);
* **backlog**: applications of a district (its subtree) waiting since before the review promise, in working
  days (system parameter `stats.review_promise_working_days`, 2 by default; Saturdays and Sundays are
  not working days);
* **drop**: certificates to a destination in the last 7 days fell to half or less of the weekly average of
  the 4 weeks before (at least 10 a week before).

Figures come from the rollups, per district or destination, not from the records. An alert's key stays
the same while its condition holds; the keys shown at the last visit are kept per user (`alert_seen`), so
an alert whose key was not among them crossed its threshold since, and one that cleared and came back
is new again."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data.core.rate_limit import parameter_int
from data.core.scope import Actor
from data.models import AlertSeen, DictEntry
from data.statistics.rollup import BACKLOG as BACKLOG_TABLE
from data.statistics.rollup import BUCKET_COLUMNS, DAY, MONTH, TURNAROUND, WAITING
from data.statistics.sums import RollupQuery, Tree, district_tree, histogram_percentile, period_spans, sum_certificates
from data.statistics.targets import effective_targets, misses

PROMISE_PARAMETER, DEFAULT_PROMISE_DAYS = "stats.review_promise_working_days", 2
WINDOW_DAYS, MIN_CERTIFICATES, MIN_APPROVALS = 30, 20, 5
DROP_WEEKS, DROP_SHARE, DROP_MIN_WEEKLY = 4, 0.5, 10


@dataclass(frozen=True)
class Alert:
    key: str  # share:0901 | turnaround_median:0901 | backlog:0901 | drop:JP
    kind: str  # share | turnaround | backlog | drop
    subject: str  # a district code, or a destination country
    value: float  # the share, hours, applications waiting, or certificates in the last 7 days
    threshold: float  # the target, the promise in working days, or the weekly average before
    view: dict[str, str] = field(default_factory=dict)  # the explorer view that shows it (its parameters)
    measure: str = ""
    new: bool = False
    name_zh: str = ""  # the district's or country's name
    name_en: str = ""


def working_days_before(day: date, n: int) -> date:
    """The day `n` working days (Monday to Friday) before `day`."""
    while n > 0:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _subtree_sums(tree: Tree, own: dict[str, list[float]], code: str, width: int) -> list[float]:
    total = [0.0] * width
    for c in tree.subtree(code):
        for k, v in enumerate(own.get(c, ())):
            total[k] += v
    return total


def _where_to_look(tree: Tree, code: str) -> dict[str, str]:
    """The explorer's district and level that show `code` among its siblings (itself alone at the top)."""
    parent = tree.districts[code].parent_code
    if parent in tree.districts:
        return {"district": parent, "level": str(tree.depth(code))}
    return {"district": code, "level": str(tree.depth(code))}


def _share_alerts(s: Session, tree: Tree, lo: date, today: date) -> list[Alert]:
    targets = effective_targets(s, tree, "cloud_share")
    if not targets:
        return []
    own = {code: [float(n or 0), float(c or 0)] for code, n, c in sum_certificates(
        s, tree, list(tree.districts), RollupQuery(issue=(lo, today), measures=("certificates", "cloud")))}
    found = []
    for code, target in targets.items():
        certificates, cloud = _subtree_sums(tree, own, code, 2)
        if certificates >= MIN_CERTIFICATES and misses("cloud_share", cloud / certificates, target):
            found.append(Alert(f"share:{code}", "share", code, cloud / certificates, target, {
                "measure": "cloud_share", "rows": "district", **_where_to_look(tree, code),
                "date_from": lo.isoformat(), "date_to": today.isoformat()}, "cloud_share"))
    return found


def _turnaround_alerts(s: Session, tree: Tree, lo: date, today: date) -> list[Alert]:
    wanted = {m: effective_targets(s, tree, m) for m in ("turnaround_median", "turnaround_p90")}
    if not any(wanted.values()):
        return []
    t = TURNAROUND.table.c
    spans = period_spans(lo, today, (DAY, MONTH))
    rows = s.execute(select(t.district_code, t.approvals, *(t[b] for b in BUCKET_COLUMNS)).where(
        tree.condition(t.district_code, list(tree.districts)),
        or_(*(and_(t.grain == grain, t.period >= a, t.period <= b) for grain, a, b in spans))))
    own: dict[str, list[float]] = {}
    for code, *values in rows:
        sums = own.setdefault(code, [0.0] * (1 + len(BUCKET_COLUMNS)))
        for k, v in enumerate(values):
            sums[k] += v or 0
    found = []
    for measure, targets in wanted.items():
        for code, target in targets.items():
            approvals, *hist = _subtree_sums(tree, own, code, 1 + len(BUCKET_COLUMNS))
            seconds = histogram_percentile([int(h) for h in hist], 0.5 if measure == "turnaround_median" else 0.9)
            if approvals >= MIN_APPROVALS and seconds is not None and misses(measure, seconds / 3600, target):
                found.append(Alert(f"{measure}:{code}", "turnaround", code, seconds / 3600, target, {
                    "measure": measure, "rows": "district", **_where_to_look(tree, code),
                    "date_from": lo.isoformat(), "date_to": today.isoformat()}, measure))
    return found


def _backlog_alerts(s: Session, tree: Tree, today: date, promise: int) -> list[Alert]:
    cutoff = working_days_before(today, promise)  # submitted before it: waiting longer than the promise
    b = BACKLOG_TABLE.table.c
    waiting = sum((b[status] for status in WAITING[1:]), b[WAITING[0]])
    own = {code: [float(n or 0)] for code, n in s.execute(
        select(b.district_code, func.sum(waiting)).where(tree.condition(b.district_code, list(tree.districts)),
                                                          b.submitted_on < cutoff).group_by(b.district_code))}
    root = tree.default_root()
    houses = tree.children.get(root, ()) or ((root,) if root else tree.children.get(None, ()))
    found = []
    for code in houses:
        late = _subtree_sums(tree, own, code, 1)[0]
        if late:
            found.append(Alert(f"backlog:{code}", "backlog", code, late, promise, {
                "measure": "backlog", "rows": "district", "district": code,
                "date_from": (cutoff - timedelta(days=365)).isoformat(),
                "date_to": (cutoff - timedelta(days=1)).isoformat()}, "backlog"))
    return found


def _drop_alerts(s: Session, tree: Tree, today: date) -> list[Alert]:
    codes = tree.subtree(tree.default_root())
    week_start = today - timedelta(days=6)
    before_start = week_start - timedelta(weeks=DROP_WEEKS)

    def by_destination(lo: date, hi: date) -> dict[str, int]:
        return {dest: int(n or 0) for dest, n in sum_certificates(s, tree, codes, RollupQuery(
            issue=(lo, hi), group=("dest_country",), per_district=False)) if dest}

    last, before = by_destination(week_start, today), by_destination(before_start, week_start - timedelta(days=1))
    found = []
    for dest, total in before.items():
        weekly = total / DROP_WEEKS
        now = last.get(dest, 0)
        if weekly >= DROP_MIN_WEEKLY and now <= DROP_SHARE * weekly:
            found.append(Alert(f"drop:{dest}", "drop", dest, now, weekly, {
                "measure": "certificates", "rows": "period", "grain": "week", "dest": dest,
                "date_from": (before_start - timedelta(weeks=4)).isoformat(), "date_to": today.isoformat()},
                "certificates"))
    return found


def current_alerts(s: Session, actor: Actor, today: date) -> list[Alert]:
    """Every alert that holds today in the actor's districts (AccessDenied without `stats.view`)."""
    tree = district_tree(s, actor)
    lo = today - timedelta(days=WINDOW_DAYS - 1)
    promise = parameter_int(s, PROMISE_PARAMETER, DEFAULT_PROMISE_DAYS, minimum=1, maximum=30)
    alerts = [*_share_alerts(s, tree, lo, today), *_turnaround_alerts(s, tree, lo, today),
              *_backlog_alerts(s, tree, today, promise), *_drop_alerts(s, tree, today)]
    countries = {a.subject for a in alerts if a.kind == "drop"}
    names = {code: (d.name_zh, d.name_en) for code, d in tree.districts.items()}
    if countries:
        names.update({code: (zh, en) for code, zh, en in s.execute(
            select(DictEntry.code, DictEntry.name_zh, DictEntry.name_en).where(
                DictEntry.dictionary == "country", DictEntry.code.in_(sorted(countries))))})
    return [replace(a, name_zh=names.get(a.subject, (a.subject, a.subject))[0],
                    name_en=names.get(a.subject, (a.subject, a.subject))[1]) for a in alerts]


def home_alerts(s: Session, actor: Actor, today: date, now: datetime | None = None) -> list[Alert]:
    """The alerts of the actor's home page, those new since their last visit first and marked; the visit is
    remembered (in the caller's transaction)."""
    alerts = current_alerts(s, actor, today)
    seen = set(s.scalars(select(AlertSeen.key).where(AlertSeen.user_id == actor.user_id)))
    keys = {a.key for a in alerts}
    if seen - keys:
        s.execute(delete(AlertSeen).where(AlertSeen.user_id == actor.user_id, AlertSeen.key.in_(sorted(seen - keys))))
    moment = now or datetime.now(timezone.utc)
    try:
        with s.begin_nested():  # the same user's other tab may record them at the same moment: either will do
            s.add_all([AlertSeen(user_id=actor.user_id, key=key, since=moment) for key in sorted(keys - seen)])
    except IntegrityError:
        pass
    marked = [replace(a, new=a.key not in seen) for a in alerts]
    return sorted(marked, key=lambda a: (not a.new, a.kind, a.subject))
