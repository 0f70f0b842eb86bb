"""One page of a server-side paged list."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

Row = TypeVar("Row")


@dataclass(frozen=True)
class Page(Generic[Row]):
    rows: list[Row]
    total: int
    page: int
    page_size: int

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.page_size))


MAX_PAGE = 10_000_000  # past every list's last page; keeps OFFSET within a 64-bit integer


def clamp_paging(page: int, page_size: int, max_page_size: int) -> tuple[int, int]:
    """Return a page index between 0 and MAX_PAGE and a page size between 1 and `max_page_size`."""
    return min(max(0, int(page)), MAX_PAGE), min(max_page_size, max(1, int(page_size)))


@dataclass(frozen=True)
class Window(Generic[Row]):
    """One page of a list too large to count on every view: it knows only whether more follows."""

    rows: list[Row]
    page: int
    page_size: int
    has_more: bool

    @property
    def page_count(self) -> int:
        """Pages known so far: this one and those before it, plus the next when there is one."""
        return self.page + 1 + (1 if self.has_more else 0)
