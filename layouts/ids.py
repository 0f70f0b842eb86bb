"""Component ids of the frame around every page (navbar) and the error pages."""
from __future__ import annotations

from layouts.page_ids import PageIds

SHELL = PageIds("shell")
ERROR = PageIds("error")

# shell (any signed-in user)
SHELL_NAVBAR = SHELL("navbar")
SHELL_MENU = SHELL("menu")
SHELL_USER = SHELL("user")
SHELL_LOGOUT = SHELL("logout")
# error pages
ERROR_TITLE = ERROR("title")
