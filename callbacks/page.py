"""What a page module declares: its spec. The registry (dashboard/web/pages.py) finds every spec in
the callbacks package, so a page's path, permission, ids, menu entry and render function are found
from the page's own module, next to its callbacks."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from auth.permissions import Perm
from dashboard.core.i18n import N_
from layouts.page_ids import PageIds

Permission = Perm | str | tuple[Perm, ...]  # a code, any of several, or auth.guard's PUBLIC / SIGNED_IN

MENU_SETTINGS = N_("Enterprise settings")  # 系统设置 of Jiucheng 3.3: the enterprise's own set-up pages
MENU_ADMIN = N_("Administration")  # 系统配置 of Liaoning 5.2 and 单证格式 of 5.6: the administrators' pages
MENU_STATS = N_("Statistics")  # 统计查询 of Liaoning 5.9: the managers' and administrators' statistics pages


@dataclass(frozen=True)
class PageSpec:
    key: str
    path: str
    title: str  # message id
    permission: Permission
    ids: PageIds  # the page's component ids: the guard lets a callback write them only with `permission`
    render: Callable[..., object]  # (actor | None, translator, **query) -> component
    order: int  # position in the navbar menu (and among landing pages): lower first
    in_menu: bool = True
    anonymous_only: bool = False  # signed-in users are sent home (sign-in, registration)
    menu_group: str | None = None  # message id of the dropdown that holds it in the navbar
    path_template: str | None = None  # Dash path template (/verify/<certificate_no>); its server route is public

    @property
    def id_prefix(self) -> str:
        return self.ids.prefix
