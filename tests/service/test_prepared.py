"""The prepared-statement paths: the same rows, order and values as SQLAlchemy's own, errors and listeners kept."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.exc import IntegrityError

import data.applications.form as form
from data.applications.form import ApplicationInput, new_application, save_application
from data.applications.listing import ApplicationFilter, list_applications
from data.applications.workflow import WorkflowError
from data.core.prepared import Statements, loaded
from data.core.scope import NotFound
from data.declarations.listing import DeclarationFilter, list_declarations
from data.models import ApplicationGoods, CertificateApplication, Container, Declaration
from data.reference.catalog import load_reference
from tests.service.test_applications import actor, s  # noqa: F401 - the same helper and session fixture

HS = "0303630000"
STATUSES = ("draft", "submitted", "under_review", "suspended", "confirmed", "issued", "returned")
START = datetime(2026, 5, 1, 8, tzinfo=timezone.utc)


@pytest.fixture
def many(s, users):
    """Forty applications in enterprise A (0901) and B (0903), every status, with equal times to tie."""
    sources = {key: s.get(CertificateApplication, users.application_ids[key]) for key in ("A-0901", "B-0903")}
    for n in range(40):
        source = sources["A-0901" if n % 3 else "B-0903"]
        at = START + timedelta(hours=n // 4)  # four at a time share their timestamps: ties go by id
        s.add(CertificateApplication(
            declaration_id=source.declaration_id, enterprise_id=source.enterprise_id,
            district_code=source.district_code, cert_type_code="14", format_code="C3-1",
            status=STATUSES[n % len(STATUSES)], created_at=at, submitted_at=at + timedelta(minutes=n % 2)))
    s.commit()


def reference(s, where, oldest_first: bool) -> list[int]:
    """The order SQLAlchemy's plain query gives: newest first, or oldest submitted first, ties by id."""
    A = CertificateApplication
    order = (A.submitted_at.asc(), A.id.asc()) if oldest_first else (A.created_at.desc(), A.id.desc())
    return list(s.scalars(select(A.id).where(*where).order_by(*order)))


def all_pages(s, who, f, size=3) -> tuple[list[int], list[bool]]:
    ids, more = [], []
    for page in range(50):
        window = list_applications(s, who, f, page, size)
        ids += [r.id for r in window.rows]
        more.append(window.has_more)
        if not window.has_more:
            return ids, more
    raise AssertionError("no last page")


def test_merged_index_runs_give_the_plain_order_page_after_page(s, users, many):
    A = CertificateApplication
    ent = actor(s, "ent_a_oper")
    ent_id = users.enterprise_ids["A"]
    for f, where in [
        (ApplicationFilter(), [A.enterprise_id == ent_id]),
        (ApplicationFilter(statuses=("issued", "draft", "returned")),
         [A.enterprise_id == ent_id, A.status.in_(("issued", "draft", "returned"))]),
        (ApplicationFilter(applied_from=date(2026, 5, 1), applied_to=date(2026, 5, 1)),
         [A.enterprise_id == ent_id, A.created_at >= START.replace(hour=0),
          A.created_at < START.replace(hour=0) + timedelta(days=1)]),
    ]:
        ids, more = all_pages(s, ent, f)
        assert ids == reference(s, where, oldest_first=False) and more[-1] is False and all(more[:-1])
    # an officer whose subtree has two districts: one run per district and status, oldest first
    officer = replace(actor(s, "officer0901"), district_codes=frozenset({"0901", "0903"}))
    queue = ("submitted", "under_review", "suspended", "confirmed")
    ids, _ = all_pages(s, officer, ApplicationFilter(statuses=queue, oldest_first=True), size=4)
    assert ids == reference(s, [A.district_code.in_(("0901", "0903")), A.status.in_(queue)], oldest_first=True)
    assert len(ids) > 8


def test_rows_read_back_as_sqlalchemy_reads_them(s, users, many):
    ent = actor(s, "ent_a_oper")
    row = list_applications(s, ent, ApplicationFilter(statuses=("submitted",))).rows[0]
    app = s.get(CertificateApplication, row.id)
    s.refresh(app)
    assert (row.created_at, row.submitted_at, row.status) == (app.created_at, app.submitted_at, app.status)
    assert isinstance(row.created_at, datetime)


def test_listeners_see_the_statements_and_database_errors_are_sqlalchemys(s, users):
    engine = s.get_bind()
    seen = []
    listener = lambda *a: seen.append(a[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        list_declarations(s, actor(s, "ent_a_oper"), DeclarationFilter(container_no="TGHU1234567"))
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert any("FROM declaration" in sql and "container" in sql for sql in seen)
    with pytest.raises(IntegrityError):  # a goods line of no application: the foreign key refuses it
        form.INSERT_GOODS.get(s).execute_columns(s, [[10**9], [1], [HS], ["冻鱼"], [None], [None], [Decimal(1)], [None],
                                                       [None], [None], [None], [None]])
    s.rollback()


def test_values_read_with_a_listener_are_sqlalchemys_also_after_it(s, users, many):
    """With a listener (or echo) a statement runs through SQLAlchemy's connection, which lets the cursor go once its
    rows are fetched: its first run there still reads times as SQLAlchemy does (SQLite keeps them as text), and so do
    the runs after the listener is gone (how to read each column is learnt once)."""
    A = CertificateApplication
    statements = Statements(lambda: select(A.id, A.submitted_at).where(A.submitted_at.isnot(None)).order_by(A.id))
    engine = s.get_bind()
    seen = []
    listener = lambda *a: seen.append(a[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        heard = statements.rows(s, (), {})
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    want = [tuple(row) for row in s.execute(select(A.id, A.submitted_at).where(A.submitted_at.isnot(None))
                                            .order_by(A.id))]
    assert seen and heard == statements.rows(s, (), {}) == want and len(want) > 10
    assert all(isinstance(at, datetime) for _id, at in heard)


def test_container_filter_finds_the_declaration_by_its_container(s, users):
    decl = s.scalar(select(Declaration).where(Declaration.enterprise_id == users.enterprise_ids["A"]))
    s.add(Container(declaration_id=decl.id, seq=1, number="TGHU1234567"))
    s.commit()
    assert [r.id for r in list_declarations(s, actor(s, "ent_a_oper"),
                                            DeclarationFilter(container_no=" tghu1234567 ")).rows] == [decl.id]
    assert list_declarations(s, actor(s, "ent_b_oper"), DeclarationFilter(container_no="TGHU1234567")).rows == []


@pytest.fixture
def draft(s, users):
    load_reference(s, overwrite=True)
    decl = s.scalar(select(Declaration).where(Declaration.enterprise_id == users.enterprise_ids["A"]))
    decl.status = "sent"  # applications are made for declarations that went out
    app = new_application(s, actor(s, "ent_a_oper"), declaration_id=decl.id, format_code="C3-1",
                          entry_method="blank")
    s.commit()
    return app.id


def goods(n: int) -> list[dict]:
    return [{"hs_code": HS, "name_zh": f"冻鱼{i}", "quantity": f"{i}.5", "quantity_unit": "035", "weight": "0",
             "packages": str(i), "package_type": "CT"} for i in range(1, n + 1)]


def test_a_save_stores_what_the_orm_reads_back(s, users, draft, app):
    ent = actor(s, "ent_a_oper")
    now = datetime(2026, 6, 1, 9, 30, 15, 123456, tzinfo=timezone.utc)
    version = s.get(CertificateApplication, draft).version
    saved = save_application(s, ent, draft, ApplicationInput({"remarks": "暂存 <b>"}, goods(3)), version=version,
                             draft=True, now=now)
    s.commit()
    assert saved.version == version + 1 and saved.fields == {"remarks": "暂存 <b>"}
    with app.server.extensions["certdash"].sessions() as other:  # a fresh session reads what was stored
        stored = other.get(CertificateApplication, draft)
        assert (stored.version, stored.fields, stored.updated_at.replace(tzinfo=timezone.utc)) == (
            version + 1, {"remarks": "暂存 <b>"}, now)
        lines = list(other.scalars(select(ApplicationGoods).where(ApplicationGoods.application_id == draft)
                                   .order_by(ApplicationGoods.seq)))
        assert [(g.seq, g.quantity, g.weight, g.packages, g.name_en) for g in lines] == [
            (1, Decimal("1.5"), Decimal(0), 1, None), (2, Decimal("2.5"), Decimal(0), 2, None),
            (3, Decimal("3.5"), Decimal(0), 3, None)]
    # the object the session holds stays in step: a second save at its version works
    again = save_application(s, ent, draft, ApplicationInput({}, goods(1)), version=saved.version, draft=True)
    assert again is saved and again.version == version + 2 and len(again.goods) == 1


def test_a_save_outside_the_scope_is_not_found(s, users, draft):
    with pytest.raises(NotFound):  # another enterprise's draft: the same answer as an unknown id
        save_application(s, actor(s, "ent_b_oper"), draft, ApplicationInput({}, goods(1)), version=2, draft=True)
    with pytest.raises(NotFound):
        save_application(s, actor(s, "ent_a_oper"), 10**9, ApplicationInput({}, goods(1)), version=1, draft=True)


def test_every_wrong_cell_is_named_line_by_line(s, users, draft):
    rows = goods(3)
    rows[0].update(quantity="-1", package_type="XX")
    rows[2].update(hs_code="12", name_zh="", packages="²", weight="1e20")
    with pytest.raises(form.ApplicationInvalid) as err:
        save_application(s, actor(s, "ent_a_oper"), draft, ApplicationInput({}, rows),
                         version=s.get(CertificateApplication, draft).version, draft=True)
    assert list(err.value.errors.items()) == [
        ("goods.1.quantity", "non_negative_number"), ("goods.1.package_type", "choose_package_type"),
        ("goods.3.hs_code", "hs_format"), ("goods.3.name_zh", "required"), ("goods.3.weight", "non_negative_number"),
        ("goods.3.packages", "whole_number")]


def test_a_change_between_reading_and_writing_is_a_stale_version(s, users, draft, app, monkeypatch):
    checked = form.clean_input

    def clean_then_someone_saves(*args, **kwargs):
        result = checked(*args, **kwargs)
        with app.server.extensions["certdash"].sessions() as other:
            other.execute(update(CertificateApplication).where(CertificateApplication.id == draft)
                          .values(version=CertificateApplication.version + 1))
            other.commit()
        return result

    monkeypatch.setattr(form, "clean_input", clean_then_someone_saves)
    version = s.get(CertificateApplication, draft).version
    with pytest.raises(WorkflowError, match="stale_version"):
        save_application(s, actor(s, "ent_a_oper"), draft, ApplicationInput({}, goods(2)), version=version,
                         draft=True)
    s.rollback()
    assert s.scalar(select(ApplicationGoods.id).where(ApplicationGoods.application_id == draft)) is None


def test_loaded_keeps_pending_changes_and_attaches_without_history(s, users):
    app_id = users.application_ids["A-0901"]
    held = s.get(CertificateApplication, app_id)
    held.review_comment = "still mine"
    with s.no_autoflush:
        same = loaded(s, CertificateApplication, {"id": app_id, "status": "issued"})
    assert same is held and held.review_comment == "still mine"
    s.expunge_all()
    fresh = loaded(s, CertificateApplication, {"id": app_id, "status": "issued", "version": 1})
    assert fresh in s and not s.is_modified(fresh) and fresh.district_code == "0901"  # the rest loads on access
