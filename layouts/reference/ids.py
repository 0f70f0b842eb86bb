"""Component ids of the reference data lookup."""
from __future__ import annotations

from layouts.page_ids import PageIds

REF = PageIds("ref")

# reference data lookup
REF_DICTIONARY = REF("dictionary")
REF_SEARCH = REF("search")
REF_TABLE = REF("table")
REF_TOTAL = REF("total")
REF_PAGER = REF("pager")
