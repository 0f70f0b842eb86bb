"""Every component id, in one place, prefixed by its page ("<page>-<thing>").

The prefix is what the access guard maps to a page's permission (auth/guard.py), so a new page's
ids must use the prefix registered for it in dashboard/pages.py.
"""

# shell (any signed-in user)
SHELL_NAVBAR = "shell-navbar"
SHELL_MENU = "shell-menu"
SHELL_USER = "shell-user"
SHELL_LOGOUT = "shell-logout"

# login (anonymous frame; no callbacks)
LOGIN_FORM = "login-form"
LOGIN_ACCOUNT = "login-account"
LOGIN_PASSWORD = "login-password"
LOGIN_SUBMIT = "login-submit"
LOGIN_ERROR = "login-error"

# home
HOME_COUNTS = "home-counts"
HOME_TASKS = "home-tasks"
HOME_NOTIFICATIONS = "home-notifications"

# reference data lookup
REF_DICTIONARY = "ref-dictionary"
REF_SEARCH = "ref-search"
REF_TABLE = "ref-table"
REF_TOTAL = "ref-total"
REF_PAGER = "ref-pager"

# error pages
ERROR_TITLE = "error-title"
