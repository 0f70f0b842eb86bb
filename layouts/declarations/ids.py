"""Component ids of the declaration list and form, goods import mapping, the party book, declaration defaults."""
from __future__ import annotations

from layouts.page_ids import PageIds

DECL = PageIds("decl")
PARTY = PageIds("party")
DEFAULTS = PageIds("defaults")
DECLF = PageIds("declf")
GIMAP = PageIds("gimap")

# declarations list
DECL_DIRECTION = DECL("direction")
DECL_STATUS = DECL("status")
DECL_FILTER = DECL("filter")  # {"type": DECL_FILTER, "name": field}
DECL_DATES = DECL("dates")
DECL_TABLE = DECL("table")
DECL_PAGER = DECL("pager")
DECL_PAGE = DECL("page")
DECL_NEW_EXIT = DECL("new-exit")
DECL_NEW_ENTRY = DECL("new-entry")
# consignor/consignee book (收发货人维护); pattern types carry the prefix
PARTY_SEARCH = PARTY("search")
PARTY_TABLE = PARTY("table")
PARTY_PAGER = PARTY("pager")
PARTY_PAGE = PARTY("page")
PARTY_NEW = PARTY("new")
PARTY_EDIT = PARTY("edit")
PARTY_DELETE = PARTY("delete")  # a confirm dialog provider around the delete button
PARTY_MESSAGE = PARTY("message")
PARTY_RELOAD = PARTY("reload")  # bumped after a change, to redraw the grid
PARTY_MODAL = PARTY("modal")
PARTY_MODAL_TITLE = PARTY("modal-title")
PARTY_FIELD = PARTY("field")  # {"type": PARTY_FIELD, "name": column}
PARTY_ERROR = PARTY("error")
PARTY_EDITING = PARTY("editing")  # the entry id being edited, None for a new one
PARTY_SAVE = PARTY("save")
# declaration defaults (默认信息设置): one form per section (common, exit, entry)
DEFAULTS_REGISTRATION_NO = DEFAULTS("registration-no")
DEFAULTS_FIELD = DEFAULTS("field")  # {"type": DEFAULTS_FIELD, "section": section, "name": key}
DEFAULTS_ERROR = DEFAULTS("error")
DEFAULTS_SAVE = DEFAULTS("save")  # {"type": DEFAULTS_SAVE, "section": section}
DEFAULTS_MESSAGE = DEFAULTS("message")  # {"type": DEFAULTS_MESSAGE, "section": section}
# one declaration's form (出境/入境报检, /declarations/edit)
DECLF_IMPORT_SLOT = DECLF("import-slot")  # the imports panel goes in here
DECLF_IMPORTED = DECLF("imported")  # dcc.Store: its data changes after an import into the stored declaration
# the imports panel (数据导入, Jiucheng 3.4.5) in that slot
DECLF_IMPORT_KIND = DECLF("import-kind")  # goods | containers
DECLF_IMPORT_MODE = DECLF("import-mode")  # append | replace
DECLF_IMPORT_UPLOAD = DECLF("import-upload")
DECLF_IMPORT_RESULT = DECLF("import-result")
DECLF_IMPORT_TARGET = DECLF("import-target")  # dcc.Store: the id of the declaration imports go into
# whole-declaration import (全单导入) on the declarations list
DECL_IMPORT_UPLOAD = DECL("import-upload")
DECL_IMPORT_RESULT = DECL("import-result")
# the enterprise's goods-import mapping (货物导入自定义, Jiucheng 3.3.3)
GIMAP_FIELD = GIMAP("field")  # {"type": GIMAP_FIELD, "name": goods column}: the header in their Excel
GIMAP_ERROR = GIMAP("error")  # {"type": GIMAP_ERROR, "name": goods column}
GIMAP_SAVE = GIMAP("save")
GIMAP_RESET = GIMAP("reset")
GIMAP_MESSAGE = GIMAP("message")
DECLF_STATE = DECLF("state")  # {"id": declaration id or None, "version": seen, "direction": exit | entry}
DECLF_URL = DECLF("url")  # where a save, a copy or a delete leads
DECLF_FIELD = DECLF("field")  # {"type": DECLF_FIELD, "name": Declaration column}
DECLF_PARTY_FIELD = DECLF("party-field")  # {"type": ..., "role": consignor | consignee, "name": code | zh | en | address}
DECLF_CELL = DECLF("cell")  # {"type": DECLF_CELL, "name": field key}: a field's wrapper, marked when wrong
DECLF_ERROR = DECLF("error")  # {"type": DECLF_ERROR, "name": field key or section}
DECLF_PARTY = DECLF("party")  # {"type": DECLF_PARTY, "role": ...}: party-book search and pick
DECLF_ACTION = DECLF("action")  # {"type": DECLF_ACTION, "action": draft | save | send}
DECLF_DELETE = DECLF("delete")  # a confirm dialog provider around the delete button
DECLF_MESSAGE = DECLF("message")
DECLF_SUMMARY = DECLF("summary")  # every error of the last save, listed
DECLF_RECEIPTS = DECLF("receipts")
DECLF_STATUS_BADGE = DECLF("status-badge")
DECLF_RECEIPTS_MODAL = DECLF("receipts-modal")
DECLF_RECEIPTS_BODY = DECLF("receipts-body")
DECLF_GOODS_FIELD = DECLF("goods-field")  # {"type": ..., "name": goods column}: the goods entry row
DECLF_GOODS_ERROR = DECLF("goods-error")  # {"type": ..., "name": goods column}
DECLF_GOODS_ADD = DECLF("goods-add")
DECLF_GOODS_UPDATE = DECLF("goods-update")
DECLF_GOODS_DELETE = DECLF("goods-delete")
DECLF_GOODS_CLEAR = DECLF("goods-clear")
DECLF_GOODS_MESSAGE = DECLF("goods-message")
DECLF_GOODS_GRID = DECLF("goods-grid")
DECLF_GOODS_TOTALS = DECLF("goods-totals")
DECLF_CONTAINER_GRID = DECLF("container-grid")
DECLF_CONTAINER_ADD = DECLF("container-add")
DECLF_CONTAINER_DELETE = DECLF("container-delete")
DECLF_DOC = DECLF("doc")  # {"type": DECLF_DOC, "code": attached-document code}: checked or not
DECLF_DOC_NO = DECLF("doc-no")  # {"type": DECLF_DOC_NO, "code": ...}: the document's number
