"""The declaration (报检单) list with the Jiucheng 3.4.2 filters, scoped to the actor, paged without counting."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from data.models import Container, Declaration, DeclStatus, GoodsLine
from data.paging import Window, clamp_paging
from data.scope import AccessDenied, Actor, row_scope

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


@dataclass(frozen=True)
class DeclarationRow:
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
    if not (actor.can("declaration.edit") or actor.can("application.review")):
        raise AccessDenied("declaration.edit")
    page, page_size = clamp_paging(page, page_size, MAX_PAGE_SIZE)
    D = Declaration
    conditions = [row_scope(actor, D), D.direction == ("entry" if f.direction == "entry" else "exit")]
    statuses = [st for st in f.statuses if st in STATUSES]
    if statuses:
        conditions.append(D.status.in_(statuses))

    def text(value: str, limit: int = 64) -> str:
        return value.strip()[:limit]

    if text(f.inspection_no):
        conditions.append(D.inspection_no.startswith(text(f.inspection_no, 15), autoescape=True))
    for column, value in ((D.contract_no, f.contract_no), (D.bl_no, f.bl_no)):
        if text(value):
            conditions.append(column.startswith(text(value), autoescape=True))
    if text(f.consignee):
        pattern = text(f.consignee)
        conditions.append(D.consignee_zh.contains(pattern, autoescape=True)
                          | D.consignee_en.icontains(pattern, autoescape=True))
    if text(f.destination):
        conditions.append(D.dest_country == text(f.destination, 2).upper())
    if text(f.goods_name):
        name = text(f.goods_name)
        conditions.append(exists().where(GoodsLine.declaration_id == D.id,
                                         GoodsLine.name_zh.contains(name, autoescape=True)
                                         | GoodsLine.name_en.icontains(name, autoescape=True)))
    if text(f.container_no):
        conditions.append(exists().where(Container.declaration_id == D.id,
                                         Container.number == text(f.container_no, 11).upper()))
    if f.date_from:
        conditions.append(D.inspection_date >= f.date_from)
    if f.date_to:
        conditions.append(D.inspection_date <= f.date_to)
    rows = s.execute(
        select(D.id, D.entry_no, D.inspection_no, D.status, D.consignee_zh, D.consignee_en, D.contract_no, D.bl_no,
               D.dest_country, D.inspection_date, D.created_at)
        .where(*conditions).order_by(D.created_at.desc(), D.id.desc())
        .offset(page * page_size).limit(page_size + 1)
    ).all()
    return Window([DeclarationRow(r[0], r[1], r[2], r[3], " / ".join(x for x in (r[4], r[5]) if x), *r[6:])
                   for r in rows[:page_size]], page, page_size, len(rows) > page_size)
