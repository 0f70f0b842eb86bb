"""Deny by default: one before_request guard over every route, Dash callbacks included.

Anonymous users reach only the public routes (the login frame, static files, language switch).
A signed-in user reaches a page or a callback only if the page's permission is granted to their
role. Callback outputs are matched to pages by their component-id prefix (`dashboard/ids.py`),
so a callback whose outputs belong to no known page is refused.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from flask import Flask, Response, jsonify, redirect, request
from urllib.parse import quote

from data.scope import Actor

DASH_INDEX_ENDPOINTS = frozenset({"/", "/<path:path>"})
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")
PUBLIC_PATHS = frozenset({"/login", "/auth/login", "/_favicon.ico", "/_dash-layout", "/_dash-dependencies",
                          "/_reload-hash"})
PUBLIC_PREFIXES = ("/lang/",)


@dataclass(frozen=True)
class AccessMap:
    """What each page path and each component-id prefix requires."""

    page_permissions: dict[str, str]  # path -> permission
    prefix_permissions: dict[str, str | None]  # id prefix -> permission (None: any signed-in user)
    public_paths: frozenset[str] = field(default_factory=frozenset)  # more routes open to anyone
    signed_in_paths: frozenset[str] = field(default_factory=frozenset)  # server routes for any signed-in user

    def page_status(self, actor: Actor, path: str) -> int:
        """Return the HTTP status the page at `path` has for this actor: 200, 403 or 404."""
        normalised = path.rstrip("/") or "/"
        permission = self.page_permissions.get(normalised)
        if permission is None:
            return 404
        return 200 if actor.can(permission) else 403

    def callback_allowed(self, actor: Actor, output_ids: list) -> bool:
        """Return True when every output of the callback belongs to a page the actor may use."""
        if not output_ids:
            return False
        for cid in output_ids:
            prefix = id_prefix(cid)
            if prefix not in self.prefix_permissions:
                return False
            needed = self.prefix_permissions[prefix]
            if needed is not None and not actor.can(needed):
                return False
        return True


def id_prefix(component_id) -> str:
    """Return the page prefix of a component id: 'home-counts' -> 'home'; dict ids by their type."""
    if isinstance(component_id, dict):
        component_id = str(component_id.get("type", ""))
    text = str(component_id)
    if text.startswith("_pages_"):
        return "_pages"
    return text.split("-", 1)[0]


def callback_output_ids(payload: dict) -> list:
    """Extract the component ids of a /_dash-update-component request's outputs."""
    outputs = payload.get("outputs")
    if isinstance(outputs, dict):
        outputs = [outputs]
    ids: list = []
    for out in outputs or []:
        if isinstance(out, list):  # pattern-matching ALL outputs arrive as lists
            ids.extend(o.get("id") for o in out if isinstance(o, dict))
        elif isinstance(out, dict):
            ids.append(out.get("id"))
    return [i for i in ids if i is not None]


def install_guard(server: Flask, access: AccessMap, current_actor: Callable[[], Actor | None]) -> None:
    """Register the deny-by-default guard and the page status rule on the Flask server."""

    def is_public(path: str) -> bool:
        return (
            path.startswith(STATIC_PREFIXES)
            or path in PUBLIC_PATHS
            or path in access.public_paths
            or path.startswith(PUBLIC_PREFIXES)
        )

    @server.before_request
    def _guard():
        path = request.path
        if is_public(path):
            return None
        actor = current_actor()
        if actor is None:
            if request.method == "GET" and request.endpoint in DASH_INDEX_ENDPOINTS:
                return redirect(f"/login?next={quote(request.full_path.rstrip('?'), safe='/?=&')}")
            return _deny(401, "login required")
        if path == "/_dash-update-component":
            payload = request.get_json(silent=True) or {}
            if not access.callback_allowed(actor, callback_output_ids(payload)):
                return _deny(403, "forbidden")
            return None
        if request.endpoint in DASH_INDEX_ENDPOINTS or path in access.signed_in_paths:
            return None
        return _deny(404, "not found")

    @server.after_request
    def _page_status(response: Response) -> Response:
        if request.method == "GET" and request.endpoint in DASH_INDEX_ENDPOINTS and response.status_code == 200:
            actor = current_actor()
            if actor is not None:
                response.status_code = access.page_status(actor, request.path)
        return response


def _deny(status: int, message: str):
    response = jsonify({"error": message})
    response.status_code = status
    return response
