"""Per-district targets for statistics measures (统计目标): the lowest acceptable cloud-signing share, the longest
acceptable review turnaround (median, 90th percentile). Administrators set them; everyone who reads
statistics sees those of their own districts, as the explorer marks the districts that miss them.

A district without a target of its own takes the nearest one above it in the tree, so a target set on a
direct customs covers its subordinate houses until one of them is given its own."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from auth.permissions import Perm
from data.core.audit import record_change
from data.core.forms import Invalid
from data.core.scope import Actor, NotFound
from data.models import CustomsDistrict, DistrictTarget
from data.statistics.sums import Tree, district_tree

MANAGE = Perm.ADMIN_DISTRICTS
AT_LEAST, AT_MOST = "at_least", "at_most"
# measure -> (a district misses the target when its value is below (AT_LEAST) or above (AT_MOST) it, unit range)
TARGET_MEASURES: dict[str, tuple[str, float, float]] = {
    "cloud_share": (AT_LEAST, 0.0, 1.0),
    "turnaround_median": (AT_MOST, 0.0, 24.0 * 60),
    "turnaround_p90": (AT_MOST, 0.0, 24.0 * 60),
}


class TargetInvalid(Invalid):
    """A target cannot be set: district | measure | target -> unknown | empty | range."""


@dataclass(frozen=True)
class TargetRow:
    district_code: str
    measure: str
    target: float
    updated_at: datetime


def misses(measure: str, value: float | None, target: float | None) -> bool:
    """Whether `value` misses `target` (nothing to compare: it does not)."""
    if value is None or target is None or measure not in TARGET_MEASURES or math.isnan(value):
        return False
    return value < target if TARGET_MEASURES[measure][0] == AT_LEAST else value > target


def list_targets(s: Session, actor: Actor) -> list[TargetRow]:
    """The targets set on the districts the actor may read statistics of (administrators: all)."""
    tree = district_tree(s, actor)
    rows = s.scalars(select(DistrictTarget).where(tree.condition(DistrictTarget.district_code, list(tree.districts)))
                     .order_by(DistrictTarget.district_code, DistrictTarget.measure))
    return [TargetRow(r.district_code, r.measure, r.target, r.updated_at) for r in rows]


def effective_targets(s: Session, tree: Tree, measure: str) -> dict[str, float]:
    """Each visible district's target for `measure`: its own, else the nearest one above it."""
    if measure not in TARGET_MEASURES:
        return {}
    own = {code: target for code, target in s.execute(
        select(DistrictTarget.district_code, DistrictTarget.target).where(DistrictTarget.measure == measure))}
    parents = {code: parent for code, parent in s.execute(select(CustomsDistrict.code, CustomsDistrict.parent_code))}
    found: dict[str, float] = {}
    for code in tree.districts:
        current: str | None = code
        seen: set[str] = set()
        while current is not None and current not in seen:
            if current in own:
                found[code] = own[current]
                break
            seen.add(current)
            current = parents.get(current)
    return found


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().rstrip("%")) / (100 if value.strip().endswith("%") else 1)
        except ValueError:
            return None
    return None


def set_target(s: Session, actor: Actor, district: Any, measure: Any, target: Any,
               now: datetime | None = None) -> TargetRow:
    """Set (or change) a district's target; a share is a fraction (0.8) or a percentage ("80%"), a turnaround
    in hours. Refused with every problem named (TargetInvalid)."""
    actor.require(MANAGE)
    errors: dict[str, str] = {}
    code = district if isinstance(district, str) else ""
    if not code or s.get(CustomsDistrict, code) is None:
        errors["district"] = "unknown" if code else "empty"
    if not isinstance(measure, str) or measure not in TARGET_MEASURES:
        errors["measure"] = "unknown"
    value = _number(target)
    if value is None or math.isnan(value):
        errors["target"] = "empty" if target in (None, "") else "format"
    elif "measure" not in errors:
        _kind, low, high = TARGET_MEASURES[measure]
        if measure == "cloud_share" and 1 < value <= 100:
            value /= 100  # "80" means 80 %
        if not low <= value <= high:
            errors["target"] = "range"
    if errors:
        raise TargetInvalid(errors)
    assert value is not None and isinstance(measure, str)
    now = now or datetime.now(timezone.utc)
    row = s.get(DistrictTarget, (code, measure))
    before = None if row is None else {"target": row.target}
    if row is None:
        row = DistrictTarget(district_code=code, measure=measure, target=value, updated_by=actor.user_id,
                             updated_at=now)
        s.add(row)
    else:
        row.target, row.updated_by, row.updated_at = value, actor.user_id, now
    s.flush()
    record_change(s, actor, "admin.target.set", "district_target", f"{code}:{measure}", before, {"target": value},
                  message=f"{code} {measure}", district_code=code)
    return TargetRow(code, measure, value, now)


def delete_target(s: Session, actor: Actor, district: Any, measure: Any) -> None:
    """Remove a district's own target (it then takes the one above it, if any)."""
    actor.require(MANAGE)
    row = s.get(DistrictTarget, (district, measure)) if isinstance(district, str) and isinstance(measure, str) else None
    if row is None:
        raise NotFound(f"target {district!r} {measure!r}")
    before = {"target": row.target}
    s.delete(row)
    s.flush()
    record_change(s, actor, "admin.target.deleted", "district_target", f"{district}:{measure}", before, None,
                  message=f"{district} {measure}", district_code=district)


