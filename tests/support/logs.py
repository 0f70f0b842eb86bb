"""Reading what a logger writes, as the JSON lines the app's handler makes."""
from __future__ import annotations

import io
import json
import logging
from contextlib import contextmanager
from typing import Callable, Iterator

from dashboard.core.logs import LogHandler


@contextmanager
def json_lines(logger_name: str, level: int = logging.INFO) -> Iterator[Callable[[], list[dict]]]:
    """Attach the app's JSON handler to a logger for the block; yield a function giving the lines so far."""
    stream = io.StringIO()
    handler = LogHandler(stream, "json")
    logger = logging.getLogger(logger_name)
    before = logger.level
    logger.addHandler(handler)
    logger.setLevel(level)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logger.removeHandler(handler)
        logger.setLevel(before)
