"""System parameters: keys and the values the code reads checked on the server, the history of each
parameter read back from its audit events, and the list exported to xlsx and pdf (fonts embedded)."""
from __future__ import annotations

import base64
import json
import subprocess
from datetime import datetime, timezone
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from dashboard.core.i18n import translator
from data.admin.common import AdminInvalid
from data.admin.parameters import (
    KNOWN_PARAMETERS,
    all_parameters,
    create_parameter,
    delete_parameter,
    list_parameters,
    parameter_history,
    update_parameter,
)
from data.certificates.verification import DEFAULT_PER_MINUTE, PER_MINUTE_PARAMETER
from data.core.rate_limit import parameter_int
from data.core.scope import AccessDenied, NotFound
from data.models import SystemParameter
from layouts.admin.parameters import export_file
from tests.support.world import actor

MOMENT = datetime(2026, 3, 10, 4, 5, tzinfo=timezone.utc)


@pytest.fixture
def s(app, users):
    with app.server.extensions["certdash"].sessions() as session:
        yield session


def test_a_parameter_the_system_reads_is_checked_as_it_will_be_read(s):
    admin = actor(s, "sysadmin")
    assert parameter_int(s, PER_MINUTE_PARAMETER, DEFAULT_PER_MINUTE) == DEFAULT_PER_MINUTE
    row = create_parameter(s, admin, {"key": PER_MINUTE_PARAMETER, "value": " 060 "})
    s.commit()
    assert row.value == "60" and row.known is not None and row.description  # the known description filled in
    assert parameter_int(s, PER_MINUTE_PARAMETER, DEFAULT_PER_MINUTE) == 60
    for value, problem in (("sixty", "whole_number"), ("0", "out_of_range"), ("1.5", "whole_number"),
                           ("", "required")):
        with pytest.raises(AdminInvalid) as refused:
            update_parameter(s, admin, PER_MINUTE_PARAMETER, {"value": value})
        assert refused.value.errors == {"value": problem}
    s.rollback()
    assert s.get(SystemParameter, PER_MINUTE_PARAMETER).value == "60"
    delete_parameter(s, admin, PER_MINUTE_PARAMETER)
    assert parameter_int(s, PER_MINUTE_PARAMETER, DEFAULT_PER_MINUTE) == DEFAULT_PER_MINUTE


def test_unknown_keys_are_kept_as_text_and_keys_are_checked(s):
    admin = actor(s, "sysadmin")
    create_parameter(s, admin, {"key": "portal.banner", "value": "<b>欢迎</b>", "description": "门户横幅"})
    assert s.get(SystemParameter, "portal.banner").value == "<b>欢迎</b>"
    for key, problem in (("Portal.Banner", "parameter_key_format"), ("portal..x", "parameter_key_format"),
                         ("1portal", "parameter_key_format"), ("x" * 65, "too_long"), ("", "required"),
                         ("portal.banner", "key_taken")):
        with pytest.raises(AdminInvalid) as refused:
            create_parameter(s, admin, {"key": key, "value": "v"})
        assert refused.value.errors == {"key": problem}, key
    with pytest.raises(AdminInvalid) as fixed:
        update_parameter(s, admin, "portal.banner", {"key": "portal.other", "value": "v"})
    assert fixed.value.errors == {"key": "key_fixed"}
    s.rollback()
    assert s.scalar(select(func.count()).select_from(SystemParameter)) == 0  # nothing half-written


def test_search_by_key_or_description_and_by_value(s):
    admin = actor(s, "sysadmin")
    for key, value in (("a.one", "red"), ("a.two", "green"), ("b.three", "reddish")):
        create_parameter(s, admin, {"key": key, "value": value, "description": f"说明 {key}"})
    assert [r.key for r in list_parameters(s, admin, "a.").rows] == ["a.one", "a.two"]
    assert [r.key for r in list_parameters(s, admin, value_text="red").rows] == ["a.one", "b.three"]
    assert [r.key for r in list_parameters(s, admin, "three", "red").rows] == ["b.three"]
    paged = list_parameters(s, admin, page=1, page_size=2)
    assert [r.key for r in paged.rows] == ["b.three"] and paged.total == 3 and paged.page_count == 2
    assert [r.key for r in all_parameters(s, admin, value_text="re")] == ["a.one", "a.two", "b.three"]


def test_the_history_shows_who_changed_what_and_when_before_and_after(s):
    admin = actor(s, "sysadmin")
    create_parameter(s, admin, {"key": "certificate.change_days", "value": "90"})
    update_parameter(s, admin, "certificate.change_days", {"value": "120", "description": "换证期限"})
    update_parameter(s, admin, "certificate.change_days", {"value": "120", "description": "换证期限"})  # no change
    delete_parameter(s, admin, "certificate.change_days")
    create_parameter(s, admin, {"key": "certificate.change_days", "value": "30"})
    s.commit()
    history = parameter_history(s, admin, "certificate.change_days")
    assert [h.code for h in history] == ["admin.parameter.created", "admin.parameter.deleted",
                                         "admin.parameter.updated", "admin.parameter.created"]
    assert {h.account for h in history} == {"sysadmin"}
    changed = history[2].details
    assert changed["before"] == {"value": "90", "description": "证书签发后可换发或撤回的天数"}
    assert changed["after"] == {"value": "120", "description": "换证期限"}
    assert history[1].details["after"] is None and history[1].details["before"]["value"] == "120"
    assert history[0].at >= history[-1].at


def test_only_parameter_administrators_may_see_and_change(s):
    officer = actor(s, "officer0901")
    with pytest.raises(AccessDenied):
        list_parameters(s, officer)
    with pytest.raises(AccessDenied):
        parameter_history(s, officer, "x")
    with pytest.raises(NotFound):
        update_parameter(s, actor(s, "sysadmin"), "no.such", {"value": "1"})


def _rows(s):
    admin = actor(s, "sysadmin")
    create_parameter(s, admin, {"key": PER_MINUTE_PARAMETER, "value": "45"})
    create_parameter(s, admin, {"key": "portal.banner", "value": "欢迎使用证书系统\n第二行", "description": "门户横幅"})
    return list_parameters(s, admin).rows


def test_the_list_exports_to_xlsx_with_its_headers_and_values(s):
    rows = _rows(s)
    name, media, content = export_file(translator("zh"), rows, "xlsx", "page", MOMENT)
    assert name == "system-parameters-20260310-1205.xlsx" and media.endswith("spreadsheetml.sheet")
    sheet = load_workbook(BytesIO(content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0:3] == [translator("zh")("Parameter key"), translator("zh")("Value"),
                              translator("zh")("Description")]
    assert [v[0:3] for v in values[1:]] == [["portal.banner", "欢迎使用证书系统\n第二行", "门户横幅"],
                                           [PER_MINUTE_PARAMETER, "45", KNOWN_PARAMETERS[0].description_zh]]
    assert values[2][4] and values[2][5] == "sysadmin"
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["A"].width >= len(PER_MINUTE_PARAMETER) + 2
    assert export_file(translator("zh"), rows, "xlsx", "page", MOMENT)[2] == content  # same rows, same bytes


def test_the_list_exports_to_pdf_with_the_cjk_font_embedded(s, tmp_path):
    rows = _rows(s)
    name, media, content = export_file(translator("zh"), rows, "pdf", "all", MOMENT)
    assert name.endswith(".pdf") and media == "application/pdf" and content.startswith(b"%PDF")
    path = tmp_path / "parameters.pdf"
    path.write_bytes(content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # every font embedded
    assert any("WenQuanYi" in line for line in fonts)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "portal.banner" in text and "欢迎使用证书系统" in text and "45" in text


def _export_callback(kind: str, rows: str) -> dict:
    clicked = {"rows": rows, "format": kind, "type": "aparam-export"}
    buttons = [{"id": {"rows": r, "format": f, "type": "aparam-export"}, "property": "n_clicks",
                "value": 1 if (r, f) == (rows, kind) else None}
               for r, f in (("page", "xlsx"), ("page", "pdf"), ("all", "xlsx"), ("all", "pdf"))]
    return {"output": "aparam-download.data", "outputs": {"id": "aparam-download", "property": "data"},
            "inputs": [buttons],
            "state": [{"id": "aparam-key-search", "property": "value", "value": "verify"},
                      {"id": "aparam-value-search", "property": "value", "value": ""},
                      {"id": "aparam-pager", "property": "active_page", "value": 1}],
            "changedPropIds": [json.dumps(clicked, sort_keys=True, separators=(",", ":")) + ".n_clicks"]}


def test_the_page_downloads_the_searched_list(app, users, client_as, s):
    _rows(s)
    s.commit()
    response = client_as("sysadmin").post("/_dash-update-component", json=_export_callback("xlsx", "all"))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    download = response.get_json()["response"]["aparam-download"]["data"]
    assert download["filename"].startswith("system-parameters-") and download["filename"].endswith(".xlsx")
    sheet = load_workbook(BytesIO(base64.b64decode(download["content"]))).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [PER_MINUTE_PARAMETER]  # the search applies
    assert client_as("officer0901").post("/_dash-update-component",
                                         json=_export_callback("pdf", "page")).status_code == 403
