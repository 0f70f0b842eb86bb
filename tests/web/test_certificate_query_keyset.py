"""The certificate query's grid reads each block after the first by keyset: the block after another starts after
that block's last row (kept per user, filters and sort), and gives the rows reading by offset gives."""
from __future__ import annotations

import pytest

from callbacks.statistics import certificate_query as page
from tests.support.certificate_grid import grid_block
from tests.support.world import actor

pytest_plugins = ["tests.support.stats_world"]  # `stats_store`: the test world and 160 certificates


@pytest.fixture
def s(stats_store):
    """The statistics world (tests/support/stats_world.py), open as a session."""
    return stats_store

SORT = [{"colId": "issue_date", "sort": "desc"}]


def block(client, start: int, sort=SORT) -> list[str]:
    return [r["certificate_no"] for r in grid_block(client, {"filters": {}}, start, sort)["getRowsResponse"]["rowData"]]


def test_scrolling_reads_the_next_block_after_the_last_row(s, client_as, monkeypatch):
    client = client_as("manager0900")
    page.CURSORS.kept.clear()
    used = []
    real = page.certificate_page
    monkeypatch.setattr(page, "certificate_page", lambda *a, **k: used.append(k.get("after")) or real(*a, **k))
    scrolled = [block(client, start) for start in (0, 25, 50, 75)]
    assert used[0] is None and all(cursor is not None for cursor in used[1:])
    page.CURSORS.kept.clear()
    jumped = [block(client, start) for start in (75, 50, 25, 0)]  # no cursor kept: by offset
    assert used[4:] == [None] * 4
    assert scrolled == jumped[::-1] and len({n for b in scrolled for n in b}) == 100
    page.CURSORS.kept.clear()
    block(client_as("manager0903"), 0)  # each user's cursors are their own
    assert {key[0] for key in page.CURSORS.kept} == {actor(s, "manager0903").user_id}
