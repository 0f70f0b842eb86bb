"""Component ids by page: `PageIds("issuance")("chart")` is "issuance-chart".

The prefix is what the access guard maps to the page's permission (auth/guard.py), and each page's
spec names its PageIds (callbacks/page.py), so an id built here always carries a registered prefix.
A prefix may be declared once; a malformed prefix or name fails at import.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import ClassVar

PREFIX = re.compile(r"[a-z][a-z0-9_]*")
NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


class PageIds:
    """The ids of one page (or of the shared frame): each is '<prefix>-<name>'."""

    declared: ClassVar[dict[str, "PageIds"]] = {}

    def __init__(self, prefix: str):
        if not PREFIX.fullmatch(prefix):
            raise ValueError(f"malformed id prefix {prefix!r}")
        if prefix in PageIds.declared:
            raise ValueError(f"id prefix {prefix!r} is declared twice")
        self.prefix = prefix
        self.names: list[str] = []
        PageIds.declared[prefix] = self

    def __call__(self, name: str) -> str:
        if not NAME.fullmatch(name):
            raise ValueError(f"malformed id name {name!r} on page {self.prefix!r}")
        self.names.append(name)
        return f"{self.prefix}-{name}"

    def __repr__(self) -> str:
        return f"PageIds({self.prefix!r})"


@dataclass(frozen=True)
class SigningDialogIds:
    """The ids of a page's signing dialog (layouts.common.signing_modal, callbacks.signing): '<prefix>-sign-<name>'.

    `pending` is the page's store of what waits for the signer (with "what": the act's text the IC card signs);
    `card` holds what the card signed; `method` is password or IC card."""

    modal: str
    summary: str
    method: str
    password_group: str
    password: str
    pin_group: str
    pin: str
    card: str
    card_config: str
    error: str
    confirm: str
    cancel: str
    pending: str

    @classmethod
    def of(cls, page: PageIds) -> SigningDialogIds:
        return cls(**{f.name: page("sign-" + f.name.replace("_", "-")) for f in fields(cls)})
