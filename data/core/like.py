"""LIKE patterns that match typed text literally (a user's % or _ is a character, not a wildcard)."""
from __future__ import annotations

BACKSLASH = "\\"
SLASH = "/"  # the declaration and ledger lists' escape character (as SQLAlchemy's autoescape uses)


def like_literal(text: str, escape: str = BACKSLASH) -> str:
    """Return `text` escaped for a LIKE ... ESCAPE `escape` pattern, so that it matches only itself."""
    return text.replace(escape, escape * 2).replace("%", escape + "%").replace("_", escape + "_")


def contains_pattern(text: str, escape: str = BACKSLASH) -> str:
    """A LIKE pattern for values that contain `text` anywhere."""
    return f"%{like_literal(text, escape)}%"
