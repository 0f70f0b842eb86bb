"""Component ids of the inbound certificate pages."""
from __future__ import annotations

from layouts.page_ids import PageIds

INB = PageIds("inb")
INBV = PageIds("inbv")

# the list of inbound certificates (/inbound) and the manual upload
INB_STATUS = INB("status")
INB_SEARCH = INB("search")
INB_GO = INB("go")
INB_TABLE = INB("table")
INB_TOTAL = INB("total")
INB_PAGER = INB("pager")
INB_UPLOAD = INB("upload")
INB_UPLOAD_RESULT = INB("upload-result")
INB_WAITING = INB("waiting")  # entry declarations still waiting for their certificate (the home page links here)
# one inbound certificate (/inbound/view?id=)
INBV_CONTENT = INBV("content")
INBV_MESSAGE = INBV("message")
INBV_STATE = INBV("state")  # {"id": the certificate shown}
INBV_LINK = INBV("link")  # {"type": INBV_LINK, "declaration": id}: a proposal's "link" button
INBV_UNLINK = INBV("unlink")  # {"type": INBV_UNLINK, "declaration": id}: a confirm dialog around the unlink button
