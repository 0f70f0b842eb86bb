"""A request id for every request and one access-log record per request.

The id is the client's `X-Request-Id` when it is a short safe token (a proxy in front sets one),
otherwise a new one; it is sent back in the response's `X-Request-Id`, marks every log record
written while the request runs (dashboard.core.logs), and travels in job tickets into background
jobs (dashboard.jobs). The access record (logger `certdash.access`) names the method, the path, the
callback's output for Dash callbacks, the status, the duration, the size, the user and the address.
Health probes are left out.
"""
from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request

from dashboard.core.logs import REQUEST_ID, accepted_request_id, new_request_id

REQUEST_ID_HEADER = "X-Request-Id"
access_log = logging.getLogger("certdash.access")


def current_request_id() -> str | None:
    """The id of the request being served (None outside a request)."""
    return REQUEST_ID.get()


def install_request_log(server: Flask, quiet_paths: frozenset[str] = frozenset()) -> None:
    """Register the request id and the access record; call before any other before-request hook,
    so that a request the guard turns away is logged with its id too."""

    @server.before_request
    def _start() -> None:
        rid = accepted_request_id(request.headers.get(REQUEST_ID_HEADER)) or new_request_id()
        g.request_id = rid
        g.request_started = time.perf_counter()
        g.request_id_token = REQUEST_ID.set(rid)

    @server.after_request
    def _record(response: Response) -> Response:
        rid = g.get("request_id")
        if rid is None:  # a request that failed before the hooks ran
            return response
        response.headers[REQUEST_ID_HEADER] = rid
        if request.path not in quiet_paths:
            status = response.status_code
            fields = {
                "method": request.method,
                "path": request.path[:300],
                "status": status,
                "ms": round((time.perf_counter() - g.request_started) * 1000, 1),
                "bytes": response.calculate_content_length(),
                "user": _user_id(),
                "address": request.remote_addr,
            }
            if request.path == "/_dash-update-component":
                payload = request.get_json(silent=True)
                output = payload.get("output") if isinstance(payload, dict) else None
                fields["callback"] = output[:200] if isinstance(output, str) else None
            level = logging.WARNING if status >= 500 else logging.INFO
            if access_log.isEnabledFor(level):  # a record made directly: no stack walk for the caller per request
                access_log.handle(access_log.makeRecord(access_log.name, level, __file__, 0, "%s %s %s",
                                                        (request.method, request.path[:300], status), None,
                                                        extra=fields))
        return response

    @server.teardown_request
    def _end(_exc: BaseException | None) -> None:
        token = g.pop("request_id_token", None)
        if token is not None:
            try:
                REQUEST_ID.reset(token)
            except ValueError:  # set in another context (a streamed response): forget it plainly
                REQUEST_ID.set(None)


def _user_id() -> int | None:
    actor = g.get("actor")  # set by the guard when it looked; never loads a user just to log it
    return getattr(actor, "user_id", None)
