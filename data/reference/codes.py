"""Check characters of Chinese organisation identifiers.

GB 32100-2015: the 18-character unified social credit code (统一社会信用代码): registration
authority (1), organisation category (1), administrative division (6 digits), organisation code
(9, itself checked by GB 11714), check character (1), over the 31-character alphabet below.
GB 11714-1997: the organisation code (组织机构代码): 8 body characters and a check character
(0-9 or X), often written XXXXXXXX-X.
"""
from __future__ import annotations

import re

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, ...
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
CREDIT_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")
ORG_RE = re.compile(r"^[0-9A-Z]{8}-?[0-9X]$")


def org_code_check(body: str) -> str:
    """Return the GB 11714 check character of an 8-character organisation-code body."""
    total = sum(int(c, 36) * w for c, w in zip(body, ORG_WEIGHTS))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def credit_code_check(body: str) -> str:
    """Return the GB 32100 check character of the first 17 characters of a credit code."""
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(body, CREDIT_WEIGHTS))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def normalise_code(code: str | None) -> str:
    return (code or "").strip().upper().replace(" ", "")


def credit_code_problem(code: str | None) -> str | None:
    """Return why a unified social credit code is invalid (a message id), or None if it is valid."""
    code = normalise_code(code)
    if not code:
        return "required"
    if len(code) != 18:
        return "credit_length"
    if not CREDIT_RE.match(code):
        return "credit_characters"
    if not code[2:8].isdigit():
        return "credit_division"
    if code[17] != credit_code_check(code[:17]):
        return "credit_check"
    org = code[8:17]
    if org[8] != org_code_check(org[:8]):
        return "credit_org_check"
    return None


def org_code_problem(code: str | None) -> str | None:
    """Return why an organisation code is invalid (a message id), or None if it is valid."""
    code = normalise_code(code)
    if not code:
        return "required"
    if not ORG_RE.match(code):
        return "org_format"
    plain = code.replace("-", "")
    if plain[8] != org_code_check(plain[:8]):
        return "org_check"
    return None


def format_org_code(code: str) -> str:
    """Return an organisation code in its usual written form, XXXXXXXX-X."""
    plain = normalise_code(code).replace("-", "")
    return f"{plain[:8]}-{plain[8]}"


ID_CARD_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CARD_CHECKS = "10X98765432"
ID_CARD_RE = re.compile(r"^\d{17}[\dX]$")


def id_card_problem(number: str | None) -> str | None:
    """Return why a resident identity card number (GB 11643) is invalid, or None if it is valid."""
    number = normalise_code(number)
    if not ID_CARD_RE.match(number):
        return "id_card_format"
    total = sum(int(d) * w for d, w in zip(number[:17], ID_CARD_WEIGHTS))
    if number[17] != ID_CARD_CHECKS[total % 11]:
        return "id_card_check"
    return None
