"""Calling the explorer page's callbacks as the browser does, with the panel's controls named by view parameter
(the date range is one component with two properties, which `tests.support.dash_calls.call` cannot name)."""
from __future__ import annotations

from typing import Any

from callbacks.statistics.explorer import CONTROLS

PERIOD = {"date_from": "2026-01-01", "date_to": "2026-06-30"}


def run(app, client, output_id: str, controls: dict[str, Any] | None = None, extra: dict[str, Any] | None = None,
        trigger: str | None = None):
    """Post the callback writing `output_id` with the panel's controls (by view parameter) and other values
    (by "id.property"), as the browser does; return the response by output id, or the response itself."""
    app.server.test_client().get("/login")
    key, spec = next((k, v) for k, v in app.callback_map.items() if f"..{output_id}." in k or k.startswith(
        f"{output_id}."))
    by_prop = {f"{i}.{p}": (controls or {}).get(name) for name, (i, p) in CONTROLS.items()}
    by_prop.update(extra or {})

    def dep(item):
        return {"id": item["id"], "property": item["property"], "value": by_prop.get(f"{item['id']}.{item['property']}")}

    parts = key.strip(".").split("...")
    outputs = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1].split("@")[0]} for p in parts]
    payload = {"output": key, "outputs": outputs if len(outputs) > 1 else outputs[0],
               "inputs": [dep(i) for i in spec["inputs"]], "state": [dep(i) for i in spec.get("state", [])],
               "changedPropIds": [trigger or f"{spec['inputs'][0]['id']}.{spec['inputs'][0]['property']}"]}
    response = client.post("/_dash-update-component", json=payload)
    if response.status_code != 200:
        return response
    return response.get_json()["response"]


def show(app, client, **controls):
    return run(app, client, "explorer-graph", {**PERIOD, "measure": "certificates", "rows": ["district"], **controls})
