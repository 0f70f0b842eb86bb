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


def clamp_paging(page: int, page_size: int, max_page_size: int) -> tuple[int, int]:
    """Return a page index of at least 0 and a page size between 1 and `max_page_size`."""
    return max(0, int(page)), min(max_page_size, max(1, int(page_size)))
