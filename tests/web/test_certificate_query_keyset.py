"""The certificate query's grid reads each block after the first by keyset: the block after another starts after
that block's last row (kept per user, filters and sort), and gives the rows reading by offset gives."""
from __future__ import annotations

import json

import pytest

from callbacks.statistics import certificate_query as page
from data.statistics.certificate_filters import MAX_ID
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


def test_a_block_whose_cursor_another_worker_holds_starts_at_the_cursor_the_tab_kept(s, client_as, monkeypatch):
    """With several workers the block before may have been read by another process: the tab sends the cursors it
    kept, and the block is read after that row, as the same process would have read it."""
    client = client_as("manager0900")
    used = []
    real = page.certificate_page
    monkeypatch.setattr(page, "certificate_page", lambda *a, **k: used.append(k.get("after")) or real(*a, **k))
    kept, scrolled = None, []
    for start in (0, 25, 50, 75):
        page.CURSORS.kept.clear()  # each block served by a worker that read none before it
        answer = grid_block(client, {"filters": {}}, start, SORT, kept)
        scrolled.append([r["certificate_no"] for r in answer["getRowsResponse"]["rowData"]])
        kept = answer["cursors"]
    assert used[0] is None and all(cursor is not None for cursor in used[1:])
    page.CURSORS.kept.clear()
    assert scrolled == [block(client, start) for start in (0, 25, 50, 75)]  # by offset: the same rows
    assert len(kept["at"]) == 4 and kept["where"][1:] == ["issue_date", True]
    resorted = grid_block(client, {"filters": {}}, 25, [{"colId": "certificate_no", "sort": "asc"}], kept)
    assert used[-1] is None and resorted["getRowsResponse"]["rowData"]  # another sort: those cursors are not its


@pytest.mark.parametrize("forged", [
    ["x"], [0, "2026-03-01", -1, 0], [0, "2026-03-01", 2**70, 0], [2, "2026-03-01", 1, 0], [0, "not a date", 1, 0],
    [0, 5, 1, 0], [0, "2026-03-01", True, 0], [1, "2026-03-01", 1, 0], "[0]", {"a": 1}, None])
def test_a_cursor_the_tab_sends_that_is_not_one_is_ignored(s, client_as, forged):
    client = client_as("manager0900")
    page.CURSORS.kept.clear()
    kept = {"where": [json.dumps({}, sort_keys=True), "issue_date", True], "at": {"25": forged}}
    answer = grid_block(client, {"filters": {}}, 25, SORT, kept)
    page.CURSORS.kept.clear()
    assert [r["certificate_no"] for r in answer["getRowsResponse"]["rowData"]] == block(client, 25)  # by offset


def test_a_cursor_the_tab_sends_places_the_block_but_shows_only_the_users_rows(s, client_as):
    """A made-up position starts the block there: the rows are still the user's, filtered as asked."""
    client = client_as("manager0903")
    page.CURSORS.kept.clear()
    kept = {"where": [json.dumps({}, sort_keys=True), "issue_date", True], "at": {"25": [0, "2099-01-01", MAX_ID, MAX_ID]}}
    answer = grid_block(client, {"filters": {}}, 25, SORT, kept)
    shown = [r["district"][:6] for r in answer["getRowsResponse"]["rowData"]]
    assert shown and set(shown) == {"[0903]"}
