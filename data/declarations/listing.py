"""The declaration (报检单) list with the Jiucheng 3.4.2 filters, scoped to the actor, paged without counting."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Integer, bindparam, exists, func, literal_column, select
from sqlalchemy.orm import Session

from auth.permissions import Perm
from data.core.labels import both_names
from data.core.like import SLASH as LIKE_ESCAPE
from data.core.like import contains_pattern, like_literal
from data.core.paging import Window, clamp_paging
from data.core.prepared import Statements, one_of, parameter_names, scope_condition, scope_parameters
from data.core.scope import AccessDenied, Actor
from data.models import Container, Declaration, DeclStatus, GoodsLine

MAX_PAGE_SIZE = 100
STATUSES = frozenset(s.value for s in DeclStatus)


@dataclass(frozen=True)
class DeclarationFilter:
    direction: str = "exit"
    statuses: tuple[str, ...] = ()
    inspection_no: str = ""
    goods_name: str = ""
    consignee: str = ""
    contract_no: str = ""
    bl_no: str = ""
    destination: str = ""
    container_no: str = ""
    date_from: date | None = None
    date_to: date | None = None


class DeclarationRow(NamedTuple):  # a tuple: pages build 25-100 of them per view
    id: int
    entry_no: str | None
    inspection_no: str | None
    status: str
    consignee: str
    contract_no: str | None
    bl_no: str | None
    dest_country: str | None
    inspection_date: date | None
    created_at: datetime


def list_declarations(s: Session, actor: Actor, f: DeclarationFilter, page: int = 0,
                      page_size: int = 25) -> Window[DeclarationRow]:
    """Return one page of the declarations the actor may see, newest first."""
    if not (actor.can(Perm.DECLARATION_EDIT) or actor.can(Perm.APPLICATION_REVIEW)):
        raise AccessDenied(Perm.DECLARATION_EDIT)
    page, page_size = clamp_paging(page, page_size, MAX_PAGE_SIZE)
    scope, params = scope_parameters(actor)
    if scope[0] == "none":
        return Window([], page, page_size, False)
    params.update(direction="entry" if f.direction == "entry" else "exit", offset=page * page_size)
    statuses = sorted({st for st in f.statuses if st in STATUSES})
    params.update(zip(parameter_names("status", len(statuses)), statuses))

    def text(value: str, limit: int = 64) -> str:
        return value.strip()[:limit]

    if text(f.inspection_no, 15):  # a range, not LIKE: the unique index on inspection_no serves it
        prefix = text(f.inspection_no, 15)
        params["prefix_lo"], params["prefix_hi"] = prefix, prefix + "\uffff"
    for name, value in (("contract_no", f.contract_no), ("bl_no", f.bl_no)):
        if text(value):
            params[name] = like_literal(text(value), LIKE_ESCAPE) + "%"
    for name, value in (("consignee", f.consignee), ("goods_name", f.goods_name)):
        if text(value):
            params[name] = contains_pattern(text(value), LIKE_ESCAPE)
    if text(f.destination):
        params["destination"] = text(f.destination, 2).upper()
    if text(f.container_no):
        params["container_no"] = text(f.container_no, 11).upper()
    if f.date_from:
        params["date_from"] = f.date_from
    if f.date_to:
        params["date_to"] = f.date_to
    shape = (*scope, len(statuses), tuple(n for n in OPTIONAL_FILTERS if n in params), page_size + 1)
    rows = _PAGES.rows(s, shape, params)
    return Window([DeclarationRow(r[0], r[1], r[2], r[3], both_names(r[4], r[5]), *r[6:])
                   for r in rows[:page_size]], page, page_size, len(rows) > page_size)


OPTIONAL_FILTERS = ("prefix_lo", "contract_no", "bl_no", "consignee", "destination", "goods_name", "container_no",
                    "date_from", "date_to")


def _page_statement(kind: str, scopes: int, statuses: int, filters: tuple[str, ...], limit: int):
    """Write the page query of one combination of filters, every value a parameter (prepared once)."""
    D = Declaration

    def value(name: str, column):
        return bindparam(name, type_=column.type)

    conditions = [scope_condition(D, kind, scopes), D.direction == value("direction", D.direction)]
    if statuses:
        conditions.append(one_of(D.status, "status", statuses))
    if "prefix_lo" in filters:
        conditions += [D.inspection_no >= value("prefix_lo", D.inspection_no),
                       D.inspection_no < value("prefix_hi", D.inspection_no)]
    for name, column in (("contract_no", D.contract_no), ("bl_no", D.bl_no)):
        if name in filters:
            conditions.append(column.like(value(name, column), escape=LIKE_ESCAPE))
    if "consignee" in filters:  # the Chinese name as typed, the foreign name in any case
        pattern = value("consignee", D.consignee_zh)
        conditions.append(D.consignee_zh.like(pattern, escape=LIKE_ESCAPE)
                          | func.lower(D.consignee_en).like(func.lower(pattern), escape=LIKE_ESCAPE))
    if "destination" in filters:
        conditions.append(D.dest_country == value("destination", D.dest_country))
    if "goods_name" in filters:
        pattern = value("goods_name", GoodsLine.name_zh)
        conditions.append(exists().where(GoodsLine.declaration_id == D.id,
                                         GoodsLine.name_zh.like(pattern, escape=LIKE_ESCAPE)
                                         | func.lower(GoodsLine.name_en).like(func.lower(pattern),
                                                                              escape=LIKE_ESCAPE)))
    if "container_no" in filters:  # driven by the container number's index, not by a scan of the scope
        conditions.append(D.id.in_(select(Container.declaration_id)
                                   .where(Container.number == value("container_no", Container.number))))
    if "date_from" in filters:
        conditions.append(D.inspection_date >= value("date_from", D.inspection_date))
    if "date_to" in filters:
        conditions.append(D.inspection_date <= value("date_to", D.inspection_date))
    return (
        select(D.id, D.entry_no, D.inspection_no, D.status, D.consignee_zh, D.consignee_en, D.contract_no, D.bl_no,
               D.dest_country, D.inspection_date, D.created_at)
        .where(*conditions).order_by(D.created_at.desc(), D.id.desc())
        .limit(literal_column(str(int(limit)))).offset(bindparam("offset", type_=Integer()))
    )


_PAGES = Statements(_page_statement)
