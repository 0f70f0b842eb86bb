"""Declared validation: a form is a pydantic model; its problems come back as {field: reason code}.

Pages map reason codes to messages in the user's language (zh/en), as they always have, and show
each next to its field. The codes are the project's own: pydantic's error types are translated
here (a string over its `max_length` is "too_long", a missing or blank required value "required",
a field the form does not know "unknown_field"); a validator raises `problem("code")` for a rule
of its own.

Why pydantic v2 and not WTForms: the data layer validates plain dicts from callbacks, imports and
the CLI, not HTML form posts; pydantic is already installed with Dash, types the cleaned values,
and its validators are plain functions the service tests can call.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, StringConstraints, ValidationError
from pydantic_core import PydanticCustomError

F = TypeVar("F", bound="Form")

# pydantic's error type -> the project's reason code
REASONS = {
    "string_too_long": "too_long",
    "missing": "required",
    "string_too_short": "required",
    "extra_forbidden": "unknown_field",
}


class Form(BaseModel):
    """A form's fields as typed, stripped text; unknown fields are refused; a field left out is read
    as its default and checked as one (a required field left out is "required")."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    @classmethod
    def across(cls, values: Mapping[str, Any], found: Mapping[str, str], context: Mapping[str, Any]) -> dict[str, str]:
        """Rules across fields (a confirmation matching, one field needed because of another): the
        problems they find in the raw `values`, given those the fields' own rules `found`."""
        return {}


def _text(value: Any) -> Any:
    """Anything that is not text is read as empty (a forged callback value, a None from an empty box)."""
    return value if isinstance(value, str) else ""


# typed text, stripped; '' when empty or not text. Give it a length: `name: Annotated[AnyText, limit(128)] = ""`
AnyText = Annotated[str, BeforeValidator(_text), StringConstraints(strip_whitespace=True)]
# text taken exactly as typed, spaces included (a password); '' when not text
ExactText = Annotated[str, BeforeValidator(_text)]


def limit(max_length: int) -> StringConstraints:
    """At most `max_length` characters (after stripping): more is "too_long"."""
    return StringConstraints(max_length=max_length)


def needed(reason: str = "required") -> AfterValidator:
    """Text must be given: empty (or blank, or not text) is `reason`."""
    def check(value: str) -> str:
        if not value:
            raise problem(reason)
        return value
    return AfterValidator(check)


# text that must be given: empty (or blank, or not text) is "required". `Annotated[Required, limit(64)] = ""`
Required = Annotated[AnyText, needed()]


def matching(pattern: re.Pattern[str], reason: str) -> AfterValidator:
    """Text, when given, matches `pattern` (checked after the length); otherwise `reason`."""
    def check(value: str) -> str:
        if value and not pattern.match(value):
            raise problem(reason)
        return value
    return AfterValidator(check)


def checked_by(check: Callable[[str], str | None]) -> AfterValidator:
    """Text, when given, passes `check`, which returns the reason it does not (a check digit's rule)."""
    def run(value: str) -> str:
        if value and (reason := check(value)):
            raise problem(reason)
        return value
    return AfterValidator(run)


def one_of(choices: tuple[str, ...], reason: str) -> AfterValidator:
    """Text, when given, is one of `choices`; otherwise `reason`."""
    def check(value: str) -> str:
        if value and value not in choices:
            raise problem(reason)
        return value
    return AfterValidator(check)


# typed letters taken in capitals or in small letters (codes); put it before a `matching` that expects them
Upper = AfterValidator(str.upper)
Lower = AfterValidator(str.lower)


def _flag(value: Any) -> bool:
    if isinstance(value, list):  # a check list: ticked when any value is
        return bool(value)
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return value is True


# a check box or switch as a page sends it: True, a non-empty list of ticked values, or "true"/"1"/"yes"/"on"
Flag = Annotated[bool, BeforeValidator(_flag)]


def whole_number(high: int, reason: str, low: int = 0) -> BeforeValidator:
    """A whole number typed as text (or given as an int) from `low` to `high`; empty reads as `low`."""
    def read(value: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            text = str(value)
        else:
            text = value.strip() if isinstance(value, str) else ""
        if not text:
            return low
        if not (text.isdecimal() and text.isascii()) or not low <= int(text) <= high:
            raise problem(reason)
        return int(text)
    return BeforeValidator(read)


def text_of(values: Mapping[str, Any], name: str) -> str:
    """A raw value as the forms read it: stripped text, '' for anything else."""
    return str(_text(values.get(name))).strip()


def exact_text(values: Mapping[str, Any], name: str) -> str:
    """A raw value exactly as typed (a password), '' for anything that is not text."""
    return str(_text(values.get(name)))


def problem(code: str) -> PydanticCustomError:
    """The error a validator raises for one of the project's own rules (the code is shown to no one as is)."""
    return PydanticCustomError(code, code)


class Invalid(ValueError):
    """A form's problems: field name -> reason code (the base of each domain's `...Invalid`)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def reasons(exc: ValidationError, form: type[BaseModel] | None = None) -> dict[str, str]:
    """{field: reason code} of a ValidationError, the first problem of each field (model-wide ones under '').

    A field with an alias is named by it, also where pydantic names it otherwise (its default checked).
    """
    aliases = {name: f.alias for name, f in form.model_fields.items() if f.alias} if form is not None else {}
    found: dict[str, str] = {}
    for error in exc.errors():
        loc = [aliases.get(part, part) if i == 0 and isinstance(part, str) else part
               for i, part in enumerate(error["loc"])]
        field = ".".join(str(part) for part in loc)
        found.setdefault(field, REASONS.get(error["type"], error["type"]))
    return found


def validated(form: type[F], values: Mapping[str, Any],
              context: Mapping[str, Any] | None = None) -> tuple[F | None, dict[str, str]]:
    """The form's cleaned values and no problems, or None and {field: reason code}.

    For a service that adds checks of its own (against the store) to the form's before it refuses.
    `context` reaches the form's validators (`info.context`): what a rule depends on beyond the values.
    """
    given = dict(context) if context is not None else {}
    try:
        clean: F | None = form.model_validate(dict(values), context=given)
        found: dict[str, str] = {}
    except ValidationError as exc:
        clean, found = None, reasons(exc, form)
    for name, reason in form.across(values, found, given).items():
        found.setdefault(name, reason)
    return (clean, {}) if not found else (None, found)


def checked(form: type[F], values: Mapping[str, Any], invalid: type[Invalid] = Invalid,
            context: Mapping[str, Any] | None = None) -> F:
    """Return the form's cleaned values, or raise `invalid` with every field's problem."""
    clean, errors = validated(form, values, context)
    if clean is None:
        raise invalid(errors)
    return clean
