"""What happened, in words: the receipts (回执) and history lines of applications, declarations and certificates.

Events are stored with a code and a Chinese message (the receipt as the enterprise gets it, with its
numbers and reasons). A Chinese page shows the message; any other language shows the event's name in that
language, with the reason when there is one. The code itself is for the audit log, not for people.
"""
from __future__ import annotations

from dashboard.core.i18n import N_, Translator

EVENT_LABELS = {
    "app.created": N_("Application saved as a draft"),
    "app.submitted": N_("Application submitted; waiting for customs"),
    "app.review_started": N_("Customs accepted the application; under review"),
    "app.returned": N_("Application returned"),
    "app.suspended": N_("Review suspended"),
    "app.resumed": N_("Review resumed"),
    "app.confirmation_requested": N_("Customs drafted the certificate; the enterprise is asked to confirm"),
    "app.confirmed": N_("The enterprise confirmed the draft"),
    "app.approved": N_("Application approved"),
    "app.revoked": N_("The enterprise revoked the application"),
    "app.supplemented": N_("Supplementary declaration added"),
    "app.issued": N_("Certificate issued"),
    "app.scan_added": N_("Scanned document added"),
    "app.scan_replaced": N_("Scanned document replaced"),
    "app.scan_deleted": N_("Scanned document deleted"),
    "cert.issued": N_("Certificate issued"),
    "cert.replaced": N_("Certificate replaced"),
    "cert.withdrawn": N_("Certificate withdrawn"),
    "cert.printed": N_("Paper certificate printed"),
    "decl.sent": N_("Declaration sent; waiting for customs"),
    "decl.receipted": N_("Customs received the declaration"),
    "decl.application_step": N_("Customs acted on one of its applications"),
    "hub.queued": N_("Queued for the importing country (ePhyto Hub)"),
    "hub.sent": N_("Accepted by the ePhyto Hub, awaiting delivery"),
    "hub.delivered": N_("Delivered to the importing country"),
    "hub.delivered_with_warnings": N_("Delivered to the importing country, with warnings"),
    "hub.failed": N_("Delivery to the importing country failed"),
    "hub.refused": N_("Refused by the ePhyto Hub"),
    "hub.undeliverable": N_("The ePhyto Hub could not be reached; no more tries"),
    "hub.requeued": N_("Queued again for the importing country"),
    "inbound.linked": N_("Linked to an entry declaration"),
    "inbound.unlinked": N_("Unlinked from its entry declaration"),
}


# the values an event's details hold that a line names in any language (numbers, countries)
SHOWN_DETAILS = (("certificate_no", N_("certificate {value}")), ("inspection_no", N_("inspection no. {value}")),
                 ("delivery_number", N_("hub delivery no. {value}")), ("to", N_("to {value}")),
                 ("application_id", N_("application {value}")))


def event_text(t: Translator, code: str, message: str, reason: str | None = None, details: dict | None = None) -> str:
    """One receipt or history line in the page's language: the stored receipt in Chinese; in any other
    language the event's name, the numbers its details hold, and the reason."""
    if t.lang == "zh" or code not in EVENT_LABELS:
        return message or t(EVENT_LABELS.get(code, "")) or code
    parts = [t(EVENT_LABELS[code])]
    for key, template in SHOWN_DETAILS:
        value = (details or {}).get(key)
        if isinstance(value, (str, int)) and str(value):
            parts.append(t(template, value=str(value)))
    text = ", ".join(parts)
    return f"{text}: {reason}" if reason else text
