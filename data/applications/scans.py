"""单证扫描件: the scanned documents of a certificate application (Liaoning manual 5.3.1 and 5.5.1).

Who sees them: anyone who may see the application (its enterprise; officers of the district
subtree), through `load_application`'s scope; outside it, the same NotFound as an unknown id.

Who changes them, and when: only the enterprise (permission application.edit), and
- while the application is a draft or returned: add, replace and delete;
- while it is submitted or under review, as a supplementary declaration (补发申报): add only. Each
  addition writes the receipt `app.supplemented` on the application, which the enterprise and the
  reviewing officer both see. What the officer is already reviewing is never replaced or deleted;
- in any other status: nothing.
Changes in a draft are audited as `app.scan_added`, `app.scan_replaced`, `app.scan_deleted` on the
scan (object_type "application_scan"), not as receipts: customs has not seen the draft.

What is accepted: PDF, JPEG or PNG recognised by content, whose file name ends with an extension of
that type (a ".pdf" that is really a PNG or text is refused), not empty, at most 10 MB, whole
(a PDF ends with %%EOF, a PNG starts with its IHDR header, a JPEG ends with its end marker), at most
20 scans per application. The document type is an active code of the `attached_document`
dictionary for the declaration's direction; "other documents" is that dictionary's own x999 entry
(101999 entry, 102999 exit), not a code of our own. Bytes are stored once per SHA-256 (data/core/files.py).
Every refusal is a ScanRefused carrying one reason code (see REASONS).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.accounts.registration import StoredFile
from data.applications.workflow import ENTERPRISE_PERMISSION, EVENT_MESSAGES, OFFICER_PERMISSION, load_application
from data.core.files import MAX_UPLOAD_BYTES, Upload, UploadProblem, check_upload, safe_filename, store_blob
from data.core.scope import AccessDenied, Actor, NotFound, row_scope
from data.models import ApplicationScan, AppStatus, Blob, CertificateApplication, Declaration, DictEntry, Event

MAX_SCAN_BYTES = MAX_UPLOAD_BYTES  # 10 MB
MAX_SCANS = 20
MAX_NAME = 255
# media type -> the file-name extensions that may carry it
SCAN_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
}
EDIT_STATUSES = frozenset({AppStatus.DRAFT.value, AppStatus.RETURNED.value})
SUPPLEMENT_STATUSES = frozenset({AppStatus.SUBMITTED.value, AppStatus.UNDER_REVIEW.value})
REASONS = (
    "empty",  # no bytes
    "too_large",  # more than 10 MB
    "bad_type",  # not a PDF, JPEG or PNG by content
    "extension_mismatch",  # the name's extension says another type than the content
    "damaged",  # starts like a PDF/PNG/JPEG but is not whole
    "unreadable",  # the upload could not be decoded (raised by the page's glue)
    "doc_code",  # no such document type for this application
    "too_many",  # already MAX_SCANS scans
    "locked",  # the application's status allows no change
    "add_only",  # under review: a supplementary declaration may add, not replace or delete
)

AUDIT_MESSAGES = {
    "app.scan_added": "已上传单证扫描件",
    "app.scan_replaced": "已更换单证扫描件",
    "app.scan_deleted": "已删除单证扫描件",
}

# modes of the scan panel for one actor and application
EDIT, SUPPLEMENT, READ = "edit", "supplement", "read"


class ScanRefused(ValueError):
    """A scan change was refused; `code` is one of REASONS."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ScanRow:
    id: int
    doc_code: str
    doc_name_zh: str
    doc_name_en: str
    filename: str
    size: int
    media_type: str
    uploaded_at: datetime


@dataclass(frozen=True)
class DocType:
    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class ScanList:
    application_id: int
    status: str
    mode: str  # EDIT, SUPPLEMENT or READ for this actor
    rows: list[ScanRow]
    doc_types: list[DocType]  # what a new scan may be (empty when the actor cannot add)

    @property
    def can_add(self) -> bool:
        return self.mode in (EDIT, SUPPLEMENT) and len(self.rows) < MAX_SCANS

    @property
    def can_change(self) -> bool:
        return self.mode == EDIT


def _mode(actor: Actor, app: CertificateApplication) -> str:
    if not actor.can(ENTERPRISE_PERMISSION) or actor.enterprise_id != app.enterprise_id:
        return READ
    if app.status in EDIT_STATUSES:
        return EDIT
    if app.status in SUPPLEMENT_STATUSES:
        return SUPPLEMENT
    return READ


def _require_viewer(actor: Actor) -> None:
    if not (actor.can(ENTERPRISE_PERMISSION) or actor.can(OFFICER_PERMISSION)):
        raise AccessDenied(ENTERPRISE_PERMISSION)


def list_scans(s: Session, actor: Actor, application_id: int) -> ScanList:
    """Return an application's scans, oldest first, and what this actor may do with them now."""
    _require_viewer(actor)
    app = load_application(s, actor, application_id)
    names = _doc_names(s)
    rows = [ScanRow(r.id, r.doc_code, *names.get(r.doc_code, (r.doc_code, r.doc_code)), r.filename, r.size,
                    r.media_type, r.uploaded_at)
            for r in s.scalars(select(ApplicationScan).where(ApplicationScan.application_id == app.id)
                               .order_by(ApplicationScan.uploaded_at, ApplicationScan.id))]
    mode = _mode(actor, app)
    doc_types = _doc_types(s, app) if mode != READ else []
    return ScanList(app.id, app.status, mode, rows, doc_types)


def add_scan(s: Session, actor: Actor, application_id: int, doc_code: str, filename: str, content: bytes, *,
             now: datetime | None = None) -> ApplicationScan:
    """Attach a scan to the actor's application (a supplementary declaration once submitted); flush."""
    actor.own_enterprise(ENTERPRISE_PERMISSION)
    now = now or datetime.now(timezone.utc)
    app = load_application(s, actor, application_id, for_update=True)  # one count at a time
    mode = _mode(actor, app)
    if mode == READ:
        raise ScanRefused("locked")
    doc_code = doc_code if isinstance(doc_code, str) else ""
    if doc_code not in {d.code for d in _doc_types(s, app)}:
        raise ScanRefused("doc_code")
    name, media_type = _checked_file(filename, content)
    count = s.scalar(select(func.count()).select_from(ApplicationScan)
                     .where(ApplicationScan.application_id == app.id)) or 0
    if count >= MAX_SCANS:
        raise ScanRefused("too_many")
    scan = ApplicationScan(application_id=app.id, doc_code=doc_code, filename=name,
                           blob_sha256=store_blob(s, content, media_type), size=len(content), media_type=media_type,
                           uploaded_by=actor.user_id, uploaded_at=now)
    s.add(scan)
    s.flush()
    details = {"application_id": app.id, "scan_id": scan.id, "doc_code": doc_code, "filename": name,
               "sha256": scan.blob_sha256, "size": scan.size}
    if mode == SUPPLEMENT:
        doc_zh = _doc_names(s).get(doc_code, (doc_code,))[0]
        reason = f"补充单证扫描件 {doc_zh} {name}"
        s.add(Event(code="app.supplemented", actor_id=actor.user_id, object_type="application",
                    object_id=str(app.id), enterprise_id=app.enterprise_id, district_code=app.district_code, at=now,
                    message=f"{EVENT_MESSAGES['app.supplemented']}：{reason}",
                    details={**details, "reason": reason, "status": app.status}))
    else:
        _audit(s, actor, app, scan, "app.scan_added", now, details)
    return scan


def replace_scan(s: Session, actor: Actor, scan_id: int, filename: str, content: bytes, *,
                 now: datetime | None = None) -> ApplicationScan:
    """Put another file in place of a scan of the actor's draft or returned application; flush."""
    actor.own_enterprise(ENTERPRISE_PERMISSION)
    now = now or datetime.now(timezone.utc)
    scan, app = _changeable(s, actor, scan_id)
    name, media_type = _checked_file(filename, content)
    before = {"filename": scan.filename, "sha256": scan.blob_sha256, "size": scan.size}
    scan.filename, scan.media_type, scan.size = name, media_type, len(content)
    scan.blob_sha256 = store_blob(s, content, media_type)
    scan.uploaded_by, scan.uploaded_at = actor.user_id, now
    s.flush()
    _audit(s, actor, app, scan, "app.scan_replaced", now,
           {"application_id": app.id, "scan_id": scan.id, "doc_code": scan.doc_code, "filename": name,
            "sha256": scan.blob_sha256, "size": scan.size, "before": before})
    return scan


def delete_scan(s: Session, actor: Actor, scan_id: int, *, now: datetime | None = None) -> str:
    """Remove a scan from the actor's draft or returned application and return its file name.

    The bytes stay: other rows may share them (content-addressed).
    """
    actor.own_enterprise(ENTERPRISE_PERMISSION)
    now = now or datetime.now(timezone.utc)
    scan, app = _changeable(s, actor, scan_id)
    details = {"application_id": app.id, "scan_id": scan.id, "doc_code": scan.doc_code, "filename": scan.filename,
               "sha256": scan.blob_sha256, "size": scan.size}
    _audit(s, actor, app, scan, "app.scan_deleted", now, details)
    filename = scan.filename
    s.delete(scan)
    s.flush()
    return filename


def scan_file(s: Session, actor: Actor, scan_id: int) -> StoredFile:
    """Return a scan's name, type and bytes to anyone who may see its application."""
    _require_viewer(actor)
    row = s.execute(
        select(ApplicationScan.filename, ApplicationScan.media_type, Blob.data)
        .join(Blob, Blob.sha256 == ApplicationScan.blob_sha256)
        .join(CertificateApplication, CertificateApplication.id == ApplicationScan.application_id)
        .where(ApplicationScan.id == scan_id, row_scope(actor, CertificateApplication))
    ).first()
    if row is None:
        raise NotFound(f"scan {scan_id}")
    return StoredFile(*row)


# --- checks -------------------------------------------------------------------------------------


def scan_name(filename: str, media_type: str) -> str:
    """Return the stored name: the last path part, cleaned, at most 255 characters, its extension kept.

    Raise ScanRefused("extension_mismatch") unless the extension belongs to `media_type`.
    """
    raw = filename if isinstance(filename, str) else ""
    base = raw.replace("\\", "/").rsplit("/", 1)[-1].strip()
    stem, dot, ext = base.rpartition(".")
    ext = f".{ext}".lower() if dot and stem else ""
    if ext not in SCAN_TYPES[media_type]:
        raise ScanRefused("extension_mismatch")
    return safe_filename(stem)[:MAX_NAME - len(ext)] + ext


def _checked_file(filename: str, content: bytes) -> tuple[str, str]:
    try:
        media_type = check_upload(Upload(filename or "", content or b""), frozenset(SCAN_TYPES), MAX_SCAN_BYTES)
    except UploadProblem as exc:
        raise ScanRefused(exc.code) from None
    name = scan_name(filename, media_type)
    if not _whole(media_type, content):
        raise ScanRefused("damaged")
    return name, media_type


def _whole(media_type: str, content: bytes) -> bool:
    """Check the structure a real file of this type has beyond its first bytes."""
    if media_type == "application/pdf":
        return b"%%EOF" in content[-1024:]
    if media_type == "image/png":
        return content[12:16] == b"IHDR"
    return b"\xff\xd9" in content[-1024:]  # JPEG end of image


# --- rows in scope ------------------------------------------------------------------------------


def _changeable(s: Session, actor: Actor, scan_id: int) -> tuple[ApplicationScan, CertificateApplication]:
    scan = s.scalar(
        select(ApplicationScan)
        .join(CertificateApplication, CertificateApplication.id == ApplicationScan.application_id)
        .where(ApplicationScan.id == scan_id, row_scope(actor, CertificateApplication))
    )
    if scan is None:
        raise NotFound(f"scan {scan_id}")
    app = load_application(s, actor, scan.application_id, for_update=True)
    mode = _mode(actor, app)
    if mode != EDIT:
        raise ScanRefused("add_only" if mode == SUPPLEMENT else "locked")
    return scan, app


def _doc_types(s: Session, app: CertificateApplication) -> list[DocType]:
    direction = s.scalar(select(Declaration.direction).where(Declaration.id == app.declaration_id))
    entries = s.scalars(select(DictEntry).where(DictEntry.dictionary == "attached_document",
                                                DictEntry.active.is_(True)).order_by(DictEntry.sort, DictEntry.code))
    return [DocType(e.code, e.name_zh, e.name_en) for e in entries
            if (e.extra or {}).get("direction") in (None, direction)]


def _doc_names(s: Session) -> dict[str, tuple[str, str]]:
    return {code: (zh, en) for code, zh, en in s.execute(
        select(DictEntry.code, DictEntry.name_zh, DictEntry.name_en)
        .where(DictEntry.dictionary == "attached_document"))}


def _audit(s: Session, actor: Actor, app: CertificateApplication, scan: ApplicationScan, code: str, now: datetime,
           details: dict) -> None:
    s.add(Event(code=code, actor_id=actor.user_id, object_type="application_scan", object_id=str(scan.id),
                enterprise_id=app.enterprise_id, district_code=app.district_code, at=now,
                message=f"{AUDIT_MESSAGES[code]}：{details['filename']}", details=details))

