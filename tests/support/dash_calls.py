"""Calling a page's callback through the Flask test client, with the request a browser sends.

`call(app, client, "comm-message", {...}, trigger="comm-bind.n_clicks")` finds the callback that
writes `comm-message`, sends every input and state it declares (the value given for its id, else
None) and returns the response's values by output, or the response itself when it is not a 200.
A pattern-matching (ALL) input or output takes the list of components the page holds:
`{ovu-field: [({"type": "ovu-field", "name": "account"}, "rsn"), ...]}` keyed by its `type`.
"""
from __future__ import annotations

import json
from typing import Any


def _spec(app, output_id: str) -> tuple[str, dict]:
    app.server.test_client().get("/login")  # Dash registers its callbacks on the first request
    found = [(key, spec) for key, spec in app.callback_map.items()
             if f"..{output_id}." in key or key.startswith(f"{output_id}.")]
    assert len(found) == 1, f"{len(found)} callbacks write {output_id}: name one output only one of them writes"
    return found[0]


def _pattern(component_id: str) -> dict | None:
    return json.loads(component_id) if component_id.startswith("{") else None


def _dependency(item: dict, values: dict[str, Any], wildcards: dict[str, list[tuple[dict, Any]]]) -> Any:
    pattern = _pattern(item["id"])
    if pattern is None:
        return {"id": item["id"], "property": item["property"], "value": values.get(item["id"])}
    return [{"id": concrete, "property": item["property"], "value": value}
            for concrete, value in wildcards.get(pattern["type"], [])]


def _output(item: str, wildcards: dict[str, list[tuple[dict, Any]]]) -> Any:
    component_id, prop = item.rsplit(".", 1)
    prop = prop.split("@")[0]
    pattern = _pattern(component_id)
    if pattern is None or not any(v == ["ALL"] for v in pattern.values()):
        return {"id": pattern if pattern is not None else component_id, "property": prop}
    return [{"id": concrete, "property": prop} for concrete, _value in wildcards.get(pattern["type"], [])]


def call(app, client, output_id: str, values: dict[str, Any], *, trigger: str,
         wildcards: dict[str, list[tuple[dict, Any]]] | None = None, headers: dict[str, str] | None = None):
    """POST the callback writing `output_id` as the browser would after `trigger` ("id.property") changed."""
    key, spec = _spec(app, output_id)
    payload = callback_payload(key, spec, values, trigger=trigger, wildcards=wildcards)
    response = client.post("/_dash-update-component", json=payload, headers=headers)
    if response.status_code != 200:
        return response
    return response.get_json()["response"]


def callback_payload(key: str, spec: dict, values: dict[str, Any], *, trigger: str,
                     wildcards: dict[str, list[tuple[dict, Any]]] | None = None) -> dict:
    """The body a browser posts for the callback `key` (as in `callback_map`, or `output` in
    `/_dash-dependencies`), with `spec` its inputs and state."""
    wildcards = wildcards or {}
    outputs = [_output(part, wildcards) for part in key.strip(".").split("...")]
    return {
        "output": key,
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": [_dependency(i, values, wildcards) for i in spec["inputs"]],
        "state": [_dependency(i, values, wildcards) for i in spec.get("state", [])],
        "changedPropIds": [trigger],
    }


def component_text(component) -> str:
    """The text of a rendered component tree (as Dash's JSON answer holds it)."""
    if isinstance(component, str):
        return component
    if isinstance(component, list):
        return " ".join(component_text(c) for c in component)
    if isinstance(component, dict):
        return component_text(component.get("props", {}).get("children", ""))
    return ""


def component_nodes(node):
    """Every component (and dict) of a rendered layout, depth first (as Dash's JSON answer holds it)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from component_nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from component_nodes(value)
