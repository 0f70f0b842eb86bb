"""Component ids by page: `PageIds("issuance")("chart")` is "issuance-chart".

The prefix is what the access guard maps to the page's permission (auth/guard.py), and each page's
spec names its PageIds (callbacks/page.py), so an id built here always carries a registered prefix.
A prefix may be declared once; a malformed prefix or name fails at import.
"""
from __future__ import annotations

import re
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
