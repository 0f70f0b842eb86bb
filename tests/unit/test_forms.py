"""Declared validation (data/core/forms.py): pydantic's findings come back as the project's reason codes."""
from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import field_validator

from data.core.forms import AnyText, Form, Invalid, checked, limit, problem, text_of


class Sample(Form):
    name: Annotated[AnyText, limit(5)] = ""
    code: Annotated[AnyText, limit(3)]

    @field_validator("code")
    @classmethod
    def _upper(cls, value: str) -> str:
        if value and not value.isupper():
            raise problem("code_format")
        return value


def test_clean_values_are_stripped_text_and_anything_else_reads_as_empty():
    form = checked(Sample, {"name": "  abc  ", "code": "AB"})
    assert (form.name, form.code) == ("abc", "AB")
    assert checked(Sample, {"name": 42, "code": None}).name == ""
    assert text_of({"a": " x "}, "a") == "x" and text_of({"a": ["x"]}, "a") == "" and text_of({}, "a") == ""


def test_every_problem_comes_back_by_field_as_a_reason_code():
    with pytest.raises(Invalid) as refused:
        checked(Sample, {"name": "toolong", "code": "ab", "extra": "?"})
    assert refused.value.errors == {"name": "too_long", "code": "code_format", "extra": "unknown_field"}
    with pytest.raises(Invalid) as missing:
        checked(Sample, {})
    assert missing.value.errors == {"code": "required"}


def test_a_domain_error_class_receives_the_problems():
    class SampleInvalid(Invalid):
        pass

    with pytest.raises(SampleInvalid) as refused:
        checked(Sample, {"code": "abc"}, SampleInvalid)
    assert refused.value.errors == {"code": "code_format"} and "code: code_format" in str(refused.value)
