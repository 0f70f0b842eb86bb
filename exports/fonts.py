"""The one CJK TrueType font every PDF of the project embeds (certificates, ledgers, lists)."""
from __future__ import annotations

import os
import threading
from pathlib import Path

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

# --- the font -----------------------------------------------------------------------------------

FONT_NAME = "CertdashCJK"
# TrueType-outline CJK fonts reportlab can embed (Noto CJK has PostScript outlines: it cannot)
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
_font_lock = threading.Lock()
# Compressed streams stay binary (not ASCII85 on top of zlib): a fifth smaller and faster to write; every
# PDF reader and signer takes binary streams. This is reportlab's process-wide setting.
rl_config.useA85 = 0


class FontMissing(RuntimeError):
    """No embeddable CJK TrueType font is installed (apt: fonts-wqy-microhei)."""


def font_path() -> Path:
    """The CJK font file: CERTDASH_PDF_FONT if set, else the first installed candidate."""
    configured = os.environ.get("CERTDASH_PDF_FONT")
    for candidate in ((configured,) if configured else FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise FontMissing("no CJK TrueType font for certificate PDFs: install fonts-wqy-microhei "
                      "or set CERTDASH_PDF_FONT to a .ttf/.ttc with TrueType outlines")


def register_font() -> str:
    """Register the CJK font with reportlab once per process (parsing it takes a while); return its name."""
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        with _font_lock:
            if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(FONT_NAME, str(font_path()), subfontIndex=0))
    return FONT_NAME
