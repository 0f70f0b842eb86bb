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

from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints, ValidationError
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
    """A form's fields as typed, stripped text; unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


def _text(value: Any) -> Any:
    """Anything that is not text is read as empty (a forged callback value, a None from an empty box)."""
    return value if isinstance(value, str) else ""


# typed text, stripped; '' when empty or not text. Give it a length: `name: Annotated[AnyText, limit(128)] = ""`
AnyText = Annotated[str, BeforeValidator(_text), StringConstraints(strip_whitespace=True)]


def limit(max_length: int) -> StringConstraints:
    """At most `max_length` characters (after stripping): more is "too_long"."""
    return StringConstraints(max_length=max_length)


def text_of(values: Mapping[str, Any], name: str) -> str:
    """A raw value as the forms read it: stripped text, '' for anything else."""
    return str(_text(values.get(name))).strip()


def problem(code: str) -> PydanticCustomError:
    """The error a validator raises for one of the project's own rules (the code is shown to no one as is)."""
    return PydanticCustomError(code, code)


class Invalid(ValueError):
    """A form's problems: field name -> reason code (the base of each domain's `...Invalid`)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def reasons(exc: ValidationError) -> dict[str, str]:
    """{field: reason code} of a ValidationError, the first problem of each field (model-wide ones under '')."""
    found: dict[str, str] = {}
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) if error["loc"] else ""
        found.setdefault(field, REASONS.get(error["type"], error["type"]))
    return found


def checked(form: type[F], values: Mapping[str, Any], invalid: type[Invalid] = Invalid) -> F:
    """Return the form's cleaned values, or raise `invalid` with every field's problem."""
    try:
        return form.model_validate(dict(values))
    except ValidationError as exc:
        raise invalid(reasons(exc)) from None
