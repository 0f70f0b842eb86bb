"""The certificate-application workflow of DESIGN.md: only the listed transitions exist.

Every transition checks the actor's permission and scope, the application's status and the version
the actor saw (optimistic lock: of two officers acting at once exactly one wins), and writes an
Event — the receipt (回执) the enterprise sees. Approval gives the certificate its number.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from pydantic import ValidationInfo, field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from auth.permissions import Perm
from data.core.forms import AnyText, Form, problem, validated
from data.core.numbers import next_value
from data.core.scope import Actor, NotFound, row_scope
from data.models import AppStatus, Certificate, CertificateApplication, Declaration, DeclStatus, Event

S = AppStatus
ENTERPRISE_PERMISSION = Perm.APPLICATION_EDIT
OFFICER_PERMISSION = Perm.APPLICATION_REVIEW
SIGN_PERMISSION = Perm.CERTIFICATE_SIGN
MAX_REASON = 1000

# receipt texts, shared with the demo data (data/demo.py)
EVENT_MESSAGES = {
    "app.created": "证书申请已暂存",
    "app.submitted": "证书申请已提交，等待海关受理",
    "app.review_started": "海关已受理，审核中",
    "app.returned": "证书申请被退回",
    "app.suspended": "证书申请暂停审核",
    "app.resumed": "证书申请恢复审核",
    "app.confirmation_requested": "海关已拟制证稿，请企业确认",
    "app.confirmed": "企业已确认证稿",
    "app.approved": "审核通过",
    "app.revoked": "企业已撤销申请",
    "app.supplemented": "企业已补发申报",
    "cert.issued": "证书已签发",
    "app.issued": "证书已签发",
    "cert.replaced": "证书已换发",
    "cert.withdrawn": "证书已撤回",
}


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str | None  # None: the status stays (a supplementary declaration)
    permission: str
    event: str
    needs_reason: bool = False
    via_service: bool = False  # taken only by its own service (issuing: data/certificates/issuing.py), not by `transition`


TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    Transition("submit", frozenset({S.DRAFT.value, S.RETURNED.value}), S.SUBMITTED.value, ENTERPRISE_PERMISSION,
               "app.submitted"),
    Transition("open", frozenset({S.SUBMITTED.value}), S.UNDER_REVIEW.value, OFFICER_PERMISSION,
               "app.review_started"),
    Transition("approve", frozenset({S.UNDER_REVIEW.value, S.CONFIRMED.value}), S.APPROVED.value,
               OFFICER_PERMISSION, "app.approved"),
    Transition("return", frozenset({S.UNDER_REVIEW.value}), S.RETURNED.value, OFFICER_PERMISSION, "app.returned",
               needs_reason=True),
    Transition("suspend", frozenset({S.UNDER_REVIEW.value}), S.SUSPENDED.value, OFFICER_PERMISSION, "app.suspended",
               needs_reason=True),
    Transition("resume", frozenset({S.SUSPENDED.value}), S.UNDER_REVIEW.value, OFFICER_PERMISSION, "app.resumed"),
    Transition("request_confirmation", frozenset({S.UNDER_REVIEW.value}), S.AWAITING_CONFIRMATION.value,
               OFFICER_PERMISSION, "app.confirmation_requested"),
    Transition("confirm", frozenset({S.AWAITING_CONFIRMATION.value}), S.CONFIRMED.value, ENTERPRISE_PERMISSION,
               "app.confirmed"),
    Transition("revoke", frozenset({S.SUBMITTED.value, S.UNDER_REVIEW.value}), S.REVOKED.value,
               ENTERPRISE_PERMISSION, "app.revoked"),
    Transition("supplement", frozenset({S.SUBMITTED.value, S.UNDER_REVIEW.value}), None, ENTERPRISE_PERMISSION,
               "app.supplemented", needs_reason=True),
    # issue and sign (cloud signature) or issue for ECIQ paper print: render, sign and store in one step
    Transition("issue", frozenset({S.APPROVED.value}), S.ISSUED.value, SIGN_PERMISSION, "cert.issued",
               via_service=True),
    Transition("issue_paper", frozenset({S.APPROVED.value}), S.ISSUED.value, SIGN_PERMISSION, "cert.issued",
               via_service=True),
)}


class ChangeReason(Form):
    """The reason given for a step (return, suspend, revoke; replace or withdraw a certificate): the context
    says whether the step needs one and its shortest length; at most MAX_REASON characters."""

    reason: AnyText = ""

    @field_validator("reason")
    @classmethod
    def _length(cls, text: str, info: ValidationInfo) -> str:
        context = info.context or {}
        if not text:
            if context.get("required"):
                raise problem("reason_required")
            return text
        if len(text) < context.get("shortest", 0):
            raise problem("reason_too_short")
        if len(text) > MAX_REASON:
            raise problem("reason_too_long")
        return text


def change_reason(reason: str | None, *, required: bool, shortest: int = 0) -> tuple[str, str | None]:
    """The reason as stored (stripped) and None, or the reason code of why it cannot be taken."""
    form, errors = validated(ChangeReason, {"reason": reason}, {"required": required, "shortest": shortest})
    return (form.reason, None) if form is not None else ("", errors["reason"])


class WorkflowError(ValueError):
    """A transition was refused; `code` says why (bad_transition, stale_version, reason_required, ...)."""

    def __init__(self, code: str, **values):
        super().__init__(code)
        self.code = code
        self.values = values


def load_application(s: Session, actor: Actor, application_id: int, *, for_update: bool = False
                     ) -> CertificateApplication:
    """Return an application inside the actor's scope; outside it, the same NotFound as a wrong id."""
    stmt = select(CertificateApplication).where(CertificateApplication.id == application_id,
                                                row_scope(actor, CertificateApplication))
    app = s.scalar(stmt.with_for_update() if for_update else stmt)
    if app is None:
        raise NotFound(f"application {application_id}")
    return app


def allowed_actions(actor: Actor, app: CertificateApplication) -> list[str]:
    """Return the transitions this actor may take on the application now (for the page's buttons)."""
    actions = [t.name for t in TRANSITIONS.values() if app.status in t.sources and actor.can(t.permission)]
    if app.needs_confirmation and app.status == S.UNDER_REVIEW.value and "approve" in actions:
        actions.remove("approve")  # a draft for the enterprise's confirmation must come first
    return actions


def transition(s: Session, actor: Actor, application_id: int, action: str, *, version: int,
               reason: str | None = None, now: datetime | None = None) -> CertificateApplication:
    """Take one workflow step on an application the actor saw at `version`; flush, and log the receipt."""
    step = TRANSITIONS.get(action)
    if step is None or step.via_service:
        raise WorkflowError("bad_transition", action=str(action)[:32])
    actor.require(step.permission)
    now = now or datetime.now(timezone.utc)
    app = load_application(s, actor, application_id)
    if app.version != version:
        raise WorkflowError("stale_version")
    if app.status not in step.sources or action not in allowed_actions(actor, app):
        raise WorkflowError("bad_transition", action=action, status=app.status)
    reason, refusal = change_reason(reason, required=step.needs_reason)
    if refusal:
        raise WorkflowError(refusal)
    try:
        if step.target is not None:
            _apply(s, actor, app, step, step.target, reason, now)
        s.flush()  # the UPDATE carries "WHERE version = <seen>": a concurrent step makes it match nothing
    except StaleDataError:
        raise WorkflowError("stale_version") from None  # the caller's transaction rolls back
    message = EVENT_MESSAGES[step.event] + (f"：{reason}" if reason else "")
    s.add(Event(code=step.event, actor_id=actor.user_id, object_type="application", object_id=str(app.id),
                enterprise_id=app.enterprise_id, district_code=app.district_code, at=now, message=message,
                details={"reason": reason, "status": app.status, **(
                    {"certificate_no": app.certificate_no} if action == "approve" else {})}))
    if step.permission == OFFICER_PERMISSION:
        declaration_follows(s, actor, app, step.event, now, reason)
    return app


# what a declaration's receipts (查看回执) say when customs acts on one of its applications
DECLARATION_RECEIPTS = {
    "app.review_started": "海关已接收报检，受理证书申请 {id}（{type}）",
    "app.approved": "证书申请 {id}（{type}）审核通过",
    "app.returned": "证书申请 {id}（{type}）被退回",
    "app.suspended": "证书申请 {id}（{type}）暂停审核",
    "app.confirmation_requested": "证书申请 {id}（{type}）已拟制证稿，请企业确认",
    "app.issued": "证书申请 {id}（{type}）已签发证书 {no}",
}


def declaration_follows(s: Session, actor: Actor, app: CertificateApplication, event: str, now: datetime,
                        reason: str | None = None) -> None:
    """The declaration of `app` hears what customs did: received (已回执) once customs takes an application
    up, and a receipt line for each step of its applications."""
    text = DECLARATION_RECEIPTS.get(event)
    decl = s.get(Declaration, app.declaration_id) if app.declaration_id else None
    if text is None or decl is None:
        return
    if decl.status == DeclStatus.SENT.value:
        decl.status = DeclStatus.RECEIPTED.value
    message = text.format(id=app.id, type=app.cert_type_code, no=app.certificate_no or "") + (
        f"：{reason}" if reason else "")
    s.add(Event(code="decl.receipted" if event == "app.review_started" else "decl.application_step",
                actor_id=actor.user_id, object_type="declaration", object_id=str(decl.id),
                enterprise_id=decl.enterprise_id, district_code=decl.district_code, at=now, message=message[:1000],
                details={"application_id": app.id, "step": event, "status": decl.status}))


def _apply(s: Session, actor: Actor, app: CertificateApplication, step: Transition, target: str, reason: str,
           now: datetime) -> None:
    app.status = target
    if step.name == "submit":
        app.submitted_at = now
    if step.permission == OFFICER_PERMISSION:
        app.reviewer_id = actor.user_id
        app.reviewed_at = now
        if reason:
            app.review_comment = reason
    if step.name == "approve":
        app.approved_at = now
        app.certificate_no = next_certificate_no(s, app.district_code, app.cert_type_code, now)


def certificate_prefix(district_code: str, cert_type_code: str, moment: date) -> str:
    """Certificate numbers: issuing district, 2-digit year, certificate type, then a 7-digit sequence."""
    return f"{district_code}{moment.year % 100:02d}{cert_type_code:0>2}"


def next_certificate_no(s: Session, district_code: str, cert_type_code: str, now: datetime) -> str:
    """Hand out the next certificate number under its prefix; concurrent callers never get the same one."""
    prefix = certificate_prefix(district_code, cert_type_code, now)
    return f"{prefix}{next_value(s, prefix, lambda: _highest_in_store(s, prefix)):07d}"


def _highest_in_store(s: Session, prefix: str) -> int:
    highest = 0
    for column in (Certificate.certificate_no, CertificateApplication.certificate_no):
        number = s.scalar(select(func.max(column)).where(column.startswith(prefix, autoescape=True)))
        if number and number[len(prefix):].isdigit():
            highest = max(highest, int(number[len(prefix):]))
    return highest


@dataclass(frozen=True)
class Receipt:
    at: datetime
    code: str
    message: str
    reason: str | None
    details: dict = field(default_factory=dict, compare=False)  # the event's values (numbers), for other languages


def receipts(s: Session, actor: Actor, application_id: int) -> list[Receipt]:
    """Return the application's receipts (回执), oldest first, to anyone who may see the application."""
    load_application(s, actor, application_id)
    rows = s.scalars(select(Event).where(Event.object_type == "application", Event.object_id == str(application_id))
                     .order_by(Event.at, Event.id))
    return [Receipt(e.at, e.code, e.message, (e.details or {}).get("reason") or None, dict(e.details or {}))
            for e in rows]
