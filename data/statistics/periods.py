"""The statistics pages' periods: whole months back from a day, and the default last twelve months."""
from __future__ import annotations

from datetime import date


def months_back(day: date, n: int) -> date:
    """The first day of the month `n` months before `day`'s."""
    index = day.year * 12 + day.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def last_twelve_months(today: date) -> tuple[date, date]:
    """The default period: the eleven whole months before this one, and this month up to today."""
    return months_back(today, 11), today
