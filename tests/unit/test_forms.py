"""Declared validation (data/core/forms.py): pydantic's findings come back as the project's reason codes."""
from __future__ import annotations

import re
from typing import Annotated

import pytest
from pydantic import ValidationInfo, field_validator

from data.core.forms import (
    AnyText,
    ExactText,
    Flag,
    Form,
    Invalid,
    Required,
    Upper,
    checked,
    exact_text,
    limit,
    matching,
    one_of,
    problem,
    text_of,
    validated,
    whole_number,
)


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


class Entry(Form):
    code: Annotated[Required, limit(4), Upper, matching(re.compile(r"^[A-Z]{2}\d?$"), "code_format")] = ""
    kind: Annotated[AnyText, one_of(("a", "b"), "choose_one")] = ""
    sort: Annotated[int, whole_number(99, "sort_number")] = 0
    shown: Flag = False


@pytest.mark.parametrize("values, problems", [
    ({}, {"code": "required"}),
    ({"code": "   "}, {"code": "required"}),
    ({"code": None}, {"code": "required"}),
    ({"code": "abcde"}, {"code": "too_long"}),  # the length first, then the format
    ({"code": "a1"}, {"code": "code_format"}),
    ({"code": "cn", "kind": "c"}, {"kind": "choose_one"}),
    ({"code": "cn", "sort": "100"}, {"sort": "sort_number"}),
    ({"code": "cn", "sort": "-1"}, {"sort": "sort_number"}),
    ({"code": "cn", "sort": "１２"}, {"sort": "sort_number"}),  # full-width digits are not a number typed here
])
def test_declared_rules_give_the_reason_a_page_explains(values, problems):
    clean, found = validated(Entry, values)
    assert clean is None and found == problems


def test_declared_rules_clean_what_they_accept():
    entry = checked(Entry, {"code": " cn1 ", "kind": "b", "sort": " 7 ", "shown": ["yes"]})
    assert (entry.code, entry.kind, entry.sort, entry.shown) == ("CN1", "b", 7, True)
    assert checked(Entry, {"code": "CN", "sort": 12, "shown": "on"}).model_dump() == {
        "code": "CN", "kind": "", "sort": 12, "shown": True}
    assert checked(Entry, {"code": "CN", "sort": "", "shown": []}).model_dump() == {
        "code": "CN", "kind": "", "sort": 0, "shown": False}
    assert checked(Entry, {"code": "CN", "shown": "false"}).shown is False
    assert checked(Entry, {"code": "CN", "sort": True}).sort == 0  # neither text nor a number: read as empty


class Typed(Form):
    value: Required = ""

    @field_validator("value")
    @classmethod
    def _by_kind(cls, text: str, info: ValidationInfo) -> str:
        if (info.context or {}).get("kind") == "int" and not text.isdecimal():
            raise problem("whole_number")
        return text


def test_a_rule_can_depend_on_the_validation_context():
    assert validated(Typed, {"value": "x"})[1] == {}
    assert validated(Typed, {"value": "x"}, {"kind": "int"})[1] == {"value": "whole_number"}
    with pytest.raises(Invalid) as refused:
        checked(Typed, {"value": "x"}, context={"kind": "int"})
    assert refused.value.errors == {"value": "whole_number"}


def test_a_field_with_an_alias_is_named_by_it_also_when_left_out():
    from pydantic import Field, create_model

    keyed = create_model("Keyed", __base__=Form, field_0=(Required, Field("", alias="json")))  # a name pydantic keeps
    assert validated(keyed, {})[1] == {"json": "required"}
    assert validated(keyed, {"json": " "})[1] == {"json": "required"}
    assert validated(keyed, {"json": "x", "copy": "y"})[1] == {"copy": "unknown_field"}
    assert checked(keyed, {"json": " x "}).model_dump(by_alias=True) == {"json": "x"}


class Confirmed(Form):
    password: ExactText = ""
    confirm: ExactText = ""

    @classmethod
    def across(cls, values, found, context):
        return {} if exact_text(values, "password") == exact_text(values, "confirm") else {"confirm": "mismatch"}


def test_rules_across_fields_add_their_problems_and_text_can_be_taken_exactly():
    assert checked(Confirmed, {"password": " a b ", "confirm": " a b "}).password == " a b "  # spaces kept
    assert validated(Confirmed, {"password": "a", "confirm": "b"}) == (None, {"confirm": "mismatch"})
