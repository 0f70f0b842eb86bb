"""China's clock: every user works in China Standard Time (UTC+8, no daylight saving since 1991).

`CHINA` is the zone for display and calendar days; `CHINA_FIXED` is the same offset as a fixed
timezone, cheaper where millions of moments are turned into dates (rollups, the demo generator).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")
CHINA_OFFSET = timedelta(hours=8)
CHINA_FIXED = timezone(CHINA_OFFSET)


def china_now() -> datetime:
    return datetime.now(CHINA)


def china_today() -> date:
    return china_now().date()
