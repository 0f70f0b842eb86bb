"""系统参数 (Liaoning 5.2.1): add, search, edit and delete system parameters, with the history of
each one's changes (经办详细/操作历史) read back from the audit events its changes write.

Any key in the dotted lower-case form is accepted with a text value. The parameters the code reads
are declared in KNOWN_PARAMETERS with their type and range: their values are checked the way their
readers will read them (`data.core.rate_limit.parameter_int`), so a value saved here is never silently
replaced by the default at run time. Deleting a known parameter brings its default back.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Annotated, NamedTuple

from pydantic import ConfigDict, ValidationInfo, field_validator
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from auth.permissions import Perm
from data.accounts.sessions import ABSOLUTE_PARAMETER, DEFAULT_ABSOLUTE_HOURS, DEFAULT_IDLE_MINUTES, IDLE_PARAMETER
from data.accounts.signin import DEFAULT_LOCK_MINUTES, DEFAULT_LOCK_THRESHOLD, LOCK_MINUTES_PARAMETER, LOCK_THRESHOLD_PARAMETER
from data.admin.common import AdminInvalid, delete_recorded, text_of
from data.certificates.issuing import CHANGE_DAYS_PARAMETER, DEFAULT_CHANGE_DAYS
from data.certificates.verification import (
    DEFAULT_PER_HOUR,
    DEFAULT_PER_MINUTE,
    PER_HOUR_PARAMETER,
    PER_MINUTE_PARAMETER,
)
from data.core.audit import EventRow, object_history, record_change
from data.core.forms import AnyText, Form, Required, limit, matching, problem, validated
from data.core.paging import Page, clamp_paging
from data.core.scope import Actor, NotFound
from data.models import SystemParameter, User, as_utc
from data.statistics.alerts import DEFAULT_PROMISE_DAYS, PROMISE_PARAMETER

PERMISSION = Perm.ADMIN_PARAMETERS
KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
KEY_LIMIT = 64
VALUE_LIMIT = 2000
DESCRIPTION_LIMIT = 256
MAX_PAGE_SIZE = 200
MAX_EXPORT_ROWS = 10_000
OBJECT_TYPE = "parameter"


class KnownParameter(NamedTuple):
    """A parameter the code reads: its type ("int" | "flag"), default and allowed range."""

    key: str
    kind: str
    default: object
    description_zh: str
    description_en: str
    minimum: int | None = None
    maximum: int | None = None


KNOWN_PARAMETERS: tuple[KnownParameter, ...] = (
    KnownParameter(PER_MINUTE_PARAMETER, "int", DEFAULT_PER_MINUTE, "证书核查：每个地址每分钟最多请求次数",
                   "Certificate verification: requests per address per minute", 1, 1_000_000),
    KnownParameter(PER_HOUR_PARAMETER, "int", DEFAULT_PER_HOUR, "证书核查：每个地址每小时最多请求次数",
                   "Certificate verification: requests per address per hour", 1, 1_000_000),
    KnownParameter(CHANGE_DAYS_PARAMETER, "int", DEFAULT_CHANGE_DAYS, "证书签发后可换发或撤回的天数",
                   "Days after issue within which a certificate may be replaced or withdrawn", 1, 3650),
    KnownParameter(LOCK_THRESHOLD_PARAMETER, "int", DEFAULT_LOCK_THRESHOLD, "登录：同一地址对同一账号失败多少次后须等待",
                   "Sign-in: failures of one account from one address before that client must wait", 3, 100),
    KnownParameter(LOCK_MINUTES_PARAMETER, "int", DEFAULT_LOCK_MINUTES, "登录：失败次数的统计时长与等待分钟数",
                   "Sign-in: minutes over which failures are counted, and the wait after too many", 1, 1440),
    KnownParameter(IDLE_PARAMETER, "int", DEFAULT_IDLE_MINUTES, "登录会话：无操作多少分钟后失效",
                   "Sign-in sessions: minutes without activity after which a session ends", 5, 7 * 24 * 60),
    KnownParameter(ABSOLUTE_PARAMETER, "int", DEFAULT_ABSOLUTE_HOURS, "登录会话：登录后最长有效小时数",
                   "Sign-in sessions: hours after sign-in at which a session ends in any case", 1, 30 * 24),
    KnownParameter(PROMISE_PARAMETER, "int", DEFAULT_PROMISE_DAYS, "证书申请审核承诺时限（工作日），超过即在首页预警",
                   "Working days within which applications are promised a review; older ones are flagged on the "
                   "managers' home page", 1, 30),
)
KNOWN = {p.key: p for p in KNOWN_PARAMETERS}
TRUE_WORDS, FALSE_WORDS = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


@dataclass(frozen=True)
class ParameterRow:
    key: str
    value: str
    description: str
    updated_at: datetime | None
    updated_by: str  # the account of the last editor ('' if unknown)
    known: KnownParameter | None


def _matching(key_text: str, value_text: str):
    conditions = []
    key_text = (key_text or "").strip()[:KEY_LIMIT]
    if key_text:
        conditions.append(or_(SystemParameter.key.icontains(key_text, autoescape=True),
                              SystemParameter.description.icontains(key_text, autoescape=True)))
    value_text = (value_text or "").strip()[:VALUE_LIMIT]
    if value_text:
        conditions.append(SystemParameter.value.icontains(value_text, autoescape=True))
    return conditions


def _rows(s: Session, conditions, offset: int, limit: int) -> list[ParameterRow]:
    editor = aliased(User)
    rows = s.execute(select(SystemParameter, editor.account).outerjoin(editor, editor.id == SystemParameter.updated_by)
                     .where(*conditions).order_by(SystemParameter.key).offset(offset).limit(limit))
    return [ParameterRow(p.key, p.value, p.description or "", as_utc(p.updated_at), account or "", KNOWN.get(p.key))
            for p, account in rows]


def list_parameters(s: Session, actor: Actor, key_text: str = "", value_text: str = "", page: int = 0,
                    page_size: int = 20) -> Page[ParameterRow]:
    """参数查询: one page of parameters whose key (or description) and value contain the texts, by key."""
    actor.require(PERMISSION)
    page, page_size = clamp_paging(page, page_size, MAX_PAGE_SIZE)
    conditions = _matching(key_text, value_text)
    total = s.scalar(select(func.count()).select_from(SystemParameter).where(*conditions)) or 0
    return Page(_rows(s, conditions, page * page_size, page_size), total, page, page_size)


def all_parameters(s: Session, actor: Actor, key_text: str = "", value_text: str = "") -> list[ParameterRow]:
    """Every parameter matching the search (全部, for the export), by key; at most MAX_EXPORT_ROWS."""
    actor.require(PERMISSION)
    return _rows(s, _matching(key_text, value_text), 0, MAX_EXPORT_ROWS)


def _load(s: Session, key: str) -> SystemParameter:
    parameter = s.get(SystemParameter, key) if isinstance(key, str) and key else None
    if parameter is None:
        raise NotFound(f"parameter {key}")
    return parameter


def get_parameter(s: Session, actor: Actor, key: str) -> ParameterRow:
    actor.require(PERMISSION)
    parameter = _load(s, key)
    editor = s.get(User, parameter.updated_by) if parameter.updated_by else None
    return ParameterRow(parameter.key, parameter.value, parameter.description or "", as_utc(parameter.updated_at),
                        editor.account if editor else "", KNOWN.get(parameter.key))


# --- checking -------------------------------------------------------------------------------------


def typed_value(key: str, text: str) -> str:
    """A known parameter's value as stored ('true'/'false', a whole number in its range); others as typed."""
    known = KNOWN.get(key)
    if known is None:
        return text
    if known.kind == "int":
        if not (text.lstrip("-").isdecimal() and text.isascii()):
            raise problem("whole_number")
        number = int(text)
        if (known.minimum is not None and number < known.minimum) or (known.maximum is not None
                                                                       and number > known.maximum):
            raise problem("out_of_range")
        return str(number)
    if known.kind == "flag":
        word = text.lower()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return "true" if word in TRUE_WORDS else "false"
        raise problem("true_or_false")
    return text


class ParameterForm(Form):
    """A parameter's value (typed by its key, given as the validation context) and description."""

    model_config = ConfigDict(extra="ignore")

    value: Annotated[Required, limit(VALUE_LIMIT)] = ""
    description: Annotated[AnyText, limit(DESCRIPTION_LIMIT)] = ""

    @field_validator("value")
    @classmethod
    def _by_key(cls, text: str, info: ValidationInfo) -> str:
        return typed_value((info.context or {}).get("key", ""), text)


class NewParameterKey(Form):
    """A new parameter's key: lower-case words joined by dots."""

    model_config = ConfigDict(extra="ignore")

    key: Annotated[Required, limit(KEY_LIMIT), matching(KEY_RE, "parameter_key_format")] = ""


def _clean(key: str, values: dict, errors: dict[str, str]) -> tuple[str, str]:
    form, problems = validated(ParameterForm, values, {"key": key})
    errors.update(problems)
    if form is None:
        return "", ""
    known = KNOWN.get(key)
    return form.value, form.description or (known.description_zh if known is not None else "")


def _audit(parameter: SystemParameter) -> dict:
    return {"value": parameter.value, "description": parameter.description}


# --- changing -------------------------------------------------------------------------------------


def create_parameter(s: Session, actor: Actor, values: dict, now: datetime | None = None) -> ParameterRow:
    """新增 a parameter: a new key (lower-case words joined by dots) with its value and description."""
    actor.require(PERMISSION)
    new, errors = validated(NewParameterKey, values)
    key = new.key if new else ""
    if key and s.get(SystemParameter, key) is not None:
        errors["key"] = "key_taken"
    value, description = _clean(key, values, errors)
    if errors:
        raise AdminInvalid(errors)
    parameter = SystemParameter(key=key, value=value, description=description or None,
                                updated_at=now or datetime.now(timezone.utc), updated_by=actor.user_id)
    s.add(parameter)
    try:
        s.flush()
    except IntegrityError:
        raise AdminInvalid({"key": "key_taken"}) from None
    record_change(s, actor, "admin.parameter.created", OBJECT_TYPE, key, None, _audit(parameter))
    return get_parameter(s, actor, key)


def update_parameter(s: Session, actor: Actor, key: str, values: dict, now: datetime | None = None) -> ParameterRow:
    """编辑: change a parameter's value and description; its key stays (code reads it by key)."""
    actor.require(PERMISSION)
    parameter = _load(s, key)
    errors: dict[str, str] = {}
    if "key" in values and text_of(values, "key") not in ("", key):
        errors["key"] = "key_fixed"
    value, description = _clean(key, values, errors)
    if errors:
        raise AdminInvalid(errors)
    before = _audit(parameter)
    parameter.value = value
    parameter.description = description or None
    if _audit(parameter) != before:
        parameter.updated_at = now or datetime.now(timezone.utc)
        parameter.updated_by = actor.user_id
        s.flush()
        record_change(s, actor, "admin.parameter.updated", OBJECT_TYPE, key, before, _audit(parameter))
    return get_parameter(s, actor, key)


def delete_parameter(s: Session, actor: Actor, key: str) -> None:
    """删除 a parameter (a known one falls back to its default); its history stays in the audit log."""
    actor.require(PERMISSION)
    parameter = _load(s, key)
    delete_recorded(s, actor, parameter, "admin.parameter.deleted", OBJECT_TYPE, key, _audit(parameter))


def parameter_history(s: Session, actor: Actor, key: str, limit: int = 200) -> list[EventRow]:
    """操作历史: the events of the parameter's key (who, when, its values before and after), newest first.

    Read from the audit log by object (index ix_event_object), so a deleted and re-added key shows its
    whole past.
    """
    actor.require(PERMISSION)
    return object_history(s, actor, OBJECT_TYPE, key, max(1, min(limit, 1000)))
