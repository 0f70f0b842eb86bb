"""Component ids of the enterprise ledger."""
from __future__ import annotations

from layouts.page_ids import PageIds

LEDGER = PageIds("ledger")

# enterprise ledger (企业台账, Jiucheng 3.8): filters, preview grid, column chooser, templates, exports
LEDGER_ENTERPRISE = LEDGER("enterprise")  # administrators: whose ledger
LEDGER_DIRECTION = LEDGER("direction")
LEDGER_FILTER = LEDGER("filter")  # {"type": LEDGER_FILTER, "name": party | declarant}
LEDGER_LEGAL = LEDGER("legal")
LEDGER_DATES = LEDGER("dates")
LEDGER_STATUS = LEDGER("status")
LEDGER_CERT_TYPE = LEDGER("cert-type")
LEDGER_CERT_STATUS = LEDGER("cert-status")
LEDGER_QUERY = LEDGER("query")
LEDGER_APPLIED = LEDGER("applied")  # the query the grid shows (and exports take)
LEDGER_TOTAL = LEDGER("total")
LEDGER_TABLE = LEDGER("table")
LEDGER_PAGER = LEDGER("pager")
LEDGER_COLUMNS = LEDGER("columns")  # the chosen column keys, in order
LEDGER_CHOSEN = LEDGER("chosen")
LEDGER_COLUMN_MOVE = LEDGER("column-move")  # {"type": LEDGER_COLUMN_MOVE, "key": column, "move": up | down | remove}
LEDGER_COLUMN_ADD = LEDGER("column-add")
LEDGER_COLUMN_RESET = LEDGER("column-reset")
LEDGER_TEMPLATE = LEDGER("template")
LEDGER_TEMPLATE_NAME = LEDGER("template-name")
LEDGER_TEMPLATE_SAVE = LEDGER("template-save")
LEDGER_TEMPLATE_UPDATE = LEDGER("template-update")
LEDGER_TEMPLATE_RENAME = LEDGER("template-rename")
LEDGER_TEMPLATE_DELETE = LEDGER("template-delete")
LEDGER_TEMPLATE_MESSAGE = LEDGER("template-message")
LEDGER_FILE_NAME = LEDGER("file-name")
LEDGER_FORMAT = LEDGER("format")
LEDGER_EXPORT = LEDGER("export")
LEDGER_CANCEL = LEDGER("cancel")
LEDGER_PROGRESS = LEDGER("progress")
LEDGER_PROGRESS_BOX = LEDGER("progress-box")
LEDGER_JOB = LEDGER("job")  # the job ticket of a large export
LEDGER_RESULT = LEDGER("result")  # what the job finished with
LEDGER_FETCHED = LEDGER("fetched")  # the token of the finished export the browser fetched by itself
LEDGER_MESSAGE = LEDGER("message")
LEDGER_DOWNLOAD = LEDGER("download")
LEDGER_LINK = LEDGER("link")  # the finished export's download link
