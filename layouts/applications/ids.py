"""Component ids of the application list and view, new and edit forms, certificate templates."""
from __future__ import annotations

from layouts.page_ids import PageIds, SigningDialogIds

APPS = PageIds("apps")
APPV = PageIds("appv")
APPN = PageIds("appn")
APPF = PageIds("appf")
TMPL = PageIds("tmpl")

# certificate applications: the list (enterprises: their own; officers: their district's queue)
APPS_INSPECTION_NO = APPS("inspection-no")
APPS_STATUS = APPS("status")
APPS_INSPECTION_DATES = APPS("inspection-dates")
APPS_APPLIED_DATES = APPS("applied-dates")
APPS_TABLE = APPS("table")
APPS_PAGER = APPS("pager")
APPS_TOTAL = APPS("total")
# one application: details, receipts, workflow steps
APPV_CONTENT = APPV("content")
APPV_ACTION = APPV("action")  # {"type": APPV_ACTION, "action": name}
APPV_REASON = APPV("reason")
APPV_REASON_ERROR = APPV("reason-error")  # why the reason was refused, under the box
APPV_REASON_FOCUS = APPV("reason-focus")  # written by the clientside callback that puts the cursor in the box
APPV_STATE = APPV("state")  # {"id": application id, "version": version seen}
APPV_MESSAGE = APPV("message")
APPV_EDIT = APPV("edit")  # link to the form, for the enterprise while the application is editable
APPV_PREVIEW = APPV("preview")  # link to the certificate preview PDF (watermarked until approval)
APPS_NEW = APPS("new")  # link to /applications/new, for enterprises
# new application: declaration, certificate type and format, entry method (Liaoning 5.8.1 申请)
APPN_DECL_SEARCH = APPN("decl-search")
APPN_DECLARATION = APPN("declaration")
APPN_TYPE = APPN("type")
APPN_FORMAT = APPN("format")
APPN_METHOD = APPN("method")
APPN_SIMILAR = APPN("similar")
APPN_SIMILAR_ROW = APPN("similar-row")
APPN_TEMPLATE = APPN("template")
APPN_TEMPLATE_ROW = APPN("template-row")
APPN_CONFIRM = APPN("confirm")
APPN_CREATE = APPN("create")
APPN_ERROR = APPN("error")  # {"type": APPN_ERROR, "name": declaration_id | format_code | ...}
APPN_MESSAGE = APPN("message")
APPN_GOTO = APPN("goto")
APPN_TOKEN = APPN("token")  # the form's one-time token: a second click creates nothing more
# the application form: the format's fields, goods lines, save / apply / template / copy / delete
APPF_FIELD = APPF("field")  # {"type": APPF_FIELD, "key": field key}
APPF_DATE = APPF("date")  # {"type": APPF_DATE, "key": field key}: date pickers
APPF_ERROR = APPF("error")  # {"type": APPF_ERROR, "key": field key}
APPF_GOODS = APPF("goods")
APPF_GOODS_ADD = APPF("goods-add")
APPF_GOODS_DELETE = APPF("goods-delete")
APPF_GOODS_ERRORS = APPF("goods-errors")
APPF_CONFIRM = APPF("confirm")
APPF_SAVE = APPF("save")
APPF_APPLY = APPF("apply")
APPF_COPY = APPF("copy")
APPF_DELETE = APPF("delete")
APPF_VIEW = APPF("view")
APPF_PREVIEW = APPF("preview")  # link to the certificate preview PDF of the last saved state
APPF_TEMPLATE_OPEN = APPF("template-open")
APPF_TEMPLATE_MODAL = APPF("template-modal")
APPF_TEMPLATE_NAME = APPF("template-name")
APPF_TEMPLATE_ERROR = APPF("template-error")
APPF_TEMPLATE_SAVE = APPF("template-save")
APPF_TEMPLATE_CANCEL = APPF("template-cancel")
APPF_STATE = APPF("state")  # {"id": application id, "version": version seen}
APPF_MESSAGE = APPF("message")
APPF_GOTO = APPF("goto")
# certificate templates (Liaoning 5.8.2): list, use, edit, bulk delete
TMPL_SEARCH = TMPL("search")
TMPL_LIST = TMPL("list")
TMPL_PICK = TMPL("pick")  # {"type": TMPL_PICK, "index": template id}
TMPL_DELETE = TMPL("delete")
TMPL_MESSAGE = TMPL("message")
TMPL_NAME = TMPL("name")
TMPL_NAME_ERROR = TMPL("name-error")
TMPL_FIELD = TMPL("field")  # {"type": TMPL_FIELD, "key": field key}
TMPL_DATE = TMPL("date")
TMPL_ERROR = TMPL("error")  # {"type": TMPL_ERROR, "key": field key or "template_name"}
TMPL_GOODS = TMPL("goods")
TMPL_GOODS_ADD = TMPL("goods-add")
TMPL_GOODS_DELETE = TMPL("goods-delete")
TMPL_GOODS_ERRORS = TMPL("goods-errors")
TMPL_CONFIRM = TMPL("confirm")
TMPL_SAVE = TMPL("save")
TMPL_STATE = TMPL("state")  # template id
# its scanned documents (单证扫描件); pattern types carry the prefix
APPV_SCAN_PANEL = APPV("scan-panel")
APPV_SCAN_MESSAGE = APPV("scan-message")
APPV_SCAN_CHECKS = APPV("scan-checks")  # the in-browser file check's messages
APPV_SCAN_DOC = APPV("scan-doc")  # {"type": APPV_SCAN_DOC, "index": 0}: the new scan's document type
APPV_SCAN_UPLOAD = APPV("scan-upload")  # {"type": ..., "index": "new" | scan id to replace}
APPV_SCAN_UPLOAD_STATUS = APPV("scan-upload-status")  # {"type": ..., "index": as the upload}
APPV_SCAN_DELETE = APPV("scan-delete")  # {"type": ..., "index": scan id}: a confirm dialog provider
# the signing dialog (layouts.common.signing_modal): what will be issued, the signer's password or card PIN
APPV_SIGN = SigningDialogIds.of(APPV)
