"""Certificate templates (证稿模板, Liaoning 5.8.1): an application's content saved by name, reused for new applications."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from data.applications.form import (
    GOODS_COLUMNS,
    PERMISSION,
    ApplicationInput,
    ApplicationInvalid,
    clean_input,
    goods_rows_of,
    value_text,
)
from data.applications.workflow import load_application
from data.core.db import rowcount
from data.core.forms import Form, Required, checked, limit
from data.core.scope import Actor, NotFound
from data.models import (
    CertificateFormat,
    CertificateTemplate,
)

# --- templates (证稿模板) -------------------------------------------------------------------------


def save_as_template(s: Session, actor: Actor, application_id: int, name: str) -> CertificateTemplate:
    """存为模板: keep an application's fields and goods under a name unique in the enterprise."""
    enterprise_id = actor.own_enterprise(PERMISSION)
    name = _template_name(s, enterprise_id, name)
    app = load_application(s, actor, application_id)
    template = CertificateTemplate(enterprise_id=enterprise_id, name=name, format_code=app.format_code,
                                   fields=dict(app.fields or {}), goods=goods_rows_of(app.goods),
                                   needs_confirmation=app.needs_confirmation, created_by=actor.user_id)
    s.add(template)
    s.flush()
    return template


class TemplateNameForm(Form):
    """A certificate template's name (证稿模板名称), unique in the enterprise (checked against the store)."""

    template_name: Annotated[Required, limit(64)] = ""


def _template_name(s: Session, enterprise_id: int, name: str, template_id: int | None = None) -> str:
    """Return the name stripped, if it is given, short enough and not another template's of the enterprise."""
    name = checked(TemplateNameForm, {"template_name": name}, ApplicationInvalid).template_name
    if s.scalar(select(CertificateTemplate.id).where(CertificateTemplate.enterprise_id == enterprise_id,
                                                     CertificateTemplate.name == name,
                                                     CertificateTemplate.id != (template_id or 0))):
        raise ApplicationInvalid({"template_name": "template_name_taken"})
    return name


def list_templates(s: Session, actor: Actor, name: str = "", format_code: str = "") -> list[CertificateTemplate]:
    """Return the enterprise's templates by name: those whose name contains `name`, of one format if given."""
    enterprise_id = actor.own_enterprise(PERMISSION)
    stmt = select(CertificateTemplate).where(CertificateTemplate.enterprise_id == enterprise_id)
    if format_code:
        stmt = stmt.where(CertificateTemplate.format_code == format_code)
    if name.strip():
        stmt = stmt.where(CertificateTemplate.name.contains(name.strip()[:64], autoescape=True))
    return list(s.scalars(stmt.order_by(CertificateTemplate.name)))


def delete_templates(s: Session, actor: Actor, template_ids: list[int]) -> int:
    """Delete several of the enterprise's templates at once (批量删除); others' ids are ignored."""
    enterprise_id = actor.own_enterprise(PERMISSION)
    deleted = s.execute(delete(CertificateTemplate).where(CertificateTemplate.enterprise_id == enterprise_id,
                                                          CertificateTemplate.id.in_(list(template_ids))))
    return rowcount(deleted)


def update_template(s: Session, actor: Actor, template_id: int, name: str, data: ApplicationInput,
                    now: datetime | None = None) -> CertificateTemplate:
    """Edit a template's name, fields and goods, checked as a draft is (formats, not completeness)."""
    template = own_template(s, actor, template_id)
    name = _template_name(s, template.enterprise_id, name, template.id)
    cleaned = clean_input(s, s.get_one(CertificateFormat, template.format_code), data, draft=True)
    template.name = name
    template.fields = cleaned.fields
    template.goods = [{c: value_text(g[c]) for c in GOODS_COLUMNS} for g in cleaned.goods]
    template.needs_confirmation = cleaned.needs_confirmation
    template.updated_at = now or datetime.now(timezone.utc)
    s.flush()
    return template


def own_template(s: Session, actor: Actor, template_id: int) -> CertificateTemplate:
    enterprise_id = actor.own_enterprise(PERMISSION)
    template = s.scalar(select(CertificateTemplate).where(CertificateTemplate.id == template_id,
                                                          CertificateTemplate.enterprise_id == enterprise_id))
    if template is None:
        raise NotFound(f"template {template_id}")
    return template
