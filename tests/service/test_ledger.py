"""The enterprise ledger service: one row per certificate, filters, order, scope, templates, export files."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from data.core.db import transaction
from data.core.scope import AccessDenied, NotFound
from data.ledger.query import (
    DEFAULT_COLUMNS,
    LedgerInvalid,
    LedgerQuery,
    clean_exports,
    count_ledger,
    delete_template,
    export_file,
    get_template,
    ledger_page,
    list_templates,
    new_export,
    rename_template,
    save_template,
    stream_ledger,
    update_template,
)
from data.models import (
    Certificate,
    CertificateApplication,
    CertificateFormat,
    CertificateType,
    Declaration,
    Event,
)
from tests.support.world import actor


@dataclass(frozen=True)
class LedgerWorld:
    """The declarations added to the test world, by name, and their certificates' numbers."""

    declarations: dict[str, int]


def add_ledger_records(sessions, world) -> LedgerWorld:
    """Give enterprise A exit declarations with 3, 0 and 1 certificates, an undated one and an entry one;
    enterprise B one exit declaration with a certificate."""
    a, b = world.enterprise_ids["A"], world.enterprise_ids["B"]
    issued = datetime(2026, 3, 5, tzinfo=timezone.utc)
    with transaction(sessions) as s:
        if s.get(CertificateType, "18") is None:
            s.add(CertificateType(code="18", name_zh="植物检疫证书", name_en="PHYTOSANITARY CERTIFICATE",
                                  category="exit"))
            s.flush()
            s.add(CertificateFormat(code="C1-1", cert_type_code="18", name_zh="植物检疫证书", name_en="Phyto"))
            s.flush()
        ids: dict[str, int] = {}
        specs = [
            ("three", a, "exit", date(2026, 3, 1), dict(
                legal_inspection=True, consignee_zh="", consignee_en="=1+1 TOKYO FOODS", consignor_zh="大连甲公司",
                contract_no="CT-1,\"A\"", bl_no="BL-0001", status="receipted", total_value=Decimal("1000.50"),
                currency="USD", declarant_name="王静", declarant_code="2100000001", trade_mode="0110",
                dest_country="JP", despatch_date=date(2026, 3, 3))),
            ("none", a, "exit", date(2026, 2, 15), dict(
                legal_inspection=False, consignee_en="-MINUS CO.", consignor_zh="大连甲公司", contract_no="CT-2",
                bl_no="@BL-2", status="sent", total_value=Decimal("200.00"), currency="USD", declarant_name="李强",
                declarant_code="2100000002")),
            ("one", a, "exit", date(2026, 2, 15), dict(
                legal_inspection=True, consignee_zh="首尔水产", consignee_en="SEOUL SEAFOOD", consignor_zh="大连乙公司",
                contract_no="CT-3\nline two", bl_no="BL-0003", status="receipted", total_value=Decimal("5000.00"),
                currency="JPY", declarant_name="李强", declarant_code="2100000002")),
            ("undated", a, "exit", None, dict(legal_inspection=True, consignee_en="NO DATE", status="draft")),
            ("entry", a, "entry", date(2026, 1, 10), dict(
                legal_inspection=True, consignee_zh="大连甲公司", consignor_en="BUSAN FISHERIES", status="sent",
                total_value=Decimal("10.00"), currency="USD")),
            ("b", b, "exit", date(2026, 3, 2), dict(
                legal_inspection=True, consignee_en="B'S BUYER", consignor_zh="乙企业", status="sent",
                total_value=Decimal("7.00"), currency="USD")),
        ]
        for n, (name, enterprise, direction, day, values) in enumerate(specs):
            number = f"{'2' if direction == 'exit' else '1'}09260000000{n:03d}" if day else None
            d = Declaration(direction=direction, inspection_no=number, inspection_date=day, enterprise_id=enterprise,
                            district_code="0901" if enterprise == a else "0903", **values)
            s.add(d)
            s.flush()
            ids[name] = d.id
        certificates = {"three": [("14", "valid", "cloud", 0), ("18", "replaced", "paper", 2), ("14", "valid",
                                                                                              "cloud", 1)],
                        "one": [("18", "valid", "paper", 3)], "entry": [("14", "valid", "cloud", 0)],
                        "b": [("14", "valid", "cloud", 0)]}
        serial = 0
        for name, certs in certificates.items():
            d = s.get(Declaration, ids[name])
            for kind, status, signing, prints in certs:
                serial += 1
                app = CertificateApplication(declaration_id=d.id, enterprise_id=d.enterprise_id,
                                             district_code=d.district_code, cert_type_code=kind,
                                             format_code="C3-1" if kind == "14" else "C1-1", status="issued")
                s.add(app)
                s.flush()
                s.add(Certificate(certificate_no=f"LEDGER{serial:04d}", application_id=app.id,
                                  enterprise_id=d.enterprise_id, district_code=d.district_code, cert_type_code=kind,
                                  entry_method="blank", issue_place="大连", issue_date=date(2026, 3, 4 + serial),
                                  issued_at=issued, signing_method=signing, verify_token=f"lt{serial}",
                                  status=status, print_count=prints))
        # an application not issued: no certificate, no row
        d = s.get(Declaration, ids["one"])
        s.add(CertificateApplication(declaration_id=d.id, enterprise_id=d.enterprise_id, district_code=d.district_code,
                                     cert_type_code="14", format_code="C3-1", status="under_review"))
    return LedgerWorld(ids)


@pytest.fixture
def ledger(app, users):
    return add_ledger_records(app.server.extensions["certdash"].sessions, users)


@pytest.fixture
def s(app, ledger):
    with app.server.extensions["certdash"].sessions() as session:
        yield session


def rows_of(s, account: str, q: LedgerQuery, keys=("inspection_no", "certificate_no")) -> list[tuple]:
    return [tuple(r[2:]) for r in stream_ledger(s, actor(s, account), q, keys)]


EXIT = LedgerQuery(direction="exit")


def test_one_row_per_certificate_newest_first(s):
    assert rows_of(s, "ent_a_oper", EXIT) == [
        ("209260000000000", "LEDGER0001"), ("209260000000000", "LEDGER0002"), ("209260000000000", "LEDGER0003"),
        ("209260000000002", "LEDGER0004"),  # the same date: the later declaration first
        ("209260000000001", None),  # no certificate: one row, its certificate columns empty
    ]
    assert count_ledger(s, actor(s, "ent_a_oper"), EXIT) == 5
    assert rows_of(s, "ent_a_oper", LedgerQuery(direction="entry")) == [("109260000000004", "LEDGER0005")]


def test_rows_stream_from_a_server_side_cursor_on_postgresql(s):
    if s.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite steps through the result as it is read; there is no cursor on a server")
    rows = stream_ledger(s, actor(s, "ent_a_oper"), EXIT, ("inspection_no",), chunk=2)
    first = next(rows)
    named = s.execute(text("SELECT count(*) FROM pg_cursors WHERE name <> ''")).scalar_one()
    assert named == 1  # the export's cursor, open on the server while the rows are read
    assert len([first, *rows]) == 5


def test_the_preview_pages_hold_the_same_rows_in_the_same_order(s):
    who = actor(s, "ent_a_oper")
    streamed = [tuple(r) for r in stream_ledger(s, who, EXIT, ("inspection_no", "certificate_no"))]
    paged = [r for n in range(3) for r in ledger_page(s, who, EXIT, n, 2).rows]
    assert [(r[0], r[1]) for r in paged] == [(r[0], r[1]) for r in streamed]
    page = ledger_page(s, who, EXIT, 1, 2)
    assert page.total == 5 and page.page_count == 3
    assert ledger_page(s, who, EXIT, 0, 2, count_cap=3).total == 4  # counting stops past the cap


@pytest.mark.parametrize("changes,expected", [
    ({"party": "tokyo"}, ["LEDGER0001", "LEDGER0002", "LEDGER0003"]),  # foreign names in any case
    ({"party": "首尔"}, ["LEDGER0004"]),
    ({"party": "大连乙"}, ["LEDGER0004"]),  # the consignor too
    ({"party": "%"}, []),  # typed literally
    ({"declarant": "李强"}, ["LEDGER0004", None]),
    ({"declarant": "2100000001"}, ["LEDGER0001", "LEDGER0002", "LEDGER0003"]),
    ({"legal_inspection": "N"}, [None]),
    ({"legal_inspection": "Y"}, ["LEDGER0001", "LEDGER0002", "LEDGER0003", "LEDGER0004"]),
    ({"date_from": date(2026, 2, 16)}, ["LEDGER0001", "LEDGER0002", "LEDGER0003"]),
    ({"date_to": date(2026, 2, 15)}, ["LEDGER0004", None]),
    ({"statuses": ("sent",)}, [None]),
    ({"cert_types": ("18",)}, ["LEDGER0002", "LEDGER0004"]),
    ({"cert_statuses": ("replaced",)}, ["LEDGER0002"]),
    ({"cert_types": ("18",), "cert_statuses": ("valid",)}, ["LEDGER0004"]),
])
def test_filters(s, changes, expected):
    q = LedgerQuery(direction="exit", **changes)
    assert [r[1] for r in rows_of(s, "ent_a_oper", q)] == expected


def test_a_query_read_back_from_the_browser_keeps_only_what_is_valid():
    q = LedgerQuery.from_json({"direction": "exit", "enterprise_id": True, "party": " x " * 50,
                               "legal_inspection": "y", "date_from": "2026-02-30", "date_to": "2026-03-01",
                               "statuses": ["sent", "bogus", 3], "cert_types": ["18", ""], "cert_statuses": "valid"})
    assert q == LedgerQuery(direction="exit", enterprise_id=None, party=(" x " * 50).strip()[:64],
                            legal_inspection="Y", date_to=date(2026, 3, 1), statuses=("sent",), cert_types=("18",))
    assert LedgerQuery.from_json(q.as_json()) == q
    assert LedgerQuery.from_json("nonsense") == LedgerQuery()


def test_an_enterprise_sees_only_its_own_ledger(s, users):
    assert rows_of(s, "ent_b_oper", EXIT) == [("209260000000005", "LEDGER0006")]
    assert rows_of(s, "ent_a_admin", EXIT) == rows_of(s, "ent_a_oper", EXIT)


def test_a_forged_enterprise_id_gives_nothing(s, users):
    forged = LedgerQuery(direction="exit", enterprise_id=users.enterprise_ids["B"])
    assert rows_of(s, "ent_a_oper", forged) == []
    assert count_ledger(s, actor(s, "ent_a_oper"), forged) == 0
    assert ledger_page(s, actor(s, "ent_a_oper"), forged).rows == []
    own = LedgerQuery(direction="exit", enterprise_id=users.enterprise_ids["A"])
    assert len(rows_of(s, "ent_a_oper", own)) == 5


def test_an_administrator_chooses_any_enterprise(s, users):
    with pytest.raises(LedgerInvalid) as refused:
        rows_of(s, "sysadmin", EXIT)
    assert refused.value.errors == {"enterprise": "required"}
    for key in ("A", "B"):
        q = LedgerQuery(direction="exit", enterprise_id=users.enterprise_ids[key])
        assert rows_of(s, "sysadmin", q) == rows_of(s, f"ent_{key.lower()}_oper", EXIT)


@pytest.mark.parametrize("account", ["officer0901", "manager0900", "overseas_ru"])
def test_customs_and_overseas_users_have_no_ledger(s, account):
    with pytest.raises(AccessDenied):
        rows_of(s, account, EXIT)
    with pytest.raises(AccessDenied):
        list_templates(s, actor(s, account))


def test_unknown_or_repeated_columns_are_refused(s):
    for keys in ([], ["inspection_no", "inspection_no"], ["inspection_no", "password_hash"], "inspection_no"):
        with pytest.raises(LedgerInvalid):
            list(stream_ledger(s, actor(s, "ent_a_oper"), EXIT, keys))


# --- templates ------------------------------------------------------------------------------------

def test_templates_are_saved_reused_renamed_and_deleted(s, users):
    who = actor(s, "ent_a_oper")
    saved = save_template(s, who, None, " 月报 ", "exit", ["inspection_no", "certificate_no"], "三月台账")
    s.commit()
    assert (saved.name, saved.direction, saved.columns, saved.file_name) == (
        "月报", "exit", ("inspection_no", "certificate_no"), "三月台账")
    assert [t.name for t in list_templates(s, actor(s, "ent_a_admin"))] == ["月报"]  # the enterprise's, shared
    assert list_templates(s, actor(s, "ent_b_oper")) == []
    with pytest.raises(LedgerInvalid) as duplicate:
        save_template(s, who, None, "月报", "entry", ["seq"])
    assert duplicate.value.errors == {"name": "duplicate"}
    save_template(s, actor(s, "ent_b_oper"), None, "月报", "exit", ["seq"])  # another enterprise may
    other = save_template(s, who, None, "周报", "entry", list(DEFAULT_COLUMNS["entry"]))
    with pytest.raises(LedgerInvalid) as taken:
        rename_template(s, who, None, other.id, "月报")
    assert taken.value.errors == {"name": "duplicate"}
    assert rename_template(s, who, None, other.id, "周报 2").name == "周报 2"
    updated = update_template(s, who, None, saved.id, "entry", ["certificate_no", "seq"], "")
    assert (updated.direction, updated.columns, updated.file_name) == ("entry", ("certificate_no", "seq"), "")
    assert get_template(s, who, None, saved.id).columns == ("certificate_no", "seq")
    assert delete_template(s, who, None, saved.id) == "月报"
    assert [t.name for t in list_templates(s, who)] == ["周报 2"]
    s.commit()
    assert s.scalars(select(Event).where(Event.code.like("admin.ledger_template%"))).all() == []


@pytest.mark.parametrize("name,columns,file_name,errors", [
    ("", ["seq"], "", {"name": "required"}),
    ("x" * 65, ["seq"], "", {"name": "too_long"}),
    ("ok", [], "", {"columns": "no_columns"}),
    ("ok", ["seq", "nope"], "", {"columns": "unknown_column"}),
    ("ok", ["seq"], "a/b", {"file_name": "bad_characters"}),
    ("ok", ["seq"], ".hidden", {"file_name": "bad_characters"}),
    ("", "seq", "x" * 101, {"name": "required", "columns": "no_columns", "file_name": "too_long"}),
])
def test_a_template_with_errors_is_not_saved(s, name, columns, file_name, errors):
    with pytest.raises(LedgerInvalid) as refused:
        save_template(s, actor(s, "ent_a_oper"), None, name, "exit", columns, file_name)
    assert refused.value.errors == errors
    assert list_templates(s, actor(s, "ent_a_oper")) == []


def test_another_enterprises_template_is_not_found(s, users):
    theirs = save_template(s, actor(s, "ent_b_oper"), None, "B 的模板", "exit", ["seq"])
    who = actor(s, "ent_a_oper")
    for attempt in (lambda: get_template(s, who, None, theirs.id),
                    lambda: rename_template(s, who, None, theirs.id, "mine"),
                    lambda: update_template(s, who, None, theirs.id, "exit", ["seq"]),
                    lambda: delete_template(s, who, None, theirs.id),
                    lambda: delete_template(s, who, users.enterprise_ids["B"], theirs.id),  # a forged enterprise
                    lambda: get_template(s, who, None, "1")):
        with pytest.raises(NotFound):
            attempt()
    assert get_template(s, actor(s, "ent_b_oper"), None, theirs.id).name == "B 的模板"


def test_an_administrators_template_changes_are_audited(s, users):
    admin = actor(s, "sysadmin")
    a = users.enterprise_ids["A"]
    with pytest.raises(LedgerInvalid):
        save_template(s, admin, None, "x", "exit", ["seq"])  # whose?
    saved = save_template(s, admin, a, "管理员模板", "exit", ["seq"])
    rename_template(s, admin, a, saved.id, "管理员模板 2")
    delete_template(s, admin, a, saved.id)
    s.commit()
    codes = [e.code for e in s.scalars(select(Event).where(Event.enterprise_id == a).order_by(Event.id))]
    assert codes == ["admin.ledger_template.created", "admin.ledger_template.renamed",
                     "admin.ledger_template.deleted"]


# --- export files ---------------------------------------------------------------------------------

def test_an_export_file_is_its_owners_only(s, tmp_path):
    owner, colleague = actor(s, "ent_a_oper"), actor(s, "ent_a_admin")
    pending = new_export(tmp_path, owner, "csv", "台账.csv")
    pending.partial.write_bytes(b"x")
    with pytest.raises(NotFound):  # not finished yet
        export_file(tmp_path, owner, pending.token)
    token = pending.publish(1)
    found = export_file(tmp_path, owner, token)
    assert (found.filename, found.media_type, found.path.read_bytes()) == ("台账.csv", "text/csv", b"x")
    for who, key in ((colleague, token), (None, token), (owner, "../" + token), (owner, "x" * 10),
                     (actor(s, "officer0901"), token)):
        with pytest.raises(NotFound):
            export_file(tmp_path, who, key)
    with pytest.raises(LedgerInvalid):
        new_export(tmp_path, owner, "exe", "x.exe")


def test_old_exports_and_debris_are_cleared(s, tmp_path):
    owner = actor(s, "ent_a_oper")
    tokens = []
    for n in range(7):
        pending = new_export(tmp_path, owner, "csv", f"{n}.csv")
        pending.partial.write_bytes(b"x")
        tokens.append(pending.publish(1))
        stamp = time.time() - 100 + n
        for path in pending.folder.glob(pending.token + ".*"):
            os.utime(path, (stamp, stamp))
    debris = new_export(tmp_path, owner, "xlsx", "cut.xlsx")
    debris.partial.write_bytes(b"half")
    old = time.time() - 7 * 3600
    os.utime(debris.partial, (old, old))
    clean_exports(tmp_path)
    kept = [t for t in tokens if (debris.folder / f"{t}.json").exists()]
    assert kept == tokens[-5:] and not debris.partial.exists()
    clean_exports(tmp_path, now=time.time() + 2 * 86400)
    assert not (tmp_path / "ledger-exports").joinpath(str(owner.user_id)).exists()
