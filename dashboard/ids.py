"""Every component id, in one place, prefixed by its page ("<page>-<thing>").

The prefix is what the access guard maps to a page's permission (auth/guard.py), so a new page's
ids must use the prefix registered for it in dashboard/web/pages.py.
"""

# shell (any signed-in user)
SHELL_NAVBAR = "shell-navbar"
SHELL_MENU = "shell-menu"
SHELL_USER = "shell-user"
SHELL_LOGOUT = "shell-logout"

# login (public page; its callbacks run in the browser)
LOGIN_FORM = "login-form"
LOGIN_ACCOUNT = "login-account"
LOGIN_PASSWORD = "login-password"
LOGIN_SUBMIT = "login-submit"
LOGIN_ERROR = "login-error"
LOGIN_TABS = "login-tabs"
LOGIN_CARD_TAB = "login-card-tab"
LOGIN_CARD_STATUS = "login-card-status"
LOGIN_CARD_PIN = "login-card-pin"
LOGIN_CARD_SUBMIT = "login-card-submit"
LOGIN_CARD_MESSAGE = "login-card-message"
LOGIN_CARD_CONFIG = "login-card-config"

# home
HOME_COUNTS = "home-counts"
HOME_TASKS = "home-tasks"
HOME_NOTIFICATIONS = "home-notifications"

# one certificate (/certificates/view): status, facts, PDF, chain, history, replace / withdraw
CERTV_CONTENT = "certv-content"
CERTV_MESSAGE = "certv-message"
CERTV_STATE = "certv-state"  # {"no": certificate number shown}
CERTV_REASON = "certv-reason"
CERTV_METHOD = "certv-method"  # the replacement's signing method
CERTV_REPLACE = "certv-replace"  # a confirm dialog provider around the replace button
CERTV_WITHDRAW = "certv-withdraw"  # a confirm dialog provider around the withdraw button
CERTV_PREVIEW = "certv-preview"  # the PDF iframe
# issuing certificates in a batch (/certificates/issue, officers)
CERTI_METHOD = "certi-method"
CERTI_TABLE = "certi-table"
CERTI_PAGER = "certi-pager"
CERTI_TOTAL = "certi-total"
CERTI_SIGN_SELECTED = "certi-sign-selected"
CERTI_SIGN_ALL = "certi-sign-all"
CERTI_CANCEL = "certi-cancel"
CERTI_PROGRESS = "certi-progress"
CERTI_JOB = "certi-job"  # the job ticket of the batch
CERTI_DONE = "certi-done"  # bumped when a batch ends: the list reloads
CERTI_MESSAGE = "certi-message"
CERTI_RESULT = "certi-result"

# reference data lookup
REF_DICTIONARY = "ref-dictionary"
REF_SEARCH = "ref-search"
REF_TABLE = "ref-table"
REF_TOTAL = "ref-total"
REF_PAGER = "ref-pager"

# registration (public); pattern-matching types carry the page prefix too
REG_FIELD = "reg-field"
REG_ERROR = "reg-error"
REG_ONLY = "reg-only"
REG_UPLOAD = "reg-upload"
REG_UPLOAD_STATUS = "reg-upload-status"
REG_UPLOAD_MESSAGES = "reg-upload-messages"
REG_FORM = "reg-form"
REG_SUMMARY = "reg-summary"
REG_SUBMIT = "reg-submit"
REG_RESULT = "reg-result"
REG_SUCCESS = "reg-success"

# registration review (administrators)
REGREV_QUEUE = "regrev-queue"
REGREV_OPEN = "regrev-open"  # pattern: {"type": REGREV_OPEN, "index": enterprise id}
REGREV_DETAIL = "regrev-detail"
REGREV_CURRENT = "regrev-current"
REGREV_DISTRICT = "regrev-district"
REGREV_REASON = "regrev-reason"
REGREV_APPROVE = "regrev-approve"
REGREV_REJECT = "regrev-reject"
REGREV_MESSAGE = "regrev-message"

# password pages
PWF_ACCOUNT = "pwf-account"
PWF_SUBMIT = "pwf-submit"
PWF_MESSAGE = "pwf-message"
PWR_TOKEN = "pwr-token"
PWR_NEW = "pwr-new"
PWR_CONFIRM = "pwr-confirm"
PWR_SUBMIT = "pwr-submit"
PWR_MESSAGE = "pwr-message"
ACCT_CURRENT = "acct-current"
ACCT_NEW = "acct-new"
ACCT_CONFIRM = "acct-confirm"
ACCT_SUBMIT = "acct-submit"
ACCT_MESSAGE = "acct-message"

# audit log (administrators)
AUDIT_ACCOUNT = "audit-account"
AUDIT_GROUP = "audit-group"
AUDIT_OBJECT = "audit-object"
AUDIT_DATES = "audit-dates"
AUDIT_SEARCH = "audit-search"
AUDIT_TABLE = "audit-table"
AUDIT_PAGER = "audit-pager"
AUDIT_TOTAL = "audit-total"
AUDIT_OBJECT_TYPE = "audit-object-type"
AUDIT_OBJECT_TYPES = "audit-object-types"  # the datalist of known object types
AUDIT_DETAIL = "audit-detail"  # the clicked event's values before and after
AUDIT_DIFF = "audit-diff"

# users (administrators, Liaoning 5.2.3); pattern-matching types carry the prefix too
USR_F_TEXT = "usr-f-text"
USR_F_STATUS = "usr-f-status"
USR_F_ROLE = "usr-f-role"
USR_F_DISTRICT = "usr-f-district"
USR_F_ENTERPRISE = "usr-f-enterprise"
USR_F_CREATED = "usr-f-created"
USR_F_RESET = "usr-f-reset"
USR_TOTAL = "usr-total"
USR_TABLE = "usr-table"
USR_PAGER = "usr-pager"
USR_NEW = "usr-new"
USR_MESSAGE = "usr-message"
USR_PANEL = "usr-panel"
USR_EDITING = "usr-editing"  # the id of the user in the form (None: a new user)
USR_REFRESH = "usr-refresh"  # bumped after a change: the list reloads
USR_ROLE_KINDS = "usr-role-kinds"  # role code -> family (admin/customs/enterprise/overseas)
USR_FIELD = "usr-field"  # {"type": USR_FIELD, "name": field}
USR_ERROR = "usr-error"  # {"type": USR_ERROR, "name": field}
USR_DISTRICT_BOX = "usr-district-box"
USR_ENTERPRISE_BOX = "usr-enterprise-box"
USR_OVERSEAS_BOX = "usr-overseas-box"
USR_FORM_TITLE = "usr-form-title"
USR_SAVE = "usr-save"
USR_STATUS = "usr-status"
USR_LOCK_HOURS = "usr-lock-hours"  # {"type": USR_LOCK_HOURS, "name": "hours"}: shown for active users only
USR_ACTION = "usr-action"  # {"type": USR_ACTION, "action": reset | lock | unlock | reactivate}
USR_CONFIRM = "usr-confirm"  # {"type": USR_CONFIRM, "action": "deactivate"}: a confirm dialog provider
USR_TIMELINE = "usr-timeline"

# roles and permissions (administrators, Liaoning 5.2.2 and 5.2.6)
ROLE_TREE = "role-tree"
ROLE_NODE = "role-node"  # {"type": ROLE_NODE, "code": role code}
ROLE_NEW = "role-new"
ROLE_MESSAGE = "role-message"
ROLE_PANEL = "role-panel"
ROLE_CURRENT = "role-current"  # the code of the role shown (None: a new role)
ROLE_FIELD = "role-field"  # {"type": ROLE_FIELD, "name": code | name_zh | name_en | parent_code}
ROLE_ERROR = "role-error"
ROLE_SAVE = "role-save"
ROLE_ACTION = "role-action"  # {"type": ROLE_ACTION, "action": permissions | assign}: shown for a stored role
ROLE_CONFIRM = "role-confirm"  # {"type": ROLE_CONFIRM, "action": delete | move}: confirm dialog providers
ROLE_OPTION = "role-option"  # {"type": ROLE_OPTION, "name": assign | move_to}: the users to add, the role to move to
ROLE_PERMS = "role-perms"  # {"type": ROLE_PERMS, "area": area}: a checklist of the area's permissions
ROLE_USERS = "role-users"
ROLE_HISTORY = "role-history"

# organisation structure (administrators, Liaoning 5.2.4)
DIST_TREE = "dist-tree"
DIST_NODE = "dist-node"  # {"type": DIST_NODE, "code": district code}
DIST_NEW = "dist-new"
DIST_MESSAGE = "dist-message"
DIST_PANEL = "dist-panel"
DIST_CURRENT = "dist-current"  # the code of the district shown (None: a new one)
DIST_FIELD = "dist-field"  # {"type": DIST_FIELD, "name": ...}
DIST_ERROR = "dist-error"
DIST_SAVE = "dist-save"
DIST_ACTION = "dist-action"  # {"type": DIST_ACTION, "action": "reactivate"}
DIST_CONFIRM = "dist-confirm"  # {"type": DIST_CONFIRM, "action": retire | delete}: confirm dialog providers
DIST_HISTORY = "dist-history"

# communication account (enterprise administrators)
COMM_STATUS = "comm-status"
COMM_ACCOUNT = "comm-account"
COMM_PASSWORD = "comm-password"
COMM_BIND = "comm-bind"
COMM_UNBIND = "comm-unbind"
COMM_MESSAGE = "comm-message"

# overseas users (enterprise administrators); pattern types carry the prefix
OVU_TABLE = "ovu-table"
OVU_EDIT = "ovu-edit"  # {"type": OVU_EDIT, "index": user id}
OVU_TOGGLE = "ovu-toggle"
OVU_DELETE = "ovu-delete"
OVU_FIELD = "ovu-field"  # {"type": OVU_FIELD, "name": field}
OVU_ERROR = "ovu-error"
OVU_EDITING = "ovu-editing"
OVU_FORM_TITLE = "ovu-form-title"
OVU_NEW = "ovu-new"
OVU_SAVE = "ovu-save"
OVU_MESSAGE = "ovu-message"

# overseas portal (overseas users)
OVS_SEARCH = "ovs-search"
OVS_RESULTS = "ovs-results"
OVS_OPEN = "ovs-open"  # {"type": OVS_OPEN, "no": certificate number}: a result row's "open" button
OVS_DETAIL = "ovs-detail"  # the chosen certificate: status, replacement, PDF preview, downloads
OVS_PREVIEW = "ovs-preview"  # the PDF iframe

# public certificate verification (anyone)
VER_RESULT = "ver-result"
VER_CONTEXT = "ver-context"  # dcc.Store: the certificate number the page verified (for the upload check)
VER_UPLOAD = "ver-upload"
VER_UPLOAD_RESULT = "ver-upload-result"

# IC cards (administrators)
CARDS_TABLE = "cards-table"
CARDS_ACCOUNT = "cards-account"
CARDS_CARD_NO = "cards-card-no"
CARDS_KEY = "cards-key"
CARDS_READ = "cards-read"
CARDS_READ_STATUS = "cards-read-status"
CARDS_AGENT = "cards-agent"
CARDS_BIND = "cards-bind"
CARDS_UNBIND = "cards-unbind"  # {"type": CARDS_UNBIND, "card": card no}
CARDS_BLOCK = "cards-block"
CARDS_MESSAGE = "cards-message"

# certificate applications: the list (enterprises: their own; officers: their district's queue)
APPS_INSPECTION_NO = "apps-inspection-no"
APPS_STATUS = "apps-status"
APPS_INSPECTION_DATES = "apps-inspection-dates"
APPS_APPLIED_DATES = "apps-applied-dates"
APPS_TABLE = "apps-table"
APPS_PAGER = "apps-pager"
APPS_TOTAL = "apps-total"
# one application: details, receipts, workflow steps
APPV_CONTENT = "appv-content"
APPV_ACTION = "appv-action"  # {"type": APPV_ACTION, "action": name}
APPV_REASON = "appv-reason"
APPV_STATE = "appv-state"  # {"id": application id, "version": version seen}
APPV_MESSAGE = "appv-message"
APPV_EDIT = "appv-edit"  # link to the form, for the enterprise while the application is editable
APPV_PREVIEW = "appv-preview"  # link to the certificate preview PDF (watermarked until approval)
APPS_NEW = "apps-new"  # link to /applications/new, for enterprises
# new application: declaration, certificate type and format, entry method (Liaoning 5.8.1 申请)
APPN_DECL_SEARCH = "appn-decl-search"
APPN_DECLARATION = "appn-declaration"
APPN_TYPE = "appn-type"
APPN_FORMAT = "appn-format"
APPN_METHOD = "appn-method"
APPN_SIMILAR = "appn-similar"
APPN_SIMILAR_ROW = "appn-similar-row"
APPN_TEMPLATE = "appn-template"
APPN_TEMPLATE_ROW = "appn-template-row"
APPN_CONFIRM = "appn-confirm"
APPN_CREATE = "appn-create"
APPN_ERROR = "appn-error"  # {"type": APPN_ERROR, "name": declaration_id | format_code | ...}
APPN_MESSAGE = "appn-message"
APPN_GOTO = "appn-goto"
# the application form: the format's fields, goods lines, save / apply / template / copy / delete
APPF_FIELD = "appf-field"  # {"type": APPF_FIELD, "key": field key}
APPF_DATE = "appf-date"  # {"type": APPF_DATE, "key": field key}: date pickers
APPF_ERROR = "appf-error"  # {"type": APPF_ERROR, "key": field key}
APPF_GOODS = "appf-goods"
APPF_GOODS_ADD = "appf-goods-add"
APPF_GOODS_DELETE = "appf-goods-delete"
APPF_GOODS_ERRORS = "appf-goods-errors"
APPF_CONFIRM = "appf-confirm"
APPF_SAVE = "appf-save"
APPF_APPLY = "appf-apply"
APPF_COPY = "appf-copy"
APPF_DELETE = "appf-delete"
APPF_VIEW = "appf-view"
APPF_PREVIEW = "appf-preview"  # link to the certificate preview PDF of the last saved state
APPF_TEMPLATE_OPEN = "appf-template-open"
APPF_TEMPLATE_MODAL = "appf-template-modal"
APPF_TEMPLATE_NAME = "appf-template-name"
APPF_TEMPLATE_ERROR = "appf-template-error"
APPF_TEMPLATE_SAVE = "appf-template-save"
APPF_TEMPLATE_CANCEL = "appf-template-cancel"
APPF_STATE = "appf-state"  # {"id": application id, "version": version seen}
APPF_MESSAGE = "appf-message"
APPF_GOTO = "appf-goto"
# certificate templates (Liaoning 5.8.2): list, use, edit, bulk delete
TMPL_SEARCH = "tmpl-search"
TMPL_LIST = "tmpl-list"
TMPL_PICK = "tmpl-pick"  # {"type": TMPL_PICK, "index": template id}
TMPL_DELETE = "tmpl-delete"
TMPL_MESSAGE = "tmpl-message"
TMPL_NAME = "tmpl-name"
TMPL_NAME_ERROR = "tmpl-name-error"
TMPL_FIELD = "tmpl-field"  # {"type": TMPL_FIELD, "key": field key}
TMPL_DATE = "tmpl-date"
TMPL_ERROR = "tmpl-error"  # {"type": TMPL_ERROR, "key": field key or "template_name"}
TMPL_GOODS = "tmpl-goods"
TMPL_GOODS_ADD = "tmpl-goods-add"
TMPL_GOODS_DELETE = "tmpl-goods-delete"
TMPL_GOODS_ERRORS = "tmpl-goods-errors"
TMPL_CONFIRM = "tmpl-confirm"
TMPL_SAVE = "tmpl-save"
TMPL_STATE = "tmpl-state"  # template id
# its scanned documents (单证扫描件); pattern types carry the prefix
APPV_SCAN_PANEL = "appv-scan-panel"
APPV_SCAN_MESSAGE = "appv-scan-message"
APPV_SCAN_CHECKS = "appv-scan-checks"  # the in-browser file check's messages
APPV_SCAN_DOC = "appv-scan-doc"  # {"type": APPV_SCAN_DOC, "index": 0}: the new scan's document type
APPV_SCAN_UPLOAD = "appv-scan-upload"  # {"type": ..., "index": "new" | scan id to replace}
APPV_SCAN_UPLOAD_STATUS = "appv-scan-upload-status"  # {"type": ..., "index": as the upload}
APPV_SCAN_DELETE = "appv-scan-delete"  # {"type": ..., "index": scan id}: a confirm dialog provider

# declarations list
DECL_DIRECTION = "decl-direction"
DECL_STATUS = "decl-status"
DECL_FILTER = "decl-filter"  # {"type": DECL_FILTER, "name": field}
DECL_DATES = "decl-dates"
DECL_TABLE = "decl-table"
DECL_PAGER = "decl-pager"
DECL_PAGE = "decl-page"
DECL_NEW_EXIT = "decl-new-exit"
DECL_NEW_ENTRY = "decl-new-entry"

# consignor/consignee book (收发货人维护); pattern types carry the prefix
PARTY_SEARCH = "party-search"
PARTY_TABLE = "party-table"
PARTY_PAGER = "party-pager"
PARTY_PAGE = "party-page"
PARTY_NEW = "party-new"
PARTY_EDIT = "party-edit"
PARTY_DELETE = "party-delete"  # a confirm dialog provider around the delete button
PARTY_MESSAGE = "party-message"
PARTY_RELOAD = "party-reload"  # bumped after a change, to redraw the grid
PARTY_MODAL = "party-modal"
PARTY_MODAL_TITLE = "party-modal-title"
PARTY_FIELD = "party-field"  # {"type": PARTY_FIELD, "name": column}
PARTY_ERROR = "party-error"
PARTY_EDITING = "party-editing"  # the entry id being edited, None for a new one
PARTY_SAVE = "party-save"

# declaration defaults (默认信息设置): one form per section (common, exit, entry)
DEFAULTS_REGISTRATION_NO = "defaults-registration-no"
DEFAULTS_FIELD = "defaults-field"  # {"type": DEFAULTS_FIELD, "section": section, "name": key}
DEFAULTS_ERROR = "defaults-error"
DEFAULTS_SAVE = "defaults-save"  # {"type": DEFAULTS_SAVE, "section": section}
DEFAULTS_MESSAGE = "defaults-message"  # {"type": DEFAULTS_MESSAGE, "section": section}

# one declaration's form (出境/入境报检, /declarations/edit)
DECLF_IMPORT_SLOT = "declf-import-slot"  # the imports panel goes in here
DECLF_IMPORTED = "declf-imported"  # dcc.Store: its data changes after an import into the stored declaration
# the imports panel (数据导入, Jiucheng 3.4.5) in that slot
DECLF_IMPORT_KIND = "declf-import-kind"  # goods | containers
DECLF_IMPORT_MODE = "declf-import-mode"  # append | replace
DECLF_IMPORT_UPLOAD = "declf-import-upload"
DECLF_IMPORT_RESULT = "declf-import-result"
DECLF_IMPORT_TARGET = "declf-import-target"  # dcc.Store: the id of the declaration imports go into
# whole-declaration import (全单导入) on the declarations list
DECL_IMPORT_UPLOAD = "decl-import-upload"
DECL_IMPORT_RESULT = "decl-import-result"
# the enterprise's goods-import mapping (货物导入自定义, Jiucheng 3.3.3)
GIMAP_FIELD = "gimap-field"  # {"type": GIMAP_FIELD, "name": goods column}: the header in their Excel
GIMAP_ERROR = "gimap-error"  # {"type": GIMAP_ERROR, "name": goods column}
GIMAP_SAVE = "gimap-save"
GIMAP_RESET = "gimap-reset"
GIMAP_MESSAGE = "gimap-message"
DECLF_STATE = "declf-state"  # {"id": declaration id or None, "version": seen, "direction": exit | entry}
DECLF_URL = "declf-url"  # where a save, a copy or a delete leads
DECLF_FIELD = "declf-field"  # {"type": DECLF_FIELD, "name": Declaration column}
DECLF_PARTY_FIELD = "declf-party-field"  # {"type": ..., "role": consignor | consignee, "name": code | zh | en | address}
DECLF_CELL = "declf-cell"  # {"type": DECLF_CELL, "name": field key}: a field's wrapper, marked when wrong
DECLF_ERROR = "declf-error"  # {"type": DECLF_ERROR, "name": field key or section}
DECLF_PARTY = "declf-party"  # {"type": DECLF_PARTY, "role": ...}: party-book search and pick
DECLF_ACTION = "declf-action"  # {"type": DECLF_ACTION, "action": draft | save | send}
DECLF_DELETE = "declf-delete"  # a confirm dialog provider around the delete button
DECLF_MESSAGE = "declf-message"
DECLF_SUMMARY = "declf-summary"  # every error of the last save, listed
DECLF_RECEIPTS = "declf-receipts"
DECLF_RECEIPTS_MODAL = "declf-receipts-modal"
DECLF_RECEIPTS_BODY = "declf-receipts-body"
DECLF_GOODS_FIELD = "declf-goods-field"  # {"type": ..., "name": goods column}: the goods entry row
DECLF_GOODS_ERROR = "declf-goods-error"  # {"type": ..., "name": goods column}
DECLF_GOODS_ADD = "declf-goods-add"
DECLF_GOODS_UPDATE = "declf-goods-update"
DECLF_GOODS_DELETE = "declf-goods-delete"
DECLF_GOODS_CLEAR = "declf-goods-clear"
DECLF_GOODS_MESSAGE = "declf-goods-message"
DECLF_GOODS_GRID = "declf-goods-grid"
DECLF_GOODS_TOTALS = "declf-goods-totals"
DECLF_CONTAINER_GRID = "declf-container-grid"
DECLF_CONTAINER_ADD = "declf-container-add"
DECLF_CONTAINER_DELETE = "declf-container-delete"
DECLF_DOC = "declf-doc"  # {"type": DECLF_DOC, "code": attached-document code}: checked or not
DECLF_DOC_NO = "declf-doc-no"  # {"type": DECLF_DOC_NO, "code": ...}: the document's number

# error pages
ERROR_TITLE = "error-title"

# dictionaries (administrators, Liaoning 5.2.5)
ADICT_NAME = "adict-name"
ADICT_SEARCH = "adict-search"
ADICT_STATUS = "adict-status"
ADICT_TOTAL = "adict-total"
ADICT_TABLE = "adict-table"
ADICT_PAGER = "adict-pager"
ADICT_NEW = "adict-new"
ADICT_EDIT = "adict-edit"
ADICT_RETIRE = "adict-retire"
ADICT_REACTIVATE = "adict-reactivate"
ADICT_DELETE = "adict-delete"  # a confirm dialog provider around the delete button
ADICT_MESSAGE = "adict-message"
ADICT_MODAL = "adict-modal"
ADICT_MODAL_TITLE = "adict-modal-title"
ADICT_FORM = "adict-form"  # the form's inputs, drawn for the dictionary when the form opens
ADICT_FIELD = "adict-field"  # {"type": ADICT_FIELD, "name": code | name_zh | name_en | sort | attribute key}
ADICT_ERROR = "adict-error"  # {"type": ADICT_ERROR, "name": as ADICT_FIELD}
ADICT_SAVE = "adict-save"
ADICT_EDITING = "adict-editing"  # {"dictionary": ..., "code": code being edited or None for a new entry}
ADICT_RELOAD = "adict-reload"

# certificate formats (administrators, Liaoning 5.6)
AFMT_CODE_SEARCH = "afmt-code-search"
AFMT_TYPE_SEARCH = "afmt-type-search"
AFMT_TOTAL = "afmt-total"
AFMT_TABLE = "afmt-table"
AFMT_PAGER = "afmt-pager"
AFMT_NEW = "afmt-new"
AFMT_EDIT = "afmt-edit"
AFMT_RETIRE = "afmt-retire"
AFMT_REACTIVATE = "afmt-reactivate"
AFMT_DELETE = "afmt-delete"
AFMT_MESSAGE = "afmt-message"
AFMT_MODAL = "afmt-modal"
AFMT_MODAL_TITLE = "afmt-modal-title"
AFMT_FORMAT_CODE = "afmt-format-code"
AFMT_FIELD = "afmt-field"  # {"type": AFMT_FIELD, "name": cert_type_code | name_zh | name_en | languages}
AFMT_ERROR = "afmt-error"  # {"type": AFMT_ERROR, "name": code | ... | fields | layout.<key>}
AFMT_FIELDS_GRID = "afmt-fields-grid"  # the format's fields, edited in place
AFMT_FIELDS_ADD = "afmt-fields-add"
AFMT_FIELDS_REMOVE = "afmt-fields-remove"
AFMT_FIELDS_NOTE = "afmt-fields-note"  # which keys are fixed by use
AFMT_FIELDS_ERRORS = "afmt-fields-errors"
AFMT_LAYOUT = "afmt-layout"  # {"type": AFMT_LAYOUT, "key": layout parameter, "part": margin side or ""}
AFMT_SAVE = "afmt-save"
AFMT_EDITING = "afmt-editing"  # the code of the format being edited, or None for a new one
AFMT_RELOAD = "afmt-reload"

# notifications (administrators, Liaoning 5.2.7)
ANOTE_SEARCH = "anote-search"
ANOTE_TOTAL = "anote-total"
ANOTE_TABLE = "anote-table"
ANOTE_PAGER = "anote-pager"
ANOTE_NEW = "anote-new"
ANOTE_EDIT = "anote-edit"
ANOTE_PUBLISH = "anote-publish"
ANOTE_UNPUBLISH = "anote-unpublish"
ANOTE_DELETE = "anote-delete"
ANOTE_MESSAGE = "anote-message"
ANOTE_MODAL = "anote-modal"
ANOTE_MODAL_TITLE = "anote-modal-title"
ANOTE_FIELD = "anote-field"  # {"type": ANOTE_FIELD, "name": title_zh | ... | published}
ANOTE_ERROR = "anote-error"
ANOTE_SAVE = "anote-save"
ANOTE_EDITING = "anote-editing"  # the id of the notification being edited, or None
ANOTE_RELOAD = "anote-reload"

# system parameters (administrators, Liaoning 5.2.1)
APARAM_KEY_SEARCH = "aparam-key-search"
APARAM_VALUE_SEARCH = "aparam-value-search"
APARAM_RESET = "aparam-reset"
APARAM_TOTAL = "aparam-total"
APARAM_TABLE = "aparam-table"
APARAM_PAGER = "aparam-pager"
APARAM_NEW = "aparam-new"
APARAM_EDIT = "aparam-edit"
APARAM_DELETE = "aparam-delete"
APARAM_MESSAGE = "aparam-message"
APARAM_EXPORT = "aparam-export"  # {"type": APARAM_EXPORT, "rows": page | all, "format": xlsx | pdf}
APARAM_DOWNLOAD = "aparam-download"
APARAM_MODAL = "aparam-modal"
APARAM_MODAL_TITLE = "aparam-modal-title"
APARAM_FIELD = "aparam-field"  # {"type": APARAM_FIELD, "name": key | value | description}
APARAM_ERROR = "aparam-error"
APARAM_HINT = "aparam-hint"  # what the code expects of a known parameter
APARAM_HISTORY = "aparam-history"  # the parameter's changes (经办详细/操作历史)
APARAM_SAVE = "aparam-save"
APARAM_EDITING = "aparam-editing"  # the key being edited, or None for a new parameter
APARAM_RELOAD = "aparam-reload"

# enterprise ledger (企业台账, Jiucheng 3.8): filters, preview grid, column chooser, templates, exports
LEDGER_ENTERPRISE = "ledger-enterprise"  # administrators: whose ledger
LEDGER_DIRECTION = "ledger-direction"
LEDGER_FILTER = "ledger-filter"  # {"type": LEDGER_FILTER, "name": party | declarant}
LEDGER_LEGAL = "ledger-legal"
LEDGER_DATES = "ledger-dates"
LEDGER_STATUS = "ledger-status"
LEDGER_CERT_TYPE = "ledger-cert-type"
LEDGER_CERT_STATUS = "ledger-cert-status"
LEDGER_QUERY = "ledger-query"
LEDGER_APPLIED = "ledger-applied"  # the query the grid shows (and exports take)
LEDGER_TOTAL = "ledger-total"
LEDGER_TABLE = "ledger-table"
LEDGER_PAGER = "ledger-pager"
LEDGER_COLUMNS = "ledger-columns"  # the chosen column keys, in order
LEDGER_CHOSEN = "ledger-chosen"
LEDGER_COLUMN_MOVE = "ledger-column-move"  # {"type": LEDGER_COLUMN_MOVE, "key": column, "move": up | down | remove}
LEDGER_COLUMN_ADD = "ledger-column-add"
LEDGER_COLUMN_RESET = "ledger-column-reset"
LEDGER_TEMPLATE = "ledger-template"
LEDGER_TEMPLATE_NAME = "ledger-template-name"
LEDGER_TEMPLATE_SAVE = "ledger-template-save"
LEDGER_TEMPLATE_UPDATE = "ledger-template-update"
LEDGER_TEMPLATE_RENAME = "ledger-template-rename"
LEDGER_TEMPLATE_DELETE = "ledger-template-delete"
LEDGER_TEMPLATE_MESSAGE = "ledger-template-message"
LEDGER_FILE_NAME = "ledger-file-name"
LEDGER_FORMAT = "ledger-format"
LEDGER_EXPORT = "ledger-export"
LEDGER_CANCEL = "ledger-cancel"
LEDGER_PROGRESS = "ledger-progress"
LEDGER_PROGRESS_BOX = "ledger-progress-box"
LEDGER_JOB = "ledger-job"  # the job ticket of a large export
LEDGER_RESULT = "ledger-result"  # what the job finished with
LEDGER_MESSAGE = "ledger-message"
LEDGER_DOWNLOAD = "ledger-download"
LEDGER_LINK = "ledger-link"  # the finished export's download link

# certificate query (证书查询, Liaoning 5.9.2): filters, a grid paged and sorted by the server
CERTQ_FIELD = "certq-field"  # pattern: {"type": CERTQ_FIELD, "name": filter field} (value)
CERTQ_RANGE = "certq-range"  # pattern: {"type": CERTQ_RANGE, "name": declared|reviewed|issued|received}
CERTQ_SEARCH = "certq-search"
CERTQ_RESET = "certq-reset"
CERTQ_MESSAGE = "certq-message"
CERTQ_PROBLEMS = "certq-problems"
CERTQ_COUNT = "certq-count"
CERTQ_EXACT = "certq-exact"
CERTQ_GRID = "certq-grid"
CERTQ_QUERY = "certq-query"  # the filters the grid reads, as checked by the server
CERTQ_REFRESHED = "certq-refreshed"  # written by the browser when it empties the grid for new filters

# statistics: issuance by district (发证信息查询, Liaoning 5.9.1): filters, bar chart drilling down the tree, table
ISSUANCE_ISSUE_DATES = "issuance-issue-dates"
ISSUANCE_RECEIVED_DATES = "issuance-received-dates"
ISSUANCE_DISTRICT = "issuance-district"  # the district whose subordinates are shown (the drill-down level)
ISSUANCE_TYPE = "issuance-type"
ISSUANCE_DEST = "issuance-dest"
ISSUANCE_ENTRY = "issuance-entry"
ISSUANCE_SIGNING = "issuance-signing"
ISSUANCE_STATUS = "issuance-status"
ISSUANCE_RESET = "issuance-reset"
ISSUANCE_CRUMBS = "issuance-crumbs"
ISSUANCE_CRUMB = "issuance-crumb"  # pattern: {"type": ISSUANCE_CRUMB, "district": code, "" for all}
ISSUANCE_DRILL = "issuance-drill"  # pattern: {"type": ISSUANCE_DRILL, "district": code} (a table row's button)
ISSUANCE_CHART = "issuance-chart"
ISSUANCE_TABLE = "issuance-table"
ISSUANCE_TOTAL = "issuance-total"
ISSUANCE_RECORDS = "issuance-records"  # at a leaf: the link to its certificates (/stats/certificates?...)

# statistics: cloud-signing usage (云签发应用情况, Liaoning 5.9.3): table / chart, downloads
CLOUD_RECEIVED_DATES = "cloud-received-dates"
CLOUD_ENTRY = "cloud-entry"
CLOUD_DISTRICT = "cloud-district"
CLOUD_RESET = "cloud-reset"
CLOUD_TABS = "cloud-tabs"
CLOUD_TABLE = "cloud-table"
CLOUD_CHART = "cloud-chart"
CLOUD_XLSX = "cloud-xlsx"
CLOUD_CSV = "cloud-csv"
CLOUD_DOWNLOAD = "cloud-download"

# statistics: trends (monthly issuance by type and destination, review turnaround, backlog)
TRENDS_FROM = "trends-from"
TRENDS_TO = "trends-to"
TRENDS_DISTRICT = "trends-district"
TRENDS_STYLE = "trends-style"  # line | stacked bars
TRENDS_BY_TYPE = "trends-by-type"
TRENDS_BY_DEST = "trends-by-dest"
TRENDS_TURNAROUND = "trends-turnaround"
TRENDS_TURNAROUND_TABLE = "trends-turnaround-table"
TRENDS_BACKLOG = "trends-backlog"
TRENDS_BACKLOG_TABLE = "trends-backlog-table"
