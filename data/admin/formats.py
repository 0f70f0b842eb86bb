"""单证格式维护 (Liaoning 5.6.1): search certificate formats by format code and certificate type,
add and edit a format's field list, languages and PDF layout, retire or delete one nobody uses.

A format's field list drives the application form (data/applications/form.py), the review page and
the PDF: each field is stored as {key, label_zh, label_en, required, kind}, in printing order.
Applications keep their values under the field keys, so a key that applications or templates of
the format have filled in is fixed: it cannot be removed and its kind cannot change (a returned
application could no longer be saved: `_clean` refuses values under unknown keys or of another
kind, and the review page and PDF would lose the caption of a value still stored). Such a field
can still be renamed, moved, or made optional. A field nobody has filled in may go.

The layout editor is built from the renderer's own table (exports/certificate_pdf.LAYOUT_PARAMETERS)
and checked by its `layout_problems`, so what is saved is what the renderer reads.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from auth.permissions import Perm
from data.admin.common import AdminInvalid, InUse, delete_recorded, exists, snapshot, text_of
from data.core.audit import record_change
from data.core.forms import AnyText, Flag, Form, Required, Upper, limit, matching, one_of, problem, validated
from data.core.paging import Page, clamp_paging
from data.core.scope import Actor, NotFound
from data.models import CertificateApplication, CertificateFormat, CertificateTemplate, CertificateType
from data.reference.catalog import FIELD_KINDS
from exports.certificate.pdf import LAYOUT_PARAMETERS, layout_problems

PERMISSION = Perm.ADMIN_FORMATS
LANGUAGES = ("zh", "en")
FORMAT_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,15}$")  # C3-1, C99-1, E1-1 ... (certificate_format.code)
FIELD_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
NAME_LIMITS = {"name_zh": 128, "name_en": 128}
LABEL_LIMITS = {"label_zh": 128, "label_en": 256}
MAX_FIELDS = 80
MAX_PAGE_SIZE = 100
FIELD_COLUMNS = ("key", "label_zh", "label_en", "kind", "required")  # what a stored field holds
AUDITED = ("cert_type_code", "name_zh", "name_en", "languages", "fields", "layout", "active")


@dataclass(frozen=True)
class FormatRow:
    code: str
    cert_type_code: str
    cert_type_zh: str
    cert_type_en: str
    name_zh: str
    name_en: str
    languages: str
    field_count: int
    active: bool


@dataclass(frozen=True)
class FormatDetail:
    code: str
    cert_type_code: str
    name_zh: str
    name_en: str
    languages: tuple[str, ...]
    fields: tuple[dict, ...]
    layout: dict  # every parameter of LAYOUT_PARAMETERS: the stored value or the default
    active: bool
    fixed_keys: frozenset[str]  # field keys filled in by applications or templates: kept, kind fixed
    seen: str  # a fingerprint of the stored format: a save names it, so that another's save in between loses


# --- reading ------------------------------------------------------------------------------------


def search_formats(s: Session, actor: Actor, format_code: str = "", cert_type_code: str = "", page: int = 0,
                   page_size: int = 25) -> Page[FormatRow]:
    """Return one page of formats whose code starts with `format_code`, of one certificate type if given."""
    actor.require(PERMISSION)
    page, page_size = clamp_paging(page, page_size, MAX_PAGE_SIZE)
    F, T = CertificateFormat, CertificateType
    stmt = select(F, T.name_zh, T.name_en).join(T, T.code == F.cert_type_code)
    code = (format_code or "").strip().upper()[:16]
    if code:
        stmt = stmt.where(F.code.startswith(code, autoescape=True))
    type_code = (cert_type_code or "").strip()[:4]
    if type_code:
        stmt = stmt.where(F.cert_type_code == type_code)
    total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = s.execute(stmt.order_by(T.sort, F.cert_type_code, F.code).offset(page * page_size).limit(page_size))
    return Page([FormatRow(f.code, f.cert_type_code, zh, en, f.name_zh, f.name_en, f.languages or "",
                           len(f.fields or ()), bool(f.active)) for f, zh, en in rows], total, page, page_size)


def _load(s: Session, code: str) -> CertificateFormat:
    fmt = s.get(CertificateFormat, code) if isinstance(code, str) and code else None
    if fmt is None:
        raise NotFound(f"format {code}")
    return fmt


def stored_layout(layout) -> dict:
    """Every layout parameter with the format's stored value, or its default where none is stored."""
    given = layout if isinstance(layout, dict) else {}
    return {p.key: given[p.key] if p.key in given else (dict(p.default) if isinstance(p.default, dict)
                                                        else list(p.default) if isinstance(p.default, tuple)
                                                        else p.default) for p in LAYOUT_PARAMETERS}


def get_format(s: Session, actor: Actor, code: str) -> FormatDetail:
    """Return a format as the editor shows it, with the field keys that are fixed by use."""
    actor.require(PERMISSION)
    fmt = _load(s, code)
    fields = tuple({c: f.get(c) for c in FIELD_COLUMNS} for f in fmt.fields or () if isinstance(f, dict))
    keys = [str(f["key"]) for f in fields if f.get("key")]
    return FormatDetail(fmt.code, fmt.cert_type_code, fmt.name_zh, fmt.name_en, _languages(fmt.languages),
                        fields, stored_layout(fmt.layout), bool(fmt.active),
                        frozenset(keys_in_use(s, fmt, keys)), fingerprint(fmt))


def fingerprint(fmt: CertificateFormat) -> str:
    """A short digest of what the editor changes (the format has no version column)."""
    text = json.dumps(_audit(fmt), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _languages(text: str | None) -> tuple[str, ...]:
    given = {x.strip() for x in (text or "").split(",")}
    return tuple(lang for lang in LANGUAGES if lang in given)


# --- what uses a format ---------------------------------------------------------------------------


def _applications_of(fmt: CertificateFormat):
    # cert_type_code first: ix_app_type_created narrows to the type's applications (no index on format_code)
    A = CertificateApplication
    return (A.cert_type_code == fmt.cert_type_code, A.format_code == fmt.code)


def keys_in_use(s: Session, fmt: CertificateFormat, keys: list[str]) -> set[str]:
    """The keys among `keys` that an application or template of this format has a value for."""
    found = set()
    for key in keys:
        if exists(s, *_applications_of(fmt), CertificateApplication.fields[key].as_string().isnot(None),
                  table=CertificateApplication) or exists(
                s, CertificateTemplate.format_code == fmt.code,
                CertificateTemplate.fields[key].as_string().isnot(None), table=CertificateTemplate):
            found.add(key)
    return found


def format_uses(s: Session, fmt: CertificateFormat) -> list[str]:
    """The places (table.column) that refer to this format."""
    places = []
    if exists(s, *_applications_of(fmt), table=CertificateApplication):
        places.append("certificate_application.format_code")
    if exists(s, CertificateTemplate.format_code == fmt.code, table=CertificateTemplate):
        places.append("certificate_template.format_code")
    return places


# --- checking what the editor sends ---------------------------------------------------------------


def _order(value: Any) -> int | None:
    """A row's printing position: a whole number 0-9999 (typed or from a number box); empty: its row number."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer() \
            and 0 <= value <= 9999:
        return int(value)
    if isinstance(value, str) and value.strip().isdecimal() and int(value.strip()) <= 9999:
        return int(value.strip())
    raise problem("sort_number")


def _kind(value: Any) -> Any:
    return value if isinstance(value, str) and value.strip() else "text"  # empty: a text field


class FieldRow(Form):
    """One row of the format's field table: a key, its captions, its kind, whether it is required."""

    model_config = ConfigDict(extra="ignore")

    key: Annotated[Required, limit(32), matching(FIELD_KEY_RE, "field_key_format")] = ""
    label_zh: Annotated[Required, limit(LABEL_LIMITS["label_zh"])] = ""
    label_en: Annotated[Required, limit(LABEL_LIMITS["label_en"])] = ""
    kind: Annotated[AnyText, BeforeValidator(_kind), one_of(FIELD_KINDS, "unknown_kind")] = "text"
    required: Flag = False
    order: Annotated[int | None, BeforeValidator(_order)] = None


def _clean_fields(raw, errors: dict[str, str]) -> list[dict]:
    """Check the field table: keys, captions, kinds; return the fields in printing order.

    Rows arrive as dicts {key, label_zh, label_en, kind, required, order}; errors are keyed
    `fields.<n>.<column>` with n counting the rows given, from 1. A row left wholly empty is dropped.
    """
    if not isinstance(raw, list):
        errors["fields"] = "fields_required"
        return []
    rows = [(n, r) for n, r in enumerate(raw, start=1)
            if isinstance(r, dict) and any(text_of(r, c) for c in ("key", "label_zh", "label_en"))]
    if not rows:
        errors["fields"] = "fields_required"
        return []
    if len(rows) > MAX_FIELDS:
        errors["fields"] = "too_many_fields"
        return []
    seen: set[str] = set()
    placed = []
    for n, values in rows:
        row, problems = validated(FieldRow, values)
        key = text_of(values, "key")
        if "key" not in problems:
            if key in seen:
                problems["key"] = "duplicate_key"
            seen.add(key)
        errors.update({f"fields.{n}.{column}": reason for column, reason in problems.items()})
        if row is not None:
            placed.append((n if row.order is None else row.order, n, row.model_dump(exclude={"order"})))
    return [field for _order_value, _n, field in sorted(placed, key=lambda p: (p[0], p[1]))]


def _clean_layout(raw, errors: dict[str, str]) -> dict:
    """Read the layout editor's values as the renderer stores them, checked by its own rules."""
    given = raw if isinstance(raw, dict) else {}
    layout: dict = {}
    for p in LAYOUT_PARAMETERS:
        value = given.get(p.key)
        if p.kind == "number":
            value = _number(value, p.default)
        elif p.kind == "margins":
            sides = value if isinstance(value, dict) else {}
            value = {side: _number(sides.get(side), p.default[side]) for side in p.default}
        elif p.kind == "flag":
            value = value is True or (isinstance(value, list) and bool(value))
        elif p.kind == "text":
            value = value.strip() if isinstance(value, str) else ""
        elif p.kind == "columns":
            value = [v for v in value if isinstance(v, str)] if isinstance(value, list) else list(p.default)
        elif p.kind == "choice":
            value = value if isinstance(value, str) and value else p.default
        layout[p.key] = value
    errors.update({f"layout.{key}": reason for key, reason in layout_problems(layout).items()})
    return layout


def _number(value, default):
    """A number input's value: numbers stay, numeric text is read, empty means the default; else kept as is
    (the renderer's check then names it not_a_number)."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return value
    return value


def _chosen_languages(value: Any) -> list[str]:
    given = value if isinstance(value, list) else (value if isinstance(value, str) else "").split(",")
    chosen = {x.strip() for x in given if isinstance(x, str)} - {""}
    if not chosen or chosen - set(LANGUAGES):
        raise problem("choose_languages")
    return [lang for lang in LANGUAGES if lang in chosen]


class FormatForm(Form):
    """A format's names, certificate type and languages; its code (new ones), fields and layout are
    checked beside it (the field table per cell, the layout by the renderer's rules)."""

    model_config = ConfigDict(extra="ignore")

    cert_type_code: Required = ""
    name_zh: Annotated[Required, limit(NAME_LIMITS["name_zh"])] = ""
    name_en: Annotated[Required, limit(NAME_LIMITS["name_en"])] = ""
    languages: Annotated[list[str], BeforeValidator(_chosen_languages)] = []


class NewFormat(Form):
    """A new format's code: letters, digits and '-' (taken in capitals)."""

    model_config = ConfigDict(extra="ignore")

    code: Annotated[Required, Upper, matching(FORMAT_CODE_RE, "format_code_format")] = ""


def _clean(s: Session, values: dict, errors: dict[str, str]) -> dict[str, Any]:
    form, problems = validated(FormatForm, values)
    type_code = text_of(values, "cert_type_code")
    if "cert_type_code" not in problems and s.get(CertificateType, type_code) is None:
        problems["cert_type_code"] = "choose_certificate_type"
    errors.update(problems)
    cleaned: dict[str, Any] = {
        "cert_type_code": type_code,
        "name_zh": form.name_zh if form else "",
        "name_en": form.name_en if form else "",
        "languages": ",".join(form.languages) if form else "",
    }
    cleaned["fields"] = _clean_fields(values.get("fields"), errors)
    cleaned["layout"] = _clean_layout(values.get("layout"), errors)
    return cleaned


def _audit(fmt: CertificateFormat) -> dict:
    return snapshot(fmt, AUDITED)


# --- changing -----------------------------------------------------------------------------------


def create_format(s: Session, actor: Actor, values: dict) -> FormatDetail:
    """新增单证格式: a new code (letters, digits and '-'), its certificate type, names, fields and layout."""
    actor.require(PERMISSION)
    new, errors = validated(NewFormat, values)
    code = new.code if new else text_of(values, "code").upper()
    if "code" not in errors and s.get(CertificateFormat, code) is not None:
        errors["code"] = "code_taken"
    cleaned = _clean(s, values, errors)
    if cleaned["cert_type_code"] and "cert_type_code" not in errors:
        if not s.get_one(CertificateType, cleaned["cert_type_code"]).active:
            errors["cert_type_code"] = "certificate_type_retired"
    if errors:
        raise AdminInvalid(errors)
    fmt = CertificateFormat(code=code, active=True, **cleaned)
    s.add(fmt)
    try:
        s.flush()
    except IntegrityError:
        raise AdminInvalid({"code": "code_taken"}) from None
    record_change(s, actor, "admin.format.created", "certificate_format", code, None, _audit(fmt))
    return get_format(s, actor, code)


def update_format(s: Session, actor: Actor, code: str, values: dict, seen: str | None = None) -> FormatDetail:
    """Edit a format; a field key in use stays, with its kind; a format in use keeps its certificate type.

    `seen` is the fingerprint of the format as the editor opened it: if someone saved it since, the edit
    is refused (it would silently undo theirs).
    """
    actor.require(PERMISSION)
    fmt = _load(s, code)
    if seen is not None and seen != fingerprint(fmt):
        raise AdminInvalid({"code": "changed_since"})
    errors: dict[str, str] = {}
    cleaned = _clean(s, values, errors)
    before = _audit(fmt)
    old_fields = {str(f["key"]): f for f in fmt.fields or () if isinstance(f, dict) and f.get("key")}
    new_fields = {f["key"]: f for f in cleaned["fields"] if f["key"]}
    if not errors:
        changed = [k for k, f in old_fields.items() if k not in new_fields or new_fields[k]["kind"] != f.get("kind")]
        for key in sorted(keys_in_use(s, fmt, changed)):
            if key in new_fields:
                n = next(i for i, row in enumerate(values["fields"], start=1)
                         if isinstance(row, dict) and text_of(row, "key") == key)
                errors[f"fields.{n}.kind"] = "kind_in_use"
            else:
                errors[f"removed.{key}"] = "field_in_use"
        if cleaned["cert_type_code"] != fmt.cert_type_code and format_uses(s, fmt):
            errors["cert_type_code"] = "format_in_use"
    if errors:
        raise AdminInvalid(errors)
    for name, value in cleaned.items():
        setattr(fmt, name, value)
    s.flush()
    record_change(s, actor, "admin.format.updated", "certificate_format", code, before, _audit(fmt))
    return get_format(s, actor, code)


def set_format_active(s: Session, actor: Actor, code: str, active: bool) -> FormatDetail:
    """Retire a format (new applications cannot choose it; existing ones keep it) or reactivate it."""
    actor.require(PERMISSION)
    fmt = _load(s, code)
    if bool(fmt.active) != bool(active):
        if active and not s.get_one(CertificateType, fmt.cert_type_code).active:
            raise AdminInvalid({"cert_type_code": "certificate_type_retired"})
        fmt.active = bool(active)
        s.flush()
        record_change(s, actor, "admin.format.reactivated" if active else "admin.format.retired",
                      "certificate_format", code, {"active": not active}, {"active": bool(active)})
    return get_format(s, actor, code)


def delete_format(s: Session, actor: Actor, code: str) -> None:
    """Delete a format no application or template uses; raise InUse naming what uses it (retire it instead)."""
    actor.require(PERMISSION)
    fmt = _load(s, code)
    places = format_uses(s, fmt)
    if places:
        raise InUse(places)
    delete_recorded(s, actor, fmt, "admin.format.deleted", "certificate_format", code, _audit(fmt))


def certificate_type_choices(s: Session, actor: Actor) -> list[tuple[str, str, str, bool]]:
    """(code, Chinese name, English name, active) of every certificate type, in menu order."""
    actor.require(PERMISSION)
    return [tuple(r) for r in s.execute(select(CertificateType.code, CertificateType.name_zh, CertificateType.name_en,
                                               CertificateType.active)
                                        .order_by(CertificateType.sort, CertificateType.code))]
