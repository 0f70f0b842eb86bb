"""收发货人维护 (Jiucheng 3.3.6): an enterprise's book of consignors and consignees.

The declaration form searches it to fill the consignor/consignee fields, and every saved declaration
remembers its parties here, so the book grows with use. Entries belong to one enterprise; another
enterprise's ids behave as unknown ones.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Annotated

from pydantic import ValidationError, field_validator
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from auth.permissions import Perm
from data.core.db import rowcount
from data.core.forms import AnyText, Form, Invalid, limit, problem, reasons, text_of
from data.core.paging import Window, clamp_paging
from data.core.scope import Actor, NotFound
from data.models import PartyBookEntry
from data.reference.codes import credit_code_problem, normalise_code

PERMISSION = Perm.DECLARATION_EDIT
MAX_PAGE_SIZE = 100
MAX_SUGGESTIONS = 50
# column -> longest value the store keeps (models.PartyBookEntry)
LIMITS = {"code": 18, "name_zh": 128, "name_en": 256, "address": 256, "contact": 64}
FIELDS = tuple(LIMITS)
CODE_RE = re.compile(r"^[0-9A-Z]{1,17}$")


class PartyInvalid(Invalid):
    """The entry has errors: field name -> reason code."""


class PartyForm(Form):
    """An entry as typed: a code (credit code or a shorter one), the names, address and contact."""

    code: Annotated[AnyText, limit(LIMITS["code"])] = ""
    name_zh: Annotated[AnyText, limit(LIMITS["name_zh"])] = ""
    name_en: Annotated[AnyText, limit(LIMITS["name_en"])] = ""
    address: Annotated[AnyText, limit(LIMITS["address"])] = ""
    contact: Annotated[AnyText, limit(LIMITS["contact"])] = ""

    @field_validator("code", mode="before")
    @classmethod
    def _normalised_code(cls, value: object) -> str:
        return normalise_code(value.strip()) if isinstance(value, str) else ""

    @field_validator("code")
    @classmethod
    def _known_code(cls, code: str) -> str:
        if code and (reason := code_problem(code)):
            raise problem(reason)
        return code


def _matching(enterprise_id: int, text: str):
    """Return the WHERE clauses of the entries of an enterprise matching a search text."""
    conditions = [PartyBookEntry.enterprise_id == enterprise_id]
    text = (text or "").strip()[:64]
    if text:
        conditions.append(or_(
            PartyBookEntry.code.startswith(text.upper(), autoescape=True),
            PartyBookEntry.name_zh.contains(text, autoescape=True),
            PartyBookEntry.name_en.icontains(text, autoescape=True),
        ))
    return conditions


NEWEST_FIRST = (PartyBookEntry.updated_at.desc(), PartyBookEntry.id.desc())


def search_parties(s: Session, actor: Actor, text: str = "", limit: int = 10) -> list[PartyBookEntry]:
    """Return the enterprise's entries whose code starts with, or names contain, the text; newest first."""
    enterprise_id = actor.own_enterprise(PERMISSION)
    limit = min(MAX_SUGGESTIONS, max(1, int(limit)))
    return list(s.scalars(select(PartyBookEntry).where(*_matching(enterprise_id, text))
                          .order_by(*NEWEST_FIRST).limit(limit)))


def list_parties(s: Session, actor: Actor, text: str = "", page: int = 0,
                 page_size: int = 25) -> Window[PartyBookEntry]:
    """Return one page of the enterprise's entries matching the text, newest first."""
    enterprise_id = actor.own_enterprise(PERMISSION)
    page, page_size = clamp_paging(page, page_size, MAX_PAGE_SIZE)
    rows = list(s.scalars(select(PartyBookEntry).where(*_matching(enterprise_id, text))
                          .order_by(*NEWEST_FIRST).offset(page * page_size).limit(page_size + 1)))
    return Window(rows[:page_size], page, page_size, len(rows) > page_size)


def get_party(s: Session, actor: Actor, entry_id: int) -> PartyBookEntry:
    """Return one of the enterprise's entries (NotFound for unknown ids and other enterprises' entries)."""
    enterprise_id = actor.own_enterprise(PERMISSION)
    entry = s.scalar(select(PartyBookEntry).where(PartyBookEntry.id == entry_id,
                                                  PartyBookEntry.enterprise_id == enterprise_id))
    if entry is None:
        raise NotFound(f"party {entry_id}")
    return entry


def code_problem(code: str) -> str | None:
    """Why a (normalised) party code is refused: 18 characters is a credit code, shorter ones letters/digits."""
    if len(code) > LIMITS["code"]:
        return "too_long"
    if len(code) == LIMITS["code"]:
        return credit_code_problem(code)
    if not CODE_RE.match(code):
        return "party_code_format"
    return None


def clean_party(values: dict) -> dict[str, str | None]:
    """Check an entry as typed; return its stored form or raise PartyInvalid with every problem."""
    errors: dict[str, str] = {}
    try:
        form: PartyForm | None = PartyForm.model_validate(dict(values))
    except ValidationError as exc:
        errors, form = reasons(exc), None
    named = any(text_of(values, name) for name in ("name_zh", "name_en"))
    if not named and "name_zh" not in errors and "name_en" not in errors:
        errors["name_zh"] = "party_name_required"
    if errors or form is None:
        raise PartyInvalid(errors)
    return {name: getattr(form, name) or None for name in LIMITS}


def save_party(s: Session, actor: Actor, entry_id: int | None, values: dict[str, str]) -> PartyBookEntry:
    """新增 (entry_id None) or 编辑 an entry of the enterprise; a code is unique inside the enterprise."""
    enterprise_id = actor.own_enterprise(PERMISSION)
    entry = get_party(s, actor, entry_id) if entry_id is not None else None
    cleaned = clean_party(values)
    if cleaned["code"]:
        clash = s.scalar(select(PartyBookEntry.id).where(
            PartyBookEntry.enterprise_id == enterprise_id, PartyBookEntry.code == cleaned["code"],
            PartyBookEntry.id != (entry.id if entry else -1)).limit(1))
        if clash is not None:
            raise PartyInvalid({"code": "party_code_taken"})
    if entry is None:
        entry = PartyBookEntry(enterprise_id=enterprise_id)
        s.add(entry)
    for name, value in cleaned.items():
        setattr(entry, name, value)
    entry.updated_at = datetime.now(timezone.utc)
    s.flush()
    return entry


def delete_parties(s: Session, actor: Actor, ids: list[int]) -> int:
    """Delete several of the enterprise's entries; ids of other enterprises' entries are ignored."""
    enterprise_id = actor.own_enterprise(PERMISSION)
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return 0
    deleted = s.execute(delete(PartyBookEntry).where(PartyBookEntry.enterprise_id == enterprise_id,
                                                     PartyBookEntry.id.in_(wanted)))
    return rowcount(deleted)


def remember_party(s: Session, enterprise_id: int, *, code: str | None, name_zh: str | None,
                   name_en: str | None, address: str | None) -> None:
    """Keep a declaration's consignor or consignee in the book: update the entry with that code (or,
    without a code, that Chinese name), or add one. Blank values never overwrite stored ones.

    Called from a declaration save that has already checked its own fields, so this never raises on
    such data: a code the book would refuse is left out rather than stored, and text is cut to fit.
    """
    def fit(value: str | None, name: str) -> str | None:
        text = (value or "").strip()[:LIMITS[name]]
        return text or None

    code_text = normalise_code(code)
    code_value = code_text if code_text and code_problem(code_text) is None else None
    values = {"code": code_value, "name_zh": fit(name_zh, "name_zh"), "name_en": fit(name_en, "name_en"),
              "address": fit(address, "address")}
    if not values["name_zh"] and not values["name_en"]:
        return  # the book only holds named parties (save_party's rule)
    mine = select(PartyBookEntry).where(PartyBookEntry.enterprise_id == enterprise_id)
    entry = None
    if code_value:
        entry = s.scalar(mine.where(PartyBookEntry.code == code_value).order_by(*NEWEST_FIRST).limit(1))
    if entry is None and values["name_zh"]:
        # a nameless-code entry of the same name gains the code; one with another code is another party
        same_name = mine.where(PartyBookEntry.name_zh == values["name_zh"])
        if code_value:
            same_name = same_name.where(PartyBookEntry.code.is_(None))
        entry = s.scalar(same_name.order_by(*NEWEST_FIRST).limit(1))
    if entry is None and not values["name_zh"] and not code_value:
        entry = s.scalar(mine.where(PartyBookEntry.name_en == values["name_en"], PartyBookEntry.code.is_(None),
                                    PartyBookEntry.name_zh.is_(None)).order_by(*NEWEST_FIRST).limit(1))
    if entry is None:
        entry = PartyBookEntry(enterprise_id=enterprise_id)
        s.add(entry)
    for name, value in values.items():
        if value is not None:
            setattr(entry, name, value)
    entry.updated_at = datetime.now(timezone.utc)
    s.flush()
