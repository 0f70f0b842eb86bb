"""What the application pages offer: eligible declarations, certificate types and formats, dictionary choices,
a format's fields."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.applications.form import (
    EDITABLE,
    ELIGIBLE_DECLARATION_STATUSES,
    GOODS_COLUMNS,
    PERMISSION,
    goods_rows_of,
)
from data.applications.templates import (
    list_templates,
    own_template,
)
from data.applications.workflow import load_application
from data.core.labels import both_names
from data.core.scope import Actor
from data.models import (
    AppStatus,
    CertificateFormat,
    CertificateType,
    Declaration,
    DictEntry,
)

# --- what the pages show and offer --------------------------------------------------------------

MAX_CHOICES = 20


@dataclass(frozen=True)
class DeclarationChoice:
    id: int
    inspection_no: str | None
    consignee: str
    dest_country: str | None
    inspection_date: date | None


def eligible_declarations(s: Session, actor: Actor, inspection_no: str = "", limit: int = MAX_CHOICES
                          ) -> list[DeclarationChoice]:
    """Return the enterprise's exit declarations sent to customs, newest first, whose 报检号 starts so."""
    enterprise_id = actor.own_enterprise(PERMISSION)
    D = Declaration
    conditions = [D.enterprise_id == enterprise_id, D.direction == "exit",
                  D.status.in_(ELIGIBLE_DECLARATION_STATUSES)]
    prefix = "".join(ch for ch in (inspection_no or "").strip()[:15] if ch.isalnum())
    if prefix:  # a range, not LIKE: the unique index on inspection_no serves it
        conditions += [D.inspection_no >= prefix, D.inspection_no < prefix + "\uffff"]
    rows = s.execute(select(D.id, D.inspection_no, D.consignee_zh, D.consignee_en, D.dest_country, D.inspection_date)
                     .where(*conditions).order_by(D.created_at.desc(), D.id.desc())
                     .limit(max(1, min(limit, 100)))).all()
    return [DeclarationChoice(r[0], r[1], both_names(r[2], r[3]), r[4], r[5]) for r in rows]


@dataclass(frozen=True)
class FormatChoice:
    code: str
    name_zh: str
    name_en: str
    languages: str


@dataclass(frozen=True)
class TypeChoice:
    code: str
    name_zh: str
    name_en: str
    category: str
    formats: tuple[FormatChoice, ...]


def certificate_choices(s: Session, actor: Actor) -> list[TypeChoice]:
    """Return the active certificate types in menu order, each with its active formats."""
    actor.require(PERMISSION)
    formats: dict[str, list[FormatChoice]] = {}
    for f in s.scalars(select(CertificateFormat).where(CertificateFormat.active.is_(True))
                       .order_by(CertificateFormat.code)):
        formats.setdefault(f.cert_type_code, []).append(FormatChoice(f.code, f.name_zh, f.name_en, f.languages))
    return [TypeChoice(t.code, t.name_zh, t.name_en, t.category, tuple(formats.get(t.code, ())))
            for t in s.scalars(select(CertificateType).where(CertificateType.active.is_(True))
                               .order_by(CertificateType.sort, CertificateType.code))]


FORM_DICTIONARIES = ("country", "transport_mode", "unit", "package_type")


def form_choices(s: Session) -> dict[str, list[tuple[str, str, str]]]:
    """Return (code, Chinese name, English name) of the active entries of each dictionary the form offers."""
    choices: dict[str, list[tuple[str, str, str]]] = {name: [] for name in FORM_DICTIONARIES}
    for name, code, zh, en in s.execute(
            select(DictEntry.dictionary, DictEntry.code, DictEntry.name_zh, DictEntry.name_en)
            .where(DictEntry.dictionary.in_(FORM_DICTIONARIES), DictEntry.active.is_(True))
            .order_by(DictEntry.dictionary, DictEntry.sort, DictEntry.code)):
        choices[name].append((code, zh, en))
    return choices


@dataclass(frozen=True)
class FormSpec:
    """A format as the form renders it: its names, languages and field list."""

    code: str
    name_zh: str
    name_en: str
    languages: str
    cert_type_zh: str
    cert_type_en: str
    fields: tuple[dict, ...]

    @property
    def bilingual(self) -> bool:
        return {"zh", "en"} <= set(self.languages.split(","))


def format_spec(s: Session, format_code: str) -> FormSpec:
    """Return a format as the form renders it."""
    fmt = s.get_one(CertificateFormat, format_code)
    ctype = s.get_one(CertificateType, fmt.cert_type_code)
    return FormSpec(fmt.code, fmt.name_zh, fmt.name_en, fmt.languages or "zh", ctype.name_zh, ctype.name_en,
                    tuple(dict(f) for f in fmt.fields or ()))


@dataclass(frozen=True)
class ApplicationForm:
    id: int
    version: int
    status: str
    inspection_no: str | None
    serial: str
    spec: FormSpec
    fields: dict[str, str]
    goods: list[dict[str, str]]
    needs_confirmation: bool

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def deletable(self) -> bool:
        return self.status == AppStatus.DRAFT.value


def application_form(s: Session, actor: Actor, application_id: int) -> ApplicationForm:
    """Return one of the enterprise's applications as the form shows it."""
    actor.own_enterprise(PERMISSION)
    app = load_application(s, actor, application_id)
    inspection_no = s.scalar(select(Declaration.inspection_no).where(Declaration.id == app.declaration_id))
    return ApplicationForm(app.id, app.version, app.status, inspection_no, app.serial, format_spec(s, app.format_code),
                           dict(app.fields or {}), goods_rows_of(app.goods), app.needs_confirmation)


@dataclass(frozen=True)
class TemplateForm:
    id: int
    name: str
    spec: FormSpec
    fields: dict[str, str]
    goods: list[dict[str, str]]
    needs_confirmation: bool


def template_form(s: Session, actor: Actor, template_id: int) -> TemplateForm:
    """Return one of the enterprise's templates as the form shows it."""
    template = own_template(s, actor, template_id)
    return TemplateForm(template.id, template.name, format_spec(s, template.format_code), dict(template.fields or {}),
                        [{c: str(g.get(c) or "") for c in GOODS_COLUMNS} for g in template.goods or []],
                        template.needs_confirmation)


@dataclass(frozen=True)
class TemplateRow:
    id: int
    name: str
    format_code: str
    format_zh: str
    format_en: str
    goods: int
    updated_at: datetime


def template_rows(s: Session, actor: Actor, name: str = "") -> list[TemplateRow]:
    """Return the enterprise's templates for the template list, by name."""
    names = {f.code: (f.name_zh, f.name_en) for f in s.scalars(select(CertificateFormat))}
    return [TemplateRow(t.id, t.name, t.format_code, *names.get(t.format_code, (t.format_code, t.format_code)),
                        len(t.goods or []), t.updated_at) for t in list_templates(s, actor, name)]
