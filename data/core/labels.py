"""Names of stored status codes, as message ids: pages and exported files translate them."""
from __future__ import annotations

from dashboard.core.i18n import N_

CERT_STATUS_LABELS = {"valid": N_("Valid"), "replaced": N_("Replaced"), "withdrawn": N_("Withdrawn")}
DECL_STATUS_LABELS = {"draft": N_("Temporarily saved"), "saved": N_("Saved"), "sent": N_("Sent"),
                      "receipted": N_("Receipt received")}


def both_names(*names: str | None) -> str:
    """The Chinese and the foreign name as lists show them ("中文名 / Foreign name"). A placeholder is no name:
    declarations write "***" where a party has no Chinese name, and a list does not show it."""
    return " / ".join(n.strip() for n in names if n and n.strip().strip("*＊-—/ "))
