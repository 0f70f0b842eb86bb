"""The certificate query's grid asking for a block of rows, as the browser's AG Grid does (infinite row model)."""
from __future__ import annotations

OUTPUT = "..certq-grid.getRowsResponse...certq-notice.children...certq-cursors.data.."
OUTPUTS = [{"id": "certq-grid", "property": "getRowsResponse"}, {"id": "certq-notice", "property": "children"},
           {"id": "certq-cursors", "property": "data"}]


def grid_block(client, filters: dict | None, start: int = 0, sort_model: list | None = None,
               kept: dict | None = None) -> dict:
    """POST the grid's request for rows `start`..`start + 25`, with the cursors the tab `kept`: its answer by output
    (`getRowsResponse`, `notice`, `cursors`: None where the answer leaves the output as it was)."""
    payload = {
        "output": OUTPUT,
        "outputs": OUTPUTS,
        "inputs": [{"id": "certq-grid", "property": "getRowsRequest",
                    "value": {"startRow": start, "endRow": start + 25, "sortModel": sort_model or []}}],
        "state": [{"id": "certq-query", "property": "data", "value": filters},
                  {"id": "certq-cursors", "property": "data", "value": kept}],
        "changedPropIds": ["certq-grid.getRowsRequest"],
    }
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.get_data(as_text=True)
    answer = response.get_json()["response"]
    return {"getRowsResponse": answer["certq-grid"]["getRowsResponse"],
            "notice": answer.get("certq-notice", {}).get("children"),
            "cursors": answer.get("certq-cursors", {}).get("data")}
