"""Everything printed on a certificate, as plain data (no ORM objects): the PDF renderer
(exports/certificate/pdf.py), signing and the UN/CEFACT SPS XML export read this one model, so that
what the PDF shows and what the XML says cannot drift apart.

Two ways in:
- `certificate_content(s, actor, application_id=... | certificate_no=...)`: scoped to the actor
  (an application or certificate outside the actor's scope is the same NotFound as an unknown one);
- `content_for_application(s, app, certificate)`: unscoped, for callers that did their own access
  check (issuing, verification, the overseas portal).

The result pickles (dates, strings, tuples, one dict of layout values), so it can be rendered in a
background process. Coded values carry their code and both names; numbers are strings without
trailing zeros ("30", "12.5"), as typed.
"""
from __future__ import annotations

import hashlib
import os
from datetime import date
from decimal import Decimal
from urllib.parse import quote

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from auth.permissions import Perm
from data.applications.workflow import load_application
from data.core.scope import AccessDenied, Actor, NotFound, row_scope
from data.models import (
    ApplicationGoods,
    AppStatus,
    Certificate,
    CertificateApplication,
    CertificateFormat,
    CertificateType,
    CertStatus,
    Container,
    CustomsDistrict,
    Declaration,
    DictEntry,
    GoodsLine,
    User,
    as_utc,
)
from exports.types import (
    APPROVED,
    DRAFT,
    EXPORT_COUNTRY,
    ISSUED,
    REPLACED,
    WITHDRAWN,
    Authority,
    CertificateContent,
    CertificateTypeInfo,
    Coded,
    ContainerInfo,
    DeclarationFacts,
    FieldValue,
    FormatInfo,
    GoodsItem,
    Party,
    Signatory,
    Transport,
    Unit,
)

# Who may read a certificate's content through `certificate_content` (the scope still applies).
READ_PERMISSIONS = (Perm.APPLICATION_EDIT, Perm.APPLICATION_REVIEW, Perm.CERTIFICATE_SIGN)

_CERTIFICATE_STATUS = {CertStatus.VALID.value: ISSUED, CertStatus.REPLACED.value: REPLACED,
                       CertStatus.WITHDRAWN.value: WITHDRAWN}


# --- building -----------------------------------------------------------------------------------


def verification_url(public_url: str, certificate_no: str, token: str) -> str:
    """The public verification address printed in the QR code: `{public_url}/verify/<number>?t=<token>`."""
    return f"{public_url.rstrip('/')}/verify/{quote(certificate_no, safe='')}?t={quote(token, safe='')}"


CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O or U to misread
CODE_LENGTH = 8


def verification_code(token: str) -> str:
    """The short code printed beside the QR code, typed with the number to verify a paper certificate:
    8 characters of Crockford base 32 (40 bits) derived from the certificate's token, as `ABCD-EFGH`. The
    token itself stays in the QR code; the verification page counts every attempt (rate limits)."""
    digest = int.from_bytes(hashlib.sha256(b"certdash verification code\0" + token.encode()).digest()[:5], "big")
    chars = "".join(CODE_ALPHABET[(digest >> (5 * i)) & 31] for i in reversed(range(CODE_LENGTH)))
    return f"{chars[:4]}-{chars[4:]}"


def normalised_code(text: str) -> str | None:
    """A typed code as `verification_code` writes it, forgiving case, spaces, dashes and the letters people
    type for digits (O for 0, I and L for 1); None when it cannot be a code."""
    cleaned = "".join(ch for ch in (text or "").upper() if ch not in " -_.\t")
    cleaned = cleaned.translate(str.maketrans("OIL", "011"))
    if len(cleaned) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in cleaned):
        return None
    return f"{cleaned[:4]}-{cleaned[4:]}"


def default_public_url() -> str:
    """The site's public address when the caller has no settings at hand (CERTDASH_PUBLIC_URL, else the default)."""
    from dashboard.core.config import Settings

    return os.environ.get("CERTDASH_PUBLIC_URL", Settings.public_url).rstrip("/")


def certificate_content(s: Session, actor: Actor, *, application_id: int | None = None,
                        certificate_no: str | None = None, public_url: str | None = None) -> CertificateContent:
    """Return the content of an application's certificate (draft or approved) or of an issued certificate.

    Exactly one of `application_id` / `certificate_no`. Scoped to the actor: outside the scope it is
    the same NotFound as an unknown id or number. For an application that already has its
    certificate, that certificate's state is shown (number, status, verification URL).
    """
    if not any(actor.can(p) for p in READ_PERMISSIONS):
        raise AccessDenied(READ_PERMISSIONS[0])
    if (application_id is None) == (certificate_no is None):
        raise ValueError("give exactly one of application_id and certificate_no")
    if certificate_no is not None:
        cert = s.scalar(select(Certificate).where(Certificate.certificate_no == str(certificate_no)[:32],
                                                  row_scope(actor, Certificate)))
        if cert is None:
            raise NotFound(f"certificate {certificate_no}")
        app = s.get_one(CertificateApplication, cert.application_id)
    else:
        assert application_id is not None  # exactly one of the two, checked above
        app = load_application(s, actor, application_id)
        cert = _current_certificate(s, app)
    return content_for_application(s, app, cert, public_url=public_url or default_public_url())


def _current_certificate(s: Session, app: CertificateApplication) -> Certificate | None:
    """The application's certificate: the one with its number, else its newest."""
    rows = list(s.scalars(select(Certificate).where(Certificate.application_id == app.id)
                          .order_by(Certificate.id.desc())))
    return next((c for c in rows if c.certificate_no == app.certificate_no), rows[0] if rows else None)


def content_for_application(s: Session, app: CertificateApplication, certificate: Certificate | None = None, *,
                            verify_url: str | None = None, public_url: str | None = None) -> CertificateContent:
    """Build the content of `app` (and its `certificate`, when issued) without any access check.

    The verification URL is `verify_url` if given, else built from `public_url` (default: the
    configured public address) and the certificate's token; there is none without a certificate.
    """
    decl = s.get_one(Declaration, app.declaration_id)
    ctype = s.get_one(CertificateType, app.cert_type_code)
    fmt = s.get_one(CertificateFormat, app.format_code)
    cert = certificate
    district = s.get(CustomsDistrict, cert.district_code if cert else app.district_code)
    parent = s.get(CustomsDistrict, district.parent_code) if district and district.parent_code else None
    lines = list(s.scalars(select(ApplicationGoods).where(ApplicationGoods.application_id == app.id)
                           .order_by(ApplicationGoods.seq)))
    declared = {(g.seq, g.hs_code): g for g in s.scalars(
        select(GoodsLine).where(GoodsLine.declaration_id == decl.id))} if lines else {}
    containers = tuple(ContainerInfo(c.number, c.spec or "", c.seal_no or "") for c in s.scalars(
        select(Container).where(Container.declaration_id == decl.id).order_by(Container.seq)))
    specs = [dict(f) for f in (fmt.fields or ()) if isinstance(f, dict) and f.get("key")]
    values = dict(app.fields or {})

    wanted: dict[str, set[str | None]] = {"unit": set(), "package_type": set(), "country": {EXPORT_COUNTRY},
                                   "transport_mode": set(), "trade_mode": set(), "currency": set()}
    for g in lines:
        wanted["unit"].update((g.quantity_unit, g.weight_unit))
        wanted["package_type"].add(g.package_type)
    for line in declared.values():
        wanted["country"].add(line.origin_country)
        wanted["currency"].add(line.currency)
    wanted["country"].update((app.dest_country, decl.dest_country))
    wanted["transport_mode"].add(decl.transport_mode)
    wanted["trade_mode"].add(decl.trade_mode)
    wanted["currency"].add(decl.currency)
    for spec in specs:
        dictionary = CODED_KINDS.get(spec.get("kind", ""))
        if dictionary and isinstance(values.get(spec["key"]), str):
            wanted[dictionary].add(_code_in(spec.get("kind", ""), values[spec["key"]]))
    names = _dictionary_names(s, wanted)

    def named(dictionary: str, code: str) -> Coded:
        entry = names[dictionary].get(code)
        return Coded(code, entry[0], entry[1]) if entry else Coded(code, code, code)

    def coded(dictionary: str, code: str | None) -> Coded | None:
        return named(dictionary, code) if code else None

    def unit(code: str | None) -> Unit | None:
        if not code:
            return None
        zh, en, extra = names["unit"].get(code, (code, code, {}))
        return Unit(code, zh, en, (extra or {}).get("rec20") or None)

    fields = tuple(_field_value(spec, values.get(spec["key"]), names) for spec in specs)
    goods = []
    for g in lines:
        d = declared.get((g.seq, g.hs_code))
        goods.append(GoodsItem(
            g.seq, g.hs_code, g.name_zh or "", g.name_en or "", g.origin or "",
            coded("country", d.origin_country) if d else None, number_text(g.quantity), unit(g.quantity_unit),
            number_text(g.weight), unit(g.weight_unit), g.packages, coded("package_type", g.package_type),
            number_text(d.value) if d else "", coded("currency", d.currency) if d else None))

    status, replaces_no, reason = _status(s, app, cert)
    layout = dict(fmt.layout or {}) if isinstance(fmt.layout, dict) else {}
    seals = tuple(dict.fromkeys(x for x in (*(c.seal_no for c in containers),
                                            *(values.get("seal_no", "") or "").split()) if x))
    issue_place = cert.issue_place if cert else _district_place(district)
    approved = as_utc(app.approved_at)
    moment = as_utc(cert.issued_at) if cert else approved or as_utc(app.updated_at) or as_utc(app.created_at)
    officer = s.get(User, cert.issued_by) if cert and cert.issued_by else None
    return CertificateContent(
        application_id=app.id,
        cert_type=CertificateTypeInfo(ctype.code, ctype.name_zh, ctype.name_en),
        format=FormatInfo(fmt.code, fmt.name_zh, fmt.name_en, _languages(fmt.languages), layout),
        certificate_no=cert.certificate_no if cert else app.certificate_no,
        serial=cert.serial if cert else app.serial,
        status=status, replaces_no=replaces_no, status_reason=reason,
        authority=Authority(district.code if district else app.district_code,
                            district.name_zh if district else "", district.name_en if district else "",
                            parent.name_zh if parent else "", parent.name_en if parent else "", issue_place),
        issue_date=cert.issue_date if cert else (approved.date() if approved and status == APPROVED else None),
        consignor=Party(decl.consignor_zh or "", decl.consignor_en or "", decl.consignor_address or "",
                        decl.consignor_code or ""),
        consignee=Party(decl.consignee_zh or "", decl.consignee_en or "", decl.consignee_address or "",
                        decl.consignee_code or ""),
        fields=fields,
        goods=tuple(goods),
        transport=Transport(coded("transport_mode", decl.transport_mode), decl.transport_means or "",
                            decl.transport_no or "", decl.departure_port or "", decl.arrival_port or "",
                            decl.despatch_date, decl.arrival_date),
        export_country=named("country", EXPORT_COUNTRY),
        dest_country=coded("country", (cert.dest_country if cert else None) or app.dest_country or decl.dest_country),
        marks=(values.get("marks") or decl.marks or "").strip(),
        seals=seals,
        containers=containers,
        declaration=DeclarationFacts(decl.inspection_no or "", decl.inspection_date, decl.contract_no or "",
                                     decl.bl_no or "", coded("trade_mode", decl.trade_mode),
                                     number_text(decl.total_value), coded("currency", decl.currency)),
        verify_url=(verify_url or verification_url(public_url or default_public_url(), cert.certificate_no,
                                                   cert.verify_token)) if cert else None,
        verify_code=verification_code(cert.verify_token) if cert else None,
        signatory=Signatory(str(layout.get("signatory_zh") or ""), str(layout.get("signatory_en") or ""),
                            cert.signing_method if cert else None, officer.real_name if officer else "",
                            as_utc(cert.signed_at) if cert else None),
        moment=moment,
        production_unit=app.production_unit or "",
        field_index={f.key: f for f in fields},
    )


# field kind -> the dictionary naming its code; a packages field ("120 CT") names its package type
CODED_KINDS = {"country": "country", "transport_mode": "transport_mode", "packages": "package_type"}


def _code_in(kind: str, value: str) -> str:
    """The code a field's value holds: the whole value, or a packages field's last word."""
    value = value.strip()
    if kind == "packages":
        words = value.split()
        return words[-1] if len(words) > 1 else ""
    return value


def number_text(value) -> str:
    """A stored number as printed: without trailing zeros, '' for none."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def _languages(text: str | None) -> tuple[str, ...]:
    found = tuple(x.strip() for x in (text or "").split(",") if x.strip() in ("zh", "en"))
    return found or ("zh", "en")


def _district_place(district: CustomsDistrict | None) -> str:
    return " ".join(x for x in (district.name_zh, district.name_en) if x) if district else ""


def _field_value(spec: dict, raw, names: dict[str, dict[str, tuple]]) -> FieldValue:
    value = raw.strip() if isinstance(raw, str) else ("" if raw is None else str(raw))
    kind = str(spec.get("kind") or "text")
    day = None
    if kind == "date" and value:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            day = None
    code = _code_in(kind, value) if kind in CODED_KINDS else ""
    entry = names[CODED_KINDS[kind]].get(code) if code else None
    # a code the dictionary lacks is printed as typed
    named = Coded(code, entry[0], entry[1]) if entry else None
    return FieldValue(str(spec["key"]), str(spec.get("label_zh") or ""), str(spec.get("label_en") or ""), kind,
                      bool(spec.get("required")), value, named, day)


def _status(s: Session, app: CertificateApplication, cert: Certificate | None) -> tuple[str, str | None, str | None]:
    """(content status, number of the replaced certificate, reason of a replacement or withdrawal)."""
    if cert is None:
        done = app.status in (AppStatus.APPROVED.value, AppStatus.ISSUED.value)
        return (APPROVED if done else DRAFT), None, None
    replaced = s.scalar(select(Certificate.certificate_no).where(Certificate.id == cert.replaces_id)) \
        if cert.replaces_id else None
    return _CERTIFICATE_STATUS.get(cert.status, ISSUED), replaced, cert.status_reason


def _dictionary_names(s: Session, wanted: dict[str, set]) -> dict[str, dict[str, tuple[str, str, dict]]]:
    """Look up (name_zh, name_en, extra) of every code wanted, per dictionary, in one query."""
    found: dict[str, dict[str, tuple[str, str, dict]]] = {name: {} for name in wanted}
    conditions = [(DictEntry.dictionary == name) & DictEntry.code.in_(sorted(c for c in codes if c))
                  for name, codes in wanted.items() if any(codes)]
    if conditions:
        for dictionary, code, zh, en, extra in s.execute(
                select(DictEntry.dictionary, DictEntry.code, DictEntry.name_zh, DictEntry.name_en, DictEntry.extra)
                .where(or_(*conditions))):
            found[dictionary][code] = (zh, en, extra if isinstance(extra, dict) else {})
    return found
