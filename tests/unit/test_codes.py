"""GB 32100 credit codes and GB 11714 organisation codes: check characters and clear reasons."""
from __future__ import annotations

import random

import pytest

from data.reference.codes import (
    CREDIT_ALPHABET,
    credit_code_check,
    credit_code_problem,
    format_org_code,
    org_code_check,
    org_code_problem,
)

# D2143569-X is the example commonly given for GB 11714; the others are checked by hand
KNOWN_ORG = [("D2143569", "X"), ("12345678", "8"), ("00000000", "0")]


@pytest.mark.parametrize("body,check", KNOWN_ORG)
def test_org_check_characters(body, check):
    assert org_code_check(body) == check


def test_commonly_cited_valid_credit_code():
    assert credit_code_check("91350100M000100Y4") == "3"
    assert credit_code_problem("91350100M000100Y43") is None


def make_credit_code(rng: random.Random) -> str:
    org_body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    org = org_body + org_code_check(org_body)
    body = "91" + "".join(rng.choice("0123456789") for _ in range(6)) + org
    return body + credit_code_check(body)


def test_generated_codes_validate_and_every_single_change_is_caught():
    rng = random.Random(7)
    for _ in range(50):
        code = make_credit_code(rng)
        assert credit_code_problem(code) is None
        pos = rng.randrange(18)
        replacement = rng.choice([c for c in CREDIT_ALPHABET if c != code[pos]])
        altered = code[:pos] + replacement + code[pos + 1:]
        assert credit_code_problem(altered) is not None


@pytest.mark.parametrize("code,reason", [
    ("", "required"),
    ("91350100M000100Y4", "credit_length"),
    ("91350100M000100Y4O", "credit_characters"),
    ("91AB0100M000100Y43", "credit_division"),
    ("91350100M000100Y44", "credit_check"),
])
def test_credit_code_reasons(code, reason):
    assert credit_code_problem(code) == reason


def test_credit_code_with_valid_outer_check_but_broken_org_code_is_refused():
    body = "91350100" + "12345678" + "0"  # org check should be 8
    code = body + credit_code_check(body)
    assert credit_code_problem(code) == "credit_org_check"


def test_org_code_forms_and_reasons():
    assert org_code_problem("D2143569-X") is None
    assert org_code_problem("d2143569x") is None
    assert org_code_problem("D2143569-1") == "org_check"
    assert org_code_problem("D214356-X") == "org_format"
    assert org_code_problem(None) == "required"
    assert format_org_code("d2143569x") == "D2143569-X"


def test_identity_card_numbers():
    from data.reference.codes import id_card_problem

    assert id_card_problem("11010519491231002X") is None  # the standard's well-known example
    assert id_card_problem("110105194912310021") == "id_card_check"
    assert id_card_problem("1101051949123100") == "id_card_format"
