"""Malformed requests get a 4xx with a short reason, never a 500 with a traceback in the log.

- A callback request (`POST /_dash-update-component`) must be what Dash's renderer sends: a JSON
  object naming a server-side callback of this app, with its outputs, and lists of inputs and states
  as many as the callback declares. Anything else is refused with 400 before Dash sees it.
- Values a page never sends (a number where a list belongs, 10^30 for a page number, a NUL byte)
  may still make a callback fail on a wrong type or value: that is the request's fault, answered
  400 and logged as one line, without a traceback.
- A NUL or another control character (but tab and line breaks) in a callback's values is shown as
  U+FFFD before the callback runs: PostgreSQL refuses NUL in text, and no field of a page takes
  control characters, so the value is then refused or stored as any other odd text would be. In a
  component id it makes the request malformed.
- Paths with NUL bytes or that climb out of a folder, and numbers past what a route takes, are 404.
"""
from __future__ import annotations

import json
import logging
import re

from dash import Dash
from dash.exceptions import UnsupportedRelativePath
from flask import Response, jsonify, request
from sqlalchemy.exc import NoResultFound

CALLBACK_PATH = "/_dash-update-component"
# a wrong type or value from the request; a record it names that does not exist; a page path Dash cannot route
VALUE_ERRORS = (TypeError, ValueError, KeyError, AttributeError, IndexError, OverflowError, NoResultFound,
                UnsupportedRelativePath)
log = logging.getLogger(__name__)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _refuse(status: int, reason: str) -> Response:
    response = jsonify({"error": reason})
    response.status_code = status
    return response


def _output_ids(key: str) -> list[str]:
    """The component ids a callback's key names, pattern ids by their `type` (as JSON in the key)."""
    parts = key.strip(".").split("...") if key.startswith("..") else [key]
    found = []
    for part in parts:
        component_id = part.rsplit(".", 1)[0]
        found.append(json.loads(component_id).get("type", "") if component_id.startswith("{") else component_id)
    return found


def _sent_ids(outputs, single: bool) -> list[str] | None:
    """The ids the request's `outputs` name, in order; None when they are not shaped as Dash sends them.

    A callback of one output sends that output (a list of components when it is a pattern), several
    outputs a list of them.
    """
    items = [outputs] if single or not isinstance(outputs, list) else outputs
    found = []
    for item in items:
        if isinstance(item, list):  # a pattern-matching output: the components it matched
            if not all(isinstance(x, dict) and isinstance(x.get("id"), dict) for x in item):
                return None
            found.append(item[0]["id"].get("type", "") if item else None)
        elif isinstance(item, dict) and isinstance(item.get("id"), (str, dict)):
            component_id = item["id"]
            found.append(component_id.get("type", "") if isinstance(component_id, dict) else component_id)
        else:
            return None
    return found


def _dependencies_ok(items, expected: int) -> bool:
    if not isinstance(items, list) or len(items) != expected:
        return False
    for item in items:
        entries = item if isinstance(item, list) else [item]
        if not all(isinstance(e, dict) and isinstance(e.get("id"), (str, dict)) and isinstance(e.get("property"), str)
                   for e in entries):
            return False
    return True


def callback_problem(app: Dash, payload) -> str | None:
    """Why a callback request is not one this app's pages send, or None."""
    if not isinstance(payload, dict):
        return "the body is not a JSON object"
    key = payload.get("output")
    spec = app.callback_map.get(key) if isinstance(key, str) else None
    if spec is None or "callback" not in spec:
        return "no such server callback"
    sent = _sent_ids(payload.get("outputs"), single=not key.startswith(".."))
    expected = _output_ids(key)
    if sent is None or len(sent) != len(expected) or any(s is not None and s != e for s, e in zip(sent, expected)):
        return "the outputs are not the callback's"
    if not _dependencies_ok(payload.get("inputs"), len(spec.get("inputs", []))):
        return "the inputs are not the callback's"
    if not _dependencies_ok(payload.get("state", []), len(spec.get("state", []))):
        return "the states are not the callback's"
    changed = payload.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "changedPropIds is not a list of names"
    return None


def _plain(value):
    """The value with control characters in its strings (at any depth) shown as U+FFFD."""
    if isinstance(value, str):
        return CONTROL.sub("\ufffd", value) if CONTROL.search(value) else value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _entries(items) -> list[dict]:
    found = []
    for item in items if isinstance(items, list) else [items]:
        found.extend(e for e in (item if isinstance(item, list) else [item]) if isinstance(e, dict))
    return found


def clean_values(payload: dict) -> bool:
    """Make the callback's values plain text in place; False when a component id holds control characters."""
    for part in ("outputs", "inputs", "state"):
        for entry in _entries(payload.get(part, [])):
            if _plain(entry.get("id")) != entry.get("id"):
                return False
            if part != "outputs" and "value" in entry:
                entry["value"] = _plain(entry["value"])
    return True


def install_request_checks(app: Dash) -> None:
    """Check requests after the access guard (who may call what) and Dash's own set-up (its callback map)."""
    server = app.server

    def _well_formed():
        path = request.path
        if "\x00" in path or "/../" in path or path.endswith("/.."):
            return _refuse(404, "not found")
        if path == CALLBACK_PATH and request.method == "POST":
            payload = request.get_json(silent=True)  # parsed once: Dash reads the same object
            problem = callback_problem(app, payload)
            if problem is None and not clean_values(payload):
                problem = "a component id holds control characters"
            if problem is not None:
                key = payload.get("output") if isinstance(payload, dict) else None
                log.warning("malformed callback request (%s): %s", problem, str(key)[:120])
                return _refuse(400, f"malformed callback request: {problem}")
        return None

    server.before_request(_well_formed)

    def _bad_values(exc: Exception):
        if request.path != CALLBACK_PATH:
            raise exc  # elsewhere a wrong type is the code's fault: a 500, logged with its traceback
        log.warning("callback refused values it cannot use: %s %s", type(exc).__name__, str(exc)[:200])
        return _refuse(400, "the request's values are not what this page sends")

    for error in VALUE_ERRORS:
        server.register_error_handler(error, _bad_values)
    # numbers past what a store's integer holds, in a route's <int:...>: no such record
    for rule in server.url_map.iter_rules():
        for converter in getattr(rule, "_converters", {}).values():
            if type(converter).__name__ == "IntegerConverter" and getattr(converter, "max", None) is None:
                converter.max = 2**31 - 1
