"""Deny by default: one before_request guard over every route, Dash callbacks included.

Anonymous visitors reach only public routes and public pages (sign-in, registration ...). A
signed-in user reaches a page or a callback only if the page's permission is granted to their
role. Callback outputs are matched to pages by their component-id prefix (`layouts/page_ids.py`),
so a callback whose outputs belong to no known page is refused.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import quote

from flask import Flask, Response, jsonify, redirect, request

from data.core.scope import Actor

PUBLIC = "@public"  # anyone, signed in or not
SIGNED_IN = "@signed_in"  # any signed-in user

DASH_INDEX_ENDPOINTS = frozenset({"/", "/<path:path>"})
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")
PUBLIC_PATHS = frozenset({"/auth/login", "/auth/card/challenge", "/auth/card/login", "/_favicon.ico", "/_dash-layout",
                          "/_dash-dependencies", "/_reload-hash"})
PUBLIC_PREFIXES = ("/lang/",)


def allowed(actor: Actor | None, permission: str | tuple[str, ...] | None) -> bool:
    """Return True when `permission` (a code, any of several codes, PUBLIC or SIGNED_IN) lets this actor in."""
    if permission == PUBLIC:
        return True
    if actor is None or permission is None:
        return False
    if isinstance(permission, tuple):
        return any(actor.can(p) for p in permission)
    return permission == SIGNED_IN or actor.can(permission)


@dataclass(frozen=True)
class AccessMap:
    """What each page path and each component-id prefix requires."""

    page_permissions: dict[str, str | tuple[str, ...]]  # path -> permission(s), PUBLIC or SIGNED_IN
    prefix_permissions: dict[str, str | tuple[str, ...]]  # id prefix -> permission(s), PUBLIC or SIGNED_IN
    anonymous_only_paths: frozenset[str] = field(default_factory=frozenset)  # e.g. /login
    public_paths: frozenset[str] = field(default_factory=frozenset)  # more server routes open to anyone
    # server routes (Flask endpoint name -> permission, PUBLIC or SIGNED_IN); the view scopes the data itself
    route_permissions: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    landing_pages: tuple[tuple[str, str], ...] = ()  # (path, permission) in menu order: where "/" leads

    def landing(self, actor: Actor) -> str | None:
        """Return the first page this actor may open, for a role without the home page."""
        return next((path for path, permission in self.landing_pages if allowed(actor, permission)), None)

    def page_status(self, actor: Actor | None, path: str) -> int:
        """Return the HTTP status of the page at `path` for this actor: 200, 401, 403 or 404."""
        permission = self.page_permissions.get(normalise(path))
        if permission is None:
            return 404 if actor is not None else 401
        if allowed(actor, permission):
            return 200
        return 401 if actor is None else 403

    def callback_allowed(self, actor: Actor | None, output_ids: list) -> bool:
        """Return True when every output of the callback belongs to a page the actor may use."""
        return bool(output_ids) and all(
            allowed(actor, self.prefix_permissions.get(id_prefix(cid))) for cid in output_ids
        )


def normalise(path: str) -> str:
    return path.rstrip("/") or "/"


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
        if path == "/_dash-update-component":
            payload = request.get_json(silent=True)
            payload = payload if isinstance(payload, dict) else {}  # not a callback request: no outputs allowed
            if access.callback_allowed(actor, callback_output_ids(payload)):
                return None
            return _deny(401, "login required") if actor is None else _deny(403, "forbidden")
        if request.method == "GET" and request.endpoint in DASH_INDEX_ENDPOINTS:
            if actor is not None and normalise(path) in access.anonymous_only_paths:
                return redirect("/")
            status = access.page_status(actor, path)
            if status == 401:
                return redirect(f"/login?next={quote(request.full_path.rstrip('?'), safe='/?=&')}")
            if status == 403 and normalise(path) == "/" and access.landing(actor):
                return redirect(access.landing(actor))
            return None
        if request.endpoint in access.route_permissions:
            if allowed(actor, access.route_permissions[request.endpoint]):
                return None
            return _deny(401, "login required") if actor is None else _deny(403, "forbidden")
        return _deny(401, "login required") if actor is None else _deny(404, "not found")

    @server.after_request
    def _page_status(response: Response) -> Response:
        if request.method == "GET" and request.endpoint in DASH_INDEX_ENDPOINTS and response.status_code == 200:
            response.status_code = access.page_status(current_actor(), request.path)
        return response


def _deny(status: int, message: str):
    response = jsonify({"error": message})
    response.status_code = status
    return response
