"""Organisation structure (Liaoning manual 5.2.4): the customs-district tree 直属海关 → 隶属海关.

Districts are retired (active = False), not deleted, once anything refers to them: users,
enterprises, declarations, applications, certificates, events, statistics roll-ups. A retired
district is no longer offered for new records but keeps its name in history and statistics. A
district's code can change only while nothing refers to it (the code is the key every record
and roll-up stores); afterwards the way to a new code is a new district and retiring the old one.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from auth.permissions import Perm
from data.admin.rules import AdminInvalid, AdminRefused, depth_first
from data.core.audit import record_change
from data.core.forms import AnyText, Form, Required, limit, matching, text_of, validated, whole_number
from data.core.scope import AccessDenied, Actor, NotFound
from data.models import Base, CustomsDistrict, Notification, User
from data.statistics.rollup import CERTIFICATES, SUBTREES

PERMISSION = Perm.ADMIN_DISTRICTS
CODE_RE = re.compile(r"^[0-9]{4}$")
POSTCODE_RE = re.compile(r"^[0-9]{6}$")
# columns holding a district code without a foreign key (declaration places, events, roll-ups)
# rows that only sum other districts' (subtree groupings): (table, condition of the rows that do not)
SUBTREE_SUMS = (CERTIFICATES.table, CERTIFICATES.table.c.grouping.not_in([g.id for g in SUBTREES.values()]))
DISTRICT_COLUMNS = frozenset({"district_code", "issue_district_code", "port_authority_code",
                              "customs_declaration_district", "inspection_place_code"})
AUDITED = ("code", "parent_code", "name_zh", "name_en", "address", "postcode", "sort", "active")


@dataclass(frozen=True)
class DistrictNode:
    code: str
    parent_code: str | None
    name_zh: str
    name_en: str
    address: str | None
    postcode: str | None
    sort: int
    active: bool
    depth: int


class DistrictForm(Form):
    """The district form's rules; the checks against the store (a code or name taken, the parent) follow."""

    code: Annotated[Required, matching(CODE_RE, "district_code_format")] = ""
    parent_code: AnyText = ""  # empty: a 直属海关
    name_zh: Annotated[Required, limit(64)] = ""
    name_en: Annotated[Required, limit(128)] = ""
    address: Annotated[AnyText, limit(256)] = ""
    postcode: Annotated[AnyText, matching(POSTCODE_RE, "postcode_format")] = ""
    sort: Annotated[int, whole_number(9999, "sort_format")] = 0


def district_tree(s: Session, actor: Actor) -> list[DistrictNode]:
    """Return every district, retired ones included, depth first by sort order and code."""
    if not (actor.can(PERMISSION) or actor.can(Perm.ADMIN_USERS)):
        raise AccessDenied(PERMISSION)
    rows = list(s.scalars(select(CustomsDistrict).order_by(CustomsDistrict.sort, CustomsDistrict.code)))
    return [DistrictNode(d.code, d.parent_code, d.name_zh, d.name_en, d.address, d.postcode, d.sort or 0,
                         bool(d.active), depth) for d, depth in depth_first(rows)]


def _district(s: Session, code: str) -> CustomsDistrict:
    district = s.get(CustomsDistrict, code or "", with_for_update=True)
    if district is None:
        raise NotFound(f"district {code}")
    return district


def _snapshot(d: CustomsDistrict) -> dict:
    return {name: getattr(d, name) for name in AUDITED}


def district_references(s: Session, code: str) -> list[str]:
    """Return the names of the tables holding rows that refer to the district (sub-districts included).

    Found from the schema itself: every column with a foreign key to the district table or named as
    a district code, so a table added later (a statistics roll-up) is covered without a change here.
    """
    found: list[str] = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if table.name == CustomsDistrict.__tablename__ and column.name != "parent_code":
                continue
            linked = any(fk.column.table.name == CustomsDistrict.__tablename__ for fk in column.foreign_keys)
            if not (linked or column.name in DISTRICT_COLUMNS):
                continue
            query = select(column).where(column == code)
            if table.name == SUBTREE_SUMS[0].name:  # a root's subtree sums are its houses' rows, not its own
                query = query.where(SUBTREE_SUMS[1])
            if s.execute(query.limit(1)).first() is not None:
                found.append("sub_district" if table.name == CustomsDistrict.__tablename__ else table.name)
                break
    # notifications keep their audience as a JSON list of district codes: read them, there are few
    if any(code in (districts or []) for districts in s.scalars(select(Notification.districts))):
        found.append(Notification.__tablename__)
    return found


def _checked(s: Session, values: Mapping[str, Any], *, code: str | None) -> DistrictForm:
    """Return the cleaned district form or refuse it with every problem; `code` is the district being
    edited (None when adding one)."""
    form, errors = validated(DistrictForm, values)
    new_code = text_of(values, "code")
    if "code" not in errors and new_code != code and s.get(CustomsDistrict, new_code) is not None:
        errors["code"] = "district_code_taken"
    if "name_zh" not in errors and s.scalar(select(CustomsDistrict.code).where(
            CustomsDistrict.name_zh == text_of(values, "name_zh"), CustomsDistrict.code != (code or ""))):
        errors["name_zh"] = "district_name_taken"
    parent_code = text_of(values, "parent_code")
    if code is None and parent_code:
        parent = s.get(CustomsDistrict, parent_code)
        if parent is None:
            errors["parent_code"] = "unknown_district"
        elif not parent.active:
            errors["parent_code"] = "district_retired"
        elif parent.parent_code is not None:
            errors["parent_code"] = "district_parent_level"  # 直属海关 → 隶属海关: two levels
    if form is None or errors:
        raise AdminInvalid(errors)
    return form


def _apply(d: CustomsDistrict, form: DistrictForm) -> None:
    d.name_zh, d.name_en = form.name_zh, form.name_en
    d.address = form.address or None
    d.postcode = form.postcode or None
    d.sort = form.sort


def create_district(s: Session, actor: Actor, values: Mapping[str, Any]) -> CustomsDistrict:
    """Add a 直属海关 (no parent) or a 隶属海关 under an active 直属海关, from the form's values."""
    actor.require(PERMISSION)
    form = _checked(s, values, code=None)
    district = CustomsDistrict(code=form.code, parent_code=form.parent_code or None, active=True)
    _apply(district, form)
    s.add(district)
    s.flush()
    record_change(s, actor, "admin.district_created", "district", district.code, None, _snapshot(district),
                  message=district.name_zh)
    return district


def update_district(s: Session, actor: Actor, code: str, values: Mapping[str, Any]) -> CustomsDistrict:
    """Edit a district's names, address, postcode and order; its code only while nothing refers to it."""
    actor.require(PERMISSION)
    district = _district(s, code)
    form = _checked(s, values, code=code)
    before = _snapshot(district)
    new_code = form.code
    if new_code != code:
        used = district_references(s, code)
        if used:
            raise AdminRefused("district_code_in_use", tables=used)
        # nothing refers to the old code (checked just above), so the key itself can change; through the object,
        # so that the statistics rollups see which district changed (data/statistics/tracking.py)
        district.code = new_code
        s.flush()
    _apply(district, form)
    s.flush()
    record_change(s, actor, "admin.district_updated", "district", new_code, before, _snapshot(district),
                  message=district.name_zh)
    return district


def set_district_active(s: Session, actor: Actor, code: str, active: bool) -> CustomsDistrict:
    """Retire a district (kept for history, no longer offered) or bring it back."""
    actor.require(PERMISSION)
    district = _district(s, code)
    if district.active == active:
        return district
    if active:
        parent = s.get(CustomsDistrict, district.parent_code) if district.parent_code else None
        if parent is not None and not parent.active:
            raise AdminRefused("district_parent_retired", parent=parent.name_zh)
    else:
        children = s.scalar(select(func.count()).select_from(CustomsDistrict).where(
            CustomsDistrict.parent_code == code, CustomsDistrict.active.is_(True))) or 0
        if children:
            raise AdminRefused("district_has_active_children", n=children)
        users = s.scalar(select(func.count()).select_from(User).where(
            User.district_code == code, User.active.is_(True), User.deleted_at.is_(None))) or 0
        if users:
            raise AdminRefused("district_has_active_users", n=users)
    before = _snapshot(district)
    district.active = active
    s.flush()
    record_change(s, actor, "admin.district_reactivated" if active else "admin.district_retired", "district", code,
                  before, _snapshot(district), message=district.name_zh)
    return district


def delete_district(s: Session, actor: Actor, code: str) -> dict:
    """Delete a district nothing has ever referred to (else say what refers to it); return its last values."""
    actor.require(PERMISSION)
    district = _district(s, code)
    used = district_references(s, code)
    if used:
        raise AdminRefused("district_in_use", tables=used)
    before = _snapshot(district)
    s.delete(district)
    s.flush()
    record_change(s, actor, "admin.district_deleted", "district", code, before, None, message=before["name_zh"])
    return before
