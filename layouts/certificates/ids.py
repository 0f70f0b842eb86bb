"""Component ids of the certificate page, batch issuing, public verification, the overseas portal."""
from __future__ import annotations

from layouts.page_ids import PageIds, SigningDialogIds

CERTV = PageIds("certv")
CERTI = PageIds("certi")
OVS = PageIds("ovs")
VER = PageIds("ver")

# one certificate (/certificates/view): status, facts, PDF, chain, history, replace / withdraw
CERTV_CONTENT = CERTV("content")
CERTV_MESSAGE = CERTV("message")
CERTV_STATE = CERTV("state")  # {"no": certificate number shown}
CERTV_REASON = CERTV("reason")
CERTV_REASON_ERROR = CERTV("reason-error")  # why the reason was refused, under the box
CERTV_REASON_FOCUS = CERTV("reason-focus")  # dcc.Store: the refused box got the cursor
CERTV_METHOD = CERTV("method")  # the replacement's signing method
CERTV_REPLACE = CERTV("replace")  # opens the signing dialog: a replacement is a new signed certificate
CERTV_WITHDRAW = CERTV("withdraw")  # a confirm dialog provider around the withdraw button
CERTV_PREVIEW = CERTV("preview")  # the PDF iframe
CERTV_SIGN = SigningDialogIds.of(CERTV)
# issuing certificates in a batch (/certificates/issue, officers)
CERTI_METHOD = CERTI("method")
CERTI_TABLE = CERTI("table")
CERTI_PAGER = CERTI("pager")
CERTI_TOTAL = CERTI("total")
CERTI_SIGN_SELECTED = CERTI("sign-selected")
CERTI_SIGN_ALL = CERTI("sign-all")
CERTI_CANCEL = CERTI("cancel")
CERTI_PROGRESS = CERTI("progress")
CERTI_JOB = CERTI("job")  # the job ticket of the batch
CERTI_DONE = CERTI("done")  # bumped when a batch ends: the list reloads
CERTI_MESSAGE = CERTI("message")
CERTI_RESULT = CERTI("result")
# overseas portal (overseas users)
OVS_SEARCH = OVS("search")
OVS_RESULTS = OVS("results")
OVS_OPEN = OVS("open")  # {"type": OVS_OPEN, "no": certificate number}: a result row's "open" button
OVS_DETAIL = OVS("detail")  # the chosen certificate: status, replacement, PDF preview, downloads
OVS_PREVIEW = OVS("preview")  # the PDF iframe
# public certificate verification (anyone)
VER_RESULT = VER("result")
VER_CONTEXT = VER("context")  # dcc.Store: the certificate number the page verified (for the upload check)
VER_UPLOAD = VER("upload")
VER_UPLOAD_RESULT = VER("upload-result")
VER_TYPED_NUMBER = VER("typed-number")  # typed from a paper certificate, with its verification code
VER_TYPED_CODE = VER("typed-code")
VER_TYPED_SUBMIT = VER("typed-submit")
# the signing dialog (layouts.common.signing_modal): what will be issued, the signer's password or card PIN
CERTI_SIGN = SigningDialogIds.of(CERTI)
