"""The demo data generator: deterministic, complete, consistent, and equal to what Core would insert."""
from __future__ import annotations

import hashlib
from collections import Counter
from datetime import datetime, timezone

import pytest
from sqlalchemy import Engine, func, insert, select, text

from data.accounts.roles import seed_roles
from data.accounts.signin import ACCOUNT_RE
from data.applications.workflow import next_certificate_no
from data.core.db import make_engine, make_session_factory, upgrade
from data.demo import (
    DEMO_ACCOUNTS,
    ENTERPRISES,
    ContainerNumbers,
    StartIds,
    container_check,
    generate,
    iter_batches,
    reference_snapshot,
)
from data.demo.writer import LEAN_SKIPPED
from data.models import (
    ApplicationGoods,
    AppStatus,
    Base,
    Certificate,
    CertificateApplication,
    CertificateShare,
    CertificateType,
    Container,
    CustomsDistrict,
    Declaration,
    DeclarationDocument,
    DictEntry,
    Enterprise,
    EntryMethod,
    Event,
    GoodsLine,
    Notification,
    NumberSequence,
    Role,
    SigningMethod,
    StatsBacklog,
    StatsCertificate,
    StatsStatus,
    StatsTrend,
    StatsTurnaround,
    User,
)
from data.reference.catalog import load_reference
from data.reference.codes import credit_code_problem, org_code_problem

N = 400
SEED = 7
HASH = "demo-password-hash"
DIGEST_TABLES = (Declaration, GoodsLine, Container, DeclarationDocument, CertificateApplication, ApplicationGoods,
                 Certificate, CertificateShare, Event, Enterprise, User, Notification, NumberSequence)
ROLLUP_TABLES = (StatsCertificate, StatsTrend, StatsTurnaround, StatsBacklog, StatsStatus)
# the receipt an application's last state change leaves, by the status it ends in
LAST_RECEIPT = {
    AppStatus.DRAFT.value: "app.created",
    AppStatus.SUBMITTED.value: "app.submitted",
    AppStatus.UNDER_REVIEW.value: "app.review_started",
    AppStatus.RETURNED.value: "app.returned",
    AppStatus.SUSPENDED.value: "app.suspended",
    AppStatus.AWAITING_CONFIRMATION.value: "app.confirmation_requested",
    AppStatus.CONFIRMED.value: "app.confirmed",
    AppStatus.APPROVED.value: "app.approved",
    AppStatus.ISSUED.value: "app.approved",
    AppStatus.REVOKED.value: "app.revoked",
}


def _load_reference(engine: Engine) -> None:
    with make_session_factory(engine)() as s:
        load_reference(s)
        s.commit()


def _store_digest(engine: Engine, models=DIGEST_TABLES) -> str:
    """Hash every generated row, in id order, as the store hands it back."""
    h = hashlib.sha256()
    with engine.connect() as conn:
        for model in models:
            table = model.__table__
            for row in conn.execute(select(table).order_by(*table.primary_key.columns)):
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()


def _stream_digest(ref, seed: int) -> str:
    h = hashlib.sha256()
    for table, rows in iter_batches(ref, certificates=N, seed=seed, password_hash=HASH):
        h.update(table.name.encode())
        for row in rows:
            h.update(repr(sorted(row.items())).encode())
    return h.hexdigest()


@pytest.fixture
def demo_engine(engine) -> Engine:
    """The test store with reference data and N certificates of demo data."""
    _load_reference(engine)
    generate(engine, certificates=N, seed=SEED, password_hash=HASH)
    return engine


@pytest.fixture
def other_engine(request, store_url, tmp_path) -> Engine:
    """A second fresh store on the same backend as `engine`."""
    if store_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_server").create_database()
    upgrade(url)
    eng = make_engine(url)
    yield eng
    eng.dispose()


def test_a_bulk_load_writes_the_same_rows_and_builds_every_index_again(engine, other_engine):
    """In bulk (PostgreSQL: indexes dropped and built again, foreign keys not checked row by row) the store holds
    the rows a plain load writes, every index is back, and every foreign key holds."""
    def indexes(e: Engine) -> list:
        with e.connect() as conn:
            if conn.dialect.name != "postgresql":
                return sorted(conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))
            return sorted(conn.exec_driver_sql("SELECT indexname, indexdef FROM pg_indexes "
                                               "WHERE schemaname = current_schema()"))

    _load_reference(engine)
    _load_reference(other_engine)
    before = indexes(engine)
    generate(engine, certificates=N, seed=SEED, password_hash=HASH, bulk=True)
    generate(other_engine, certificates=N, seed=SEED, password_hash=HASH, bulk=False)
    assert indexes(engine) == before and len(before) > 40
    assert _store_digest(engine) == _store_digest(other_engine)
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for fk in table.foreign_key_constraints:
                (column,), (target,) = fk.column_keys, [e.column for e in fk.elements]
                orphans = conn.execute(select(func.count()).select_from(table).where(
                    table.c[column].is_not(None), ~table.c[column].in_(select(target)))).scalar()
                assert orphans == 0, (table.name, column)


def test_a_lean_store_holds_the_rows_of_a_full_one_but_goods_documents_and_events(engine, other_engine):
    """The lean generator (the 10-million-certificate bench) writes the same declarations, applications and
    certificates as a full one, and so the same statistics; only the leaves nothing statistical reads stay empty."""
    _load_reference(engine)
    _load_reference(other_engine)
    lean = generate(engine, certificates=N, seed=SEED, password_hash=HASH, lean=True)
    full = generate(other_engine, certificates=N, seed=SEED, password_hash=HASH)
    skipped = {m for m in DIGEST_TABLES if m.__tablename__ in LEAN_SKIPPED}
    assert {m.__tablename__ for m in skipped} == set(LEAN_SKIPPED)
    kept = [m for m in DIGEST_TABLES if m not in skipped]
    assert _store_digest(engine, kept) == _store_digest(other_engine, kept)
    assert lean.certificates == full.certificates == N
    with engine.connect() as conn:
        for model in skipped:
            assert conn.scalar(select(func.count()).select_from(model)) == 0, model.__tablename__
    with other_engine.connect() as conn:
        assert all(conn.scalar(select(func.count()).select_from(model)) for model in skipped)
    assert _store_digest(engine, ROLLUP_TABLES) == _store_digest(other_engine, ROLLUP_TABLES)


def test_same_seed_gives_the_same_rows_whichever_way_they_are_written(engine, other_engine):
    """A forked writer and plain Core inserts of the replayed stream leave identical stores."""
    _load_reference(engine)
    _load_reference(other_engine)
    progress = []
    summary = generate(engine, certificates=N, seed=SEED, password_hash=HASH, parallel=True,
                       progress=lambda done, total: progress.append((done, total)))
    with make_session_factory(other_engine)() as s:
        seed_roles(s)
        s.commit()
    with other_engine.connect() as conn:
        ref = reference_snapshot(conn)
        start = StartIds.after_existing(conn)
        for table, rows in iter_batches(ref, certificates=N, seed=SEED, password_hash=HASH, start=start):
            conn.execute(insert(table), rows)
            conn.commit()
    assert summary.certificates == N and progress[-1] == (N, N)
    assert _store_digest(engine) == _store_digest(other_engine)


def test_another_seed_gives_other_rows(engine):
    _load_reference(engine)
    with engine.connect() as conn:
        ref = reference_snapshot(conn)
    assert _stream_digest(ref, SEED) == _stream_digest(ref, SEED)
    assert _stream_digest(ref, SEED) != _stream_digest(ref, SEED + 1)


def test_every_state_type_method_and_role_is_present(demo_engine):
    with demo_engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Certificate)) == N
        statuses = set(conn.scalars(select(CertificateApplication.status).distinct()))
        types = set(conn.scalars(select(Certificate.cert_type_code).distinct()))
        methods = set(conn.scalars(select(Certificate.entry_method).distinct()))
        signing = set(conn.scalars(select(Certificate.signing_method).distinct()))
        cert_statuses = set(conn.scalars(select(Certificate.status).distinct()))
        roles = set(conn.scalars(select(User.role).distinct()))
        all_types = set(conn.scalars(select(CertificateType.code)))
        others = conn.scalar(select(func.count()).select_from(CertificateApplication)
                             .where(CertificateApplication.status != AppStatus.ISSUED.value))
        directions = set(conn.scalars(select(Declaration.direction).distinct()))
        shared = conn.scalar(select(func.count()).select_from(CertificateShare))
        published = conn.scalar(select(func.count()).select_from(Notification).where(Notification.published))
    assert statuses == {s.value for s in AppStatus}
    assert types == all_types and len(types) == 11
    assert methods == {m.value for m in EntryMethod}
    assert signing == {m.value for m in SigningMethod}
    assert cert_statuses == {"valid", "replaced", "withdrawn"}
    assert roles == {r.value for r in Role}
    assert 0.10 * N <= others <= 0.20 * N
    assert directions == {"exit", "entry"}
    assert shared > 0 and published >= 3


def test_certificates_are_consistent_with_their_applications(demo_engine):
    with demo_engine.connect() as conn:
        rows = conn.execute(
            select(Certificate.id, Certificate.status, Certificate.replaces_id, Certificate.enterprise_id,
                   Certificate.district_code, Certificate.cert_type_code, CertificateApplication.status,
                   CertificateApplication.enterprise_id, CertificateApplication.district_code,
                   CertificateApplication.cert_type_code, CustomsDistrict.code)
            .join(CertificateApplication, CertificateApplication.id == Certificate.application_id)
            .outerjoin(CustomsDistrict, CustomsDistrict.code == Certificate.district_code)
        ).all()
        by_district = Counter(conn.scalars(select(Certificate.district_code)))
        numbers = conn.scalar(select(func.count(func.distinct(Certificate.certificate_no))))
    replaced = {r[0] for r in rows if r[1] == "replaced"}
    replacing = {r[2] for r in rows if r[2] is not None}
    assert replaced and replaced == replacing
    for (_, _, _, ent, dist, ctype, app_status, app_ent, app_dist, app_type, known) in rows:
        assert known == dist
        assert app_status == AppStatus.ISSUED.value
        assert (ent, dist, ctype) == (app_ent, app_dist, app_type)
    assert numbers == N
    assert by_district.most_common(1)[0][0] == "0903"


def test_applications_share_their_declarations_district_and_value(demo_engine):
    """As the application form makes them (the certificate query reads inspection numbers per declaration
    district and checks the application's scope); a certificate keeps its declaration's value and currency."""
    A, C, D = CertificateApplication, Certificate, Declaration
    with demo_engine.connect() as conn:
        apart = conn.scalar(select(func.count()).select_from(A).join(D, D.id == A.declaration_id)
                            .where(A.district_code != D.district_code))
        values = conn.execute(select(C.goods_value, C.currency, D.total_value, D.currency)
                              .join(A, A.id == C.application_id).join(D, D.id == A.declaration_id)).all()
    assert apart == 0
    assert values and all((cv, cc) == (dv, dc) for cv, cc, dv, dc in values)
    assert {cc for _cv, cc, _dv, _dc in values} >= {"USD", "EUR", "JPY"}


def test_approved_applications_carry_their_certificate_number(demo_engine):
    A, C = CertificateApplication, Certificate
    with demo_engine.connect() as conn:
        apps = conn.execute(select(A.id, A.status, A.certificate_no, A.approved_at, A.reviewed_at, A.district_code,
                                   A.cert_type_code)).all()
        first_certificate = dict(conn.execute(select(C.application_id, C.certificate_no)
                                              .where(C.replaces_id.is_(None))).all())
        sequences = dict(conn.execute(select(NumberSequence.prefix, NumberSequence.last_value)).all())
        numbers = list(conn.scalars(select(C.certificate_no)))
    given = [a for a in apps if a.status in (AppStatus.APPROVED.value, AppStatus.ISSUED.value)]
    assert given and {a.status for a in given} == {AppStatus.APPROVED.value, AppStatus.ISSUED.value}
    for a in apps:
        if a.status == AppStatus.ISSUED.value:
            assert a.certificate_no == first_certificate[a.id]
        if a.status in (AppStatus.APPROVED.value, AppStatus.ISSUED.value):  # district, year, type, sequence
            assert a.approved_at == a.reviewed_at and len(a.certificate_no) == 15 and a.certificate_no.isdigit()
            assert a.certificate_no[:4] == a.district_code and a.certificate_no[6:8] == f"{a.cert_type_code:0>2}"
            assert abs(int(a.certificate_no[4:6]) - a.approved_at.year % 100) <= 1
        else:
            assert a.certificate_no is None and a.approved_at is None
    taken = [a.certificate_no for a in given] + numbers
    assert len(set(a.certificate_no for a in given)) == len(given)
    # the sequences continue after every number the demo gave, certificates and approvals alike
    highest: dict[str, int] = {}
    for number in taken:
        highest[number[:8]] = max(highest.get(number[:8], 0), int(number[8:]))
    assert sequences == highest


def test_rows_added_after_the_demo_get_new_ids(demo_engine):
    with make_session_factory(demo_engine)() as s:
        highest = s.scalar(select(func.max(Event.id)))
        s.add(Event(code="app.created", object_type="application", object_id="1", message="after the demo"))
        s.flush()
        assert s.scalar(select(func.max(Event.id))) == highest + 1


def test_approval_after_the_demo_continues_the_numbers(demo_engine):
    with make_session_factory(demo_engine)() as s:
        prefix, last = s.execute(select(NumberSequence.prefix, NumberSequence.last_value)
                                 .order_by(NumberSequence.last_value.desc()).limit(1)).one()
        moment = datetime(2000 + int(prefix[4:6]), 6, 1, tzinfo=timezone.utc)
        number = next_certificate_no(s, prefix[:4], prefix[6:8], moment)
        assert number == f"{prefix}{last + 1:07d}"
        assert s.scalar(select(func.count()).select_from(Certificate).where(Certificate.certificate_no == number)) == 0


def test_declarations_list_their_documents_and_certificates(demo_engine):
    D, Doc = Declaration, DeclarationDocument
    with demo_engine.connect() as conn:
        decls = {r.id: r for r in conn.execute(select(D.id, D.direction, D.contract_no, D.bl_no,
                                                      D.required_documents))}
        docs = conn.execute(select(Doc.declaration_id, Doc.seq, Doc.doc_code, Doc.doc_no)
                            .order_by(Doc.declaration_id, Doc.seq)).all()
        directions = dict(conn.execute(select(DictEntry.code, DictEntry.extra)
                                       .where(DictEntry.dictionary == "attached_document")).all())
        types = conn.execute(select(CertificateApplication.declaration_id, CertificateApplication.cert_type_code)).all()
    by_declaration: dict[int, list] = {}
    for d in docs:
        by_declaration.setdefault(d.declaration_id, []).append(d)
    assert set(by_declaration) == set(decls)
    for decl_id, rows in by_declaration.items():
        decl = decls[decl_id]
        assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
        assert all(directions[r.doc_code]["direction"] == decl.direction for r in rows)
        named = {r.doc_code[3:]: r.doc_no for r in rows}
        assert named["001"] == decl.contract_no and named["002"] and named["004"]  # contract, invoice, packing list
        if decl.direction == "entry":
            assert named["005"] == decl.bl_no
    assert len({r.doc_code for r in docs}) >= 8
    applied: dict[int, set] = {}
    for decl_id, type_code in types:
        applied.setdefault(decl_id, set()).add(type_code)
    for decl_id, decl in decls.items():  # 所需单据: the certificate types applied for, nothing else
        assert sorted(decl.required_documents) == sorted(applied.get(decl_id, ()))
        assert len(decl.required_documents) == len(set(decl.required_documents))


def test_each_application_leaves_receipts_in_time_order(demo_engine):
    with demo_engine.connect() as conn:
        apps = dict(conn.execute(select(CertificateApplication.id, CertificateApplication.status)).all())
        events = conn.execute(
            select(Event.object_id, Event.code, Event.at, Event.actor_id, Event.enterprise_id, Event.district_code)
            .where(Event.object_type == "application").order_by(Event.id)
        ).all()
        goods = set(conn.scalars(select(ApplicationGoods.application_id).distinct()))
        issued_events = conn.scalar(select(func.count()).select_from(Event).where(Event.code == "cert.issued"))
    trail: dict[int, list] = {}
    for object_id, code, at, actor, enterprise, district in events:
        assert enterprise is not None and district is not None and actor is not None
        trail.setdefault(int(object_id), []).append((at, code))
    assert set(trail) == set(apps) == goods
    for app_id, steps in trail.items():
        assert steps[0][1] == "app.created"
        assert steps[-1][1] == LAST_RECEIPT[apps[app_id]]
        assert [at for at, _ in steps] == sorted(at for at, _ in steps)
    assert issued_events == N


def test_codes_carry_valid_check_characters(demo_engine):
    with demo_engine.connect() as conn:
        enterprises = conn.execute(
            select(Enterprise.credit_code, Enterprise.org_code, Enterprise.registration_no)).all()
        inspection = list(conn.scalars(select(Declaration.inspection_no).where(Declaration.inspection_no.is_not(None))))
        containers = list(conn.scalars(select(Container.number)))
    assert len(enterprises) == len(ENTERPRISES)
    for credit, org, registration in enterprises:
        assert credit_code_problem(credit) is None and org_code_problem(org) is None
        assert org == f"{credit[8:16]}-{credit[16]}"
        assert len(registration) == 10 and registration.isdigit()
    assert len(set(inspection)) == len(inspection)
    assert all(len(n) == 15 and n.isdigit() and n[0] in "12" for n in inspection)
    assert containers and all(len(n) == 11 and n[-1] == container_check(n[:10]) for n in containers)


def test_container_check_digit_matches_the_iso_6346_example():
    assert container_check("CSQU305438") == "3"
    assert ContainerNumbers(["CSQU"]).number(0, 305438) == "CSQU3054383"


def test_demo_accounts_follow_the_account_rule(demo_engine):
    with demo_engine.connect() as conn:
        stored = set(conn.scalars(select(User.account)))
    assert {a.role for a in DEMO_ACCOUNTS} == {r.value for r in Role}
    assert len({a.account for a in DEMO_ACCOUNTS}) == len(DEMO_ACCOUNTS)
    for account in stored:
        assert ACCOUNT_RE.match(account) and account == account.lower()
    assert {a.account.lower() for a in DEMO_ACCOUNTS} <= stored


def test_foreign_keys_hold(demo_engine):
    with demo_engine.connect() as conn:
        if demo_engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
        else:  # PostgreSQL checked each row at insert: every foreign key must be in force and validated
            constraints = conn.execute(text("SELECT convalidated FROM pg_constraint WHERE contype = 'f'")).all()
            assert len(constraints) >= 20 and all(valid for (valid,) in constraints)


def test_ids_start_after_existing_rows(engine):
    _load_reference(engine)
    with make_session_factory(engine)() as s:
        seed_roles(s)
        s.add(User(account="firstadmin", password_hash=HASH, real_name="管理员", role=Role.ADMIN.value))
        s.commit()
    summary = generate(engine, certificates=50, seed=SEED, password_hash=HASH)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(User)) == 1 + summary.rows["app_user"]
        assert conn.scalar(select(func.min(User.id)).where(User.account == "sysadmin")) > 1


def test_refuses_a_store_without_reference_data(engine):
    with pytest.raises(ValueError, match="reference data is not loaded"):
        generate(engine, certificates=10, seed=SEED, password_hash=HASH)


def test_refuses_a_store_that_already_holds_demo_data(demo_engine):
    with pytest.raises(ValueError, match="fresh store"):
        generate(demo_engine, certificates=10, seed=SEED, password_hash=HASH)
