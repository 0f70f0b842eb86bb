"""Create a throw-away database on the test PostgreSQL server for one test."""
from __future__ import annotations

import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def fresh_database(admin_url: str) -> str:
    """Create an empty database owned by the test role and return its URL."""
    url = make_url(admin_url)
    name = f"t_{uuid.uuid4().hex[:12]}"
    eng = create_engine(url, isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    eng.dispose()
    return url.set(database=name).render_as_string(hide_password=False)
