"""统计目标: the administrator's page of per-district targets (the cloud-signing share, review turnaround), which
the explorer marks and the managers' home pages flag."""
from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import html

from dashboard.core.i18n import N_, Translator
from data.statistics.sums import Tree
from data.statistics.targets import AT_LEAST, TARGET_MEASURES, TargetRow
from layouts.admin import ids
from layouts.common import page_header
from layouts.statistics.charts import district_label, filter_dropdown, labelled_control

MEASURE_LABELS = {"cloud_share": N_("Cloud-signing share, at least (%)"),
                  "turnaround_median": N_("Review turnaround, median, at most (hours)"),
                  "turnaround_p90": N_("Review turnaround, 90th percentile, at most (hours)")}
PROBLEMS = {"district": {"empty": N_("Choose a district."), "unknown": N_("This district does not exist.")},
            "measure": {"unknown": N_("Choose what the target is for.")},
            "target": {"empty": N_("Enter the target."), "format": N_("Enter a number."),
                       "range": N_("A share is between 0 and 100 %, a turnaround between 0 and 1,440 hours.")}}
SAVED, DELETED, GONE = N_("Target saved."), N_("Target deleted."), N_("This target no longer exists.")


def target_text(t: Translator, row: TargetRow) -> str:
    if TARGET_MEASURES[row.measure][0] == AT_LEAST:
        return f"≥ {row.target:.1%}"
    return t("≤ {hours} h", hours=t.number(round(row.target, 1)))


def targets_page(t: Translator, tree: Tree) -> html.Div:
    districts = [{"label": "\u3000" * tree.depth(c) + district_label(t, c, tree.districts[c].name_zh,
                                                                    tree.districts[c].name_en), "value": c}
                 for c in tree.subtree(None)]
    form = dbc.Row([
        labelled_control(t("Customs district"), filter_dropdown(t, ids.ATGT_DISTRICT, districts, t("Choose a district"))),
        labelled_control(t("Target for"), filter_dropdown(t, ids.ATGT_MEASURE, [
            {"label": t(label), "value": code} for code, label in MEASURE_LABELS.items()], t("Choose a measure"))),
        labelled_control(t("Target"), dbc.Input(id=ids.ATGT_VALUE, type="text", inputMode="decimal", maxLength=12,
                                                placeholder=t("e.g. 80 (%) or 24 (hours)")), md=2),
        dbc.Col(dbc.Button(t("Save"), id=ids.ATGT_SAVE, color="primary", className="mt-4"), md=1),
    ], className="g-2 mb-2")
    return html.Div([
        page_header(t("Statistics targets"), t("A district without a target of its own takes the one above it. "
                                               "The explorer marks districts that miss their target; managers see "
                                               "them on their home page.")),
        form,
        html.Div(id=ids.ATGT_MESSAGE, role="status"),
        html.Div(id=ids.ATGT_TABLE),
    ])


def targets_table(t: Translator, tree: Tree, rows: Sequence[TargetRow]):
    if not rows:
        return html.P(t("No targets are set."), className="text-muted")
    body = []
    for row in rows:
        d = tree.districts.get(row.district_code)
        name = district_label(t, row.district_code, d.name_zh, d.name_en) if d else row.district_code
        body.append(html.Tr([
            html.Td(name), html.Td(t(MEASURE_LABELS[row.measure])), html.Td(target_text(t, row), className="text-end"),
            html.Td(t.datetime(row.updated_at)),
            html.Td(dbc.Button(t("Delete"), id={"type": ids.ATGT_DELETE, "district": row.district_code,
                                                "measure": row.measure}, color="danger", outline=True, size="sm")),
        ]))
    header = [t("Customs district"), t("Target for"), t("Target"), t("Changed"), ""]
    return dbc.Table([html.Thead(html.Tr([html.Th(h, scope="col") for h in header])), html.Tbody(body)],
                     hover=True, size="sm", responsive=True)


def problem_text(t: Translator, errors: dict[str, str]) -> str:
    fallback = PROBLEMS["target"]["format"]
    texts = []
    for field, reason in errors.items():
        message = PROBLEMS.get(field, {}).get(reason) or fallback
        texts.append(t(message))
    return " ".join(texts)
