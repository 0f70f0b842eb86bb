"""Component ids of issuance by district, cloud-signing usage, trends, the certificate query."""
from __future__ import annotations

from layouts.page_ids import PageIds

CERTQ = PageIds("certq")
ISSUANCE = PageIds("issuance")
CLOUD = PageIds("cloud")
TRENDS = PageIds("trends")

# certificate query (证书查询, Liaoning 5.9.2): filters, a grid paged and sorted by the server
CERTQ_FIELD = CERTQ("field")  # pattern: {"type": CERTQ_FIELD, "name": filter field} (value)
CERTQ_RANGE = CERTQ("range")  # pattern: {"type": CERTQ_RANGE, "name": declared|reviewed|issued|received}
CERTQ_SEARCH = CERTQ("search")
CERTQ_RESET = CERTQ("reset")
CERTQ_MESSAGE = CERTQ("message")
CERTQ_PROBLEMS = CERTQ("problems")
CERTQ_NOTICE = CERTQ("notice")  # what the grid's last read said: nothing, or that it was stopped (too slow)
CERTQ_SLOW = CERTQ("slow")
CERTQ_COUNT = CERTQ("count")
CERTQ_EXACT = CERTQ("exact")
CERTQ_GRID = CERTQ("grid")
CERTQ_CURSORS = CERTQ("cursors")  # where the grid's next blocks start, kept by the tab for any worker
CERTQ_QUERY = CERTQ("query")  # the filters the grid reads, as checked by the server
CERTQ_REFRESHED = CERTQ("refreshed")  # written by the browser when it empties the grid for new filters
# statistics: issuance by district (发证信息查询, Liaoning 5.9.1): filters, bar chart drilling down the tree, table
ISSUANCE_ISSUE_DATES = ISSUANCE("issue-dates")
ISSUANCE_RECEIVED_DATES = ISSUANCE("received-dates")
ISSUANCE_DISTRICT = ISSUANCE("district")  # the district whose subordinates are shown (the drill-down level)
ISSUANCE_TYPE = ISSUANCE("type")
ISSUANCE_DEST = ISSUANCE("dest")
ISSUANCE_ENTRY = ISSUANCE("entry")
ISSUANCE_SIGNING = ISSUANCE("signing")
ISSUANCE_STATUS = ISSUANCE("status")
ISSUANCE_RESET = ISSUANCE("reset")
ISSUANCE_CRUMBS = ISSUANCE("crumbs")
ISSUANCE_CRUMB = ISSUANCE("crumb")  # pattern: {"type": ISSUANCE_CRUMB, "district": code, "" for all}
ISSUANCE_DRILL = ISSUANCE("drill")  # pattern: {"type": ISSUANCE_DRILL, "district": code} (a table row's button)
ISSUANCE_CHART = ISSUANCE("chart")
ISSUANCE_TABLE = ISSUANCE("table")
ISSUANCE_TOTAL = ISSUANCE("total")
ISSUANCE_RECORDS = ISSUANCE("records")  # at a leaf: the link to its certificates (/stats/certificates?...)
# statistics: cloud-signing usage (云签发应用情况, Liaoning 5.9.3): table / chart, downloads
CLOUD_RECEIVED_DATES = CLOUD("received-dates")
CLOUD_ENTRY = CLOUD("entry")
CLOUD_DISTRICT = CLOUD("district")
CLOUD_RESET = CLOUD("reset")
CLOUD_TABS = CLOUD("tabs")
CLOUD_TABLE = CLOUD("table")
CLOUD_CHART = CLOUD("chart")
CLOUD_XLSX = CLOUD("xlsx")
CLOUD_CSV = CLOUD("csv")
CLOUD_DOWNLOAD = CLOUD("download")
# statistics: trends (monthly issuance by type and destination, review turnaround, backlog)
TRENDS_FROM = TRENDS("from")
TRENDS_TO = TRENDS("to")
TRENDS_DISTRICT = TRENDS("district")
TRENDS_STYLE = TRENDS("style")  # line | stacked bars
TRENDS_BY_TYPE = TRENDS("by-type")
TRENDS_BY_DEST = TRENDS("by-dest")
TRENDS_TURNAROUND = TRENDS("turnaround")
TRENDS_TURNAROUND_TABLE = TRENDS("turnaround-table")
TRENDS_BACKLOG = TRENDS("backlog")
TRENDS_BACKLOG_TABLE = TRENDS("backlog-table")
# statistics: the explorer (统计分析): a view's controls, the chart and pivot, saved views, downloads
EXPLORER = PageIds("explorer")
EXPLORER_MEASURE = EXPLORER("measure")
EXPLORER_ROWS = EXPLORER("rows")
EXPLORER_COLUMNS = EXPLORER("columns")
EXPLORER_DISTRICT = EXPLORER("district")
EXPLORER_LEVEL = EXPLORER("level")
EXPLORER_DATES = EXPLORER("dates")
EXPLORER_GRAIN = EXPLORER("grain")
EXPLORER_TYPE = EXPLORER("type")
EXPLORER_DEST = EXPLORER("dest")
EXPLORER_REGION = EXPLORER("region")
EXPLORER_ENTRY = EXPLORER("entry")
EXPLORER_SIGNING = EXPLORER("signing")
EXPLORER_STATUS = EXPLORER("status")
EXPLORER_CURRENCY = EXPLORER("currency")
EXPLORER_COMPARE = EXPLORER("compare")
EXPLORER_ORDER = EXPLORER("order")
EXPLORER_CHART_TYPE = EXPLORER("chart-type")
EXPLORER_RESET = EXPLORER("reset")
EXPLORER_NOTES = EXPLORER("notes")  # what the view left out, or why nothing is shown
EXPLORER_LINK_NOTES = EXPLORER("link-notes")  # what the opened link or saved view left out
EXPLORER_GRAPH = EXPLORER("graph")
EXPLORER_TABLE = EXPLORER("table")
EXPLORER_SUMMARY = EXPLORER("summary")
EXPLORER_LINK = EXPLORER("link")  # the link that reproduces the view
EXPLORER_XLSX = EXPLORER("xlsx")
EXPLORER_DOWNLOAD = EXPLORER("download")
EXPLORER_VIEWS = EXPLORER("views")  # the saved views one may open
EXPLORER_VIEW_NAME = EXPLORER("view-name")
EXPLORER_VIEW_SHARED = EXPLORER("view-shared")
EXPLORER_VIEW_SAVE = EXPLORER("view-save")
EXPLORER_VIEW_DELETE = EXPLORER("view-delete")
EXPLORER_VIEW_MESSAGE = EXPLORER("view-message")
