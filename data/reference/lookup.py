"""Read-only, paged search of the reference dictionaries (codes and their Chinese/English names)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from auth.permissions import Perm
from data.core.like import contains_pattern
from data.core.paging import Page, clamp_paging
from data.core.scope import Actor
from data.models import CertificateType, CustomsDistrict, DictEntry

DICT_ENTRY_NAMES = ("hs_code", "country", "currency", "unit", "package_type", "transport_mode", "trade_mode",
                    "attached_document")
LOOKUP_NAMES = DICT_ENTRY_NAMES + ("district", "certificate_type")
MAX_PAGE_SIZE = 200


def active_entries(s: Session, dictionary: str) -> list[tuple[str, str, str]]:
    """The active entries of one dictionary as (code, Chinese name, English name), in the dictionary's order:
    what a filter's dropdown offers."""
    return [tuple(row) for row in s.execute(
        select(DictEntry.code, DictEntry.name_zh, DictEntry.name_en)
        .where(DictEntry.dictionary == dictionary, DictEntry.active.is_(True)).order_by(DictEntry.sort, DictEntry.code))]


class UnknownDictionary(ValueError):
    """The requested dictionary does not exist."""


@dataclass(frozen=True)
class LookupRow:
    code: str
    name_zh: str
    name_en: str
    parent: str


def search_dictionary(s: Session, actor: Actor, name: str, text: str = "", page: int = 0,
                      page_size: int = 25) -> Page[LookupRow]:
    """Return one page of a dictionary's active entries whose code starts with, or names contain, `text`."""
    actor.require(Perm.REFERENCE_VIEW)
    if name not in LOOKUP_NAMES:
        raise UnknownDictionary(name)
    page, page_size = clamp_paging(page, page_size, MAX_PAGE_SIZE)
    text = (text or "").strip()[:64]
    model: Any
    base: Select[Any]
    if name == "district":
        model = CustomsDistrict
        base = select(model.code, model.name_zh, model.name_en, model.parent_code).where(model.active.is_(True))
    elif name == "certificate_type":
        model = CertificateType
        base = select(model.code, model.name_zh, model.name_en, model.category).where(model.active.is_(True))
    else:
        model = DictEntry
        base = select(model.code, model.name_zh, model.name_en, model.dictionary).where(
            model.dictionary == name, model.active.is_(True)
        )
    if text:
        pattern = contains_pattern(text.lower())
        base = base.where(or_(
            model.code.startswith(text, autoescape=True),
            func.lower(model.name_zh).like(pattern, escape="\\"),
            func.lower(model.name_en).like(pattern, escape="\\"),
        ))
    total = s.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = s.execute(base.order_by(model.code).offset(page * page_size).limit(page_size)).all()
    return Page([LookupRow(r[0], r[1], r[2], r[3] or "") for r in rows], total, page, page_size)


