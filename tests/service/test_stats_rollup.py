"""The statistics rollups stay equal to a full recount whatever sequence of changes the store goes through."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select, update

from data.applications.workflow import WorkflowError, allowed_actions, transition
from data.core.scope import NotFound
from data.models import AppStatus, Certificate, CertificateApplication, Declaration
from data.statistics.rebuild import rebuild
from data.statistics.rollup import (
    ALL,
    CERTIFICATES,
    SUBTREES,
    TABLES,
    TURNAROUND_EDGES,
    RollupError,
    choose_grouping,
    turnaround_bucket,
)
from tests.support.world import actor

START = datetime(2026, 1, 25, 1, 0, tzinfo=timezone.utc)
STATUSES = [s.value for s in AppStatus]
COUNTRIES = ["JP", "KR", "US", None]
CURRENCIES = ["USD", "JPY", "EUR"]


def snapshot(conn) -> dict[str, dict[tuple, tuple]]:
    """Every rollup row with a non-zero measure, keyed by table and key."""
    found = {}
    for spec in TABLES:
        cols = [spec.table.c[n] for n in spec.keys + spec.measures]
        rows = conn.execute(select(*cols)).all()
        n = len(spec.keys)
        found[spec.table.name] = {tuple(r[:n]): tuple(r[n:]) for r in rows if any(r[n:])}
    return found


def recount(session) -> dict:
    """Rebuild the rollups from scratch inside a savepoint, read them, and undo the rebuild."""
    conn = session.connection()
    nested = conn.begin_nested()
    rebuild(conn)
    fresh = snapshot(conn)
    nested.rollback()
    return fresh


def assert_rollup_exact(session) -> None:
    maintained = snapshot(session.connection())
    fresh = recount(session)
    for name in fresh:
        assert maintained[name] == fresh[name], name
    # and the plain totals agree with the source tables
    certificates = session.scalar(select(func.count()).select_from(Certificate))
    by_day = sum(v[0] for k, v in maintained["stats_certificate"].items() if k[0] == 1 and k[1] == "d")
    by_month = sum(v[0] for k, v in maintained["stats_certificate"].items() if k[0] == 5 and k[1] == "m")
    assert by_day == by_month == certificates


def test_turnaround_buckets_follow_their_edges():
    assert turnaround_bucket(0) == 0 and turnaround_bucket(59) == 0 and turnaround_bucket(60) == 1
    assert turnaround_bucket(TURNAROUND_EDGES[-1] - 1) == len(TURNAROUND_EDGES) - 1
    assert turnaround_bucket(10 ** 9) == len(TURNAROUND_EDGES)
    assert list(TURNAROUND_EDGES) == sorted(set(TURNAROUND_EDGES))


def test_queries_take_the_smallest_grouping_that_keeps_their_dimensions():
    assert choose_grouping("issue", []).id == 1
    assert choose_grouping("issue", ["cert_type_code"]).id == 2
    assert choose_grouping("issue", ["cert_type_code", "status"]).id == 5
    assert choose_grouping("issue", ["entry_method", "signing_method"]).id == 17
    assert choose_grouping("issue", ["dest_country", "entry_method"]).id == 16  # all but the type
    assert choose_grouping("issue", ["dest_country", "cert_type_code"]).id == 10
    assert choose_grouping("issue", ["dest_country", "received_date"]).id == 9
    assert choose_grouping("received", ["entry_method"]).id == 7
    assert choose_grouping("received", ["cert_type_code"]).id == 9
    assert choose_grouping("issue", ["currency"]).id == 12  # the value of goods
    assert choose_grouping("issue", ["currency", "cert_type_code"]).id == 13
    assert choose_grouping("issue", ["currency", "dest_country", "cert_type_code"]).id == 13
    assert choose_grouping("issue", ["currency", "entry_method"]).id == 14  # no destination: the small one
    assert choose_grouping("issue", ["signing_method", "entry_method", "status"]).id == 17  # neither type nor value
    assert choose_grouping("issue", ["signing_method", "entry_method", "cert_type_code"]).id == 14
    assert choose_grouping("issue", ["signing_method", "cert_type_code"]).id == 22  # cloud signing by type
    assert choose_grouping("issue", ["status", "cert_type_code", "signing_method"]).id == 22
    assert choose_grouping("issue", ["currency", "dest_country", "status"]).id == 15  # destinations by signing
    assert choose_grouping("issue", ["dest_country", "signing_method"]).id == 15  # or status: the small one
    assert choose_grouping("issue", ["dest_country", "signing_method", "entry_method"]).id == 16
    assert choose_grouping("issue", ["dest_country", "signing_method", "cert_type_code"]).id == 11  # everything
    assert choose_grouping("issue", ["currency", "received_date"]).id == 9


class Undone(Exception):
    """Rolls a savepoint back."""


class Story:
    """Random steps of the certificate life cycle, through the workflow and plain ORM writes."""

    def __init__(self, s, users, seed: int):
        self.s, self.rng = s, random.Random(seed)
        self.users = users
        decls = {d.district_code: d for d in s.scalars(select(Declaration))}
        self.cases = [("A", "0901", decls["0901"].id), ("B", "0903", decls["0903"].id), ("C", "0200", decls["0200"].id)]
        self.enterprise = actor(s, "ent_a_oper")
        self.officer = actor(s, "officer0901")
        self.serial = 0

    def moment(self) -> datetime:
        return START + timedelta(seconds=self.rng.randrange(0, 120 * 86400))

    def day(self) -> date:
        return self.moment().date()

    def new_application(self):
        key, district, decl = self.rng.choice(self.cases)
        self.s.add(CertificateApplication(declaration_id=decl, enterprise_id=self.users.enterprise_ids[key],
                                          district_code=district, cert_type_code="14", format_code="C3-1"))

    def workflow_step(self):
        apps = self.s.scalars(select(CertificateApplication).where(CertificateApplication.district_code == "0901")
                              .order_by(CertificateApplication.id)).all()
        app = self.rng.choice(apps)
        who = self.rng.choice([self.enterprise, self.officer])
        actions = allowed_actions(who, app)
        if not actions:
            return
        try:
            transition(self.s, who, app.id, self.rng.choice(actions), version=app.version, reason="理由",
                       now=self.moment())
        except (WorkflowError, NotFound):
            pass  # refused before writing (an enterprise's step on another's application)

    def jump(self):
        """Any status and times, set directly (as other services and fixes might)."""
        app = self.rng.choice(self.s.scalars(select(CertificateApplication).order_by(CertificateApplication.id)).all())
        app.status = self.rng.choice(STATUSES + [AppStatus.APPROVED.value] * 4)  # more to issue
        app.submitted_at = self.moment() if self.rng.random() < 0.8 else None
        app.approved_at = self.moment() if self.rng.random() < 0.5 else None
        if app.submitted_at and app.approved_at and self.rng.random() < 0.7:  # on a bucket edge, or near one
            app.approved_at = app.submitted_at + timedelta(seconds=self.rng.choice(TURNAROUND_EDGES)
                                                           + self.rng.choice([-1, 0, 0, 1]))
        if self.rng.random() < 0.1:
            app.district_code = self.rng.choice(["0901", "0903", "0200"])

    def issue(self, replaces: Certificate | None = None):
        if replaces is None:
            approved = self.s.scalars(select(CertificateApplication).where(
                CertificateApplication.status == AppStatus.APPROVED.value).order_by(CertificateApplication.id)).all()
            if not approved:
                return
            app = self.rng.choice(approved)
            app.status = AppStatus.ISSUED.value
        else:
            app = self.s.get(CertificateApplication, replaces.application_id)
        self.serial += 1
        cert = Certificate(
            certificate_no=f"R{self.serial:06d}", application_id=app.id, enterprise_id=app.enterprise_id,
            district_code=app.district_code, cert_type_code="14", entry_method=self.rng.choice(["blank", "template"]),
            dest_country=self.rng.choice(COUNTRIES), issue_place="大连", issue_date=self.day(),
            issued_at=self.moment(), received_date=self.day() if self.rng.random() < 0.9 else None,
            signing_method=self.rng.choice(["cloud", "paper"]), verify_token=f"t{self.serial}",
            replaces_id=replaces.id if replaces else None)
        if self.rng.random() < 0.5:
            cert.print_count = self.rng.randrange(0, 3)
        if self.rng.random() < 0.8:  # the goods' value as declared (1 cent to 10 million)
            cert.goods_value = Decimal(self.rng.randrange(1, 10 ** 9)) / 100
            cert.currency = self.rng.choice(CURRENCIES)
        self.s.add(cert)

    def valid_certificate(self) -> Certificate | None:
        valid = self.s.scalars(select(Certificate).where(Certificate.status == "valid").order_by(Certificate.id)).all()
        return self.rng.choice(valid) if valid else None

    def replace(self):
        old = self.valid_certificate()
        if old is not None:
            old.status = "replaced"
            self.s.flush()
            self.issue(replaces=old)

    def withdraw(self):
        cert = self.valid_certificate()
        if cert is not None:  # an ORM-enabled UPDATE statement, as data/certificates/issuing.py writes it
            self.s.execute(update(Certificate).where(Certificate.id == cert.id, Certificate.status == "valid")
                           .values(status="withdrawn"))

    def print_once(self):
        cert = self.rng.choice(self.s.scalars(select(Certificate).order_by(Certificate.id)).all())
        how = self.rng.randrange(3)
        if how == 0:
            cert.print_count = (cert.print_count or 0) + 1
        elif how == 1:
            self.s.scalar(update(Certificate).where(Certificate.id == cert.id)
                          .values(print_count=Certificate.print_count + 1).returning(Certificate.print_count))
        else:  # a Core statement run through the Session
            t = Certificate.__table__
            self.s.execute(update(t).where(t.c.id == cert.id).values(print_count=t.c.print_count + 2))

    def change_signing(self):
        cert = self.rng.choice(self.s.scalars(select(Certificate).order_by(Certificate.id)).all())
        cert.signing_method = "paper" if cert.signing_method == "cloud" else "cloud"
        cert.dest_country = self.rng.choice(COUNTRIES)
        if self.rng.random() < 0.5:  # a corrected value, or one in another currency
            cert.goods_value = Decimal(self.rng.randrange(1, 10 ** 9)) / 100 if self.rng.random() < 0.9 else None
            cert.currency = self.rng.choice(CURRENCIES) if cert.goods_value is not None else None

    def remove(self):
        if self.rng.random() < 0.5:
            drafts = self.s.scalars(select(CertificateApplication).where(
                CertificateApplication.status == "draft", ~CertificateApplication.id.in_(
                    select(Certificate.application_id))).order_by(CertificateApplication.id)).all()
            if drafts:
                self.s.delete(self.rng.choice(drafts))
        else:
            loose = self.s.scalars(select(Certificate).where(
                ~Certificate.id.in_(select(Certificate.replaces_id).where(Certificate.replaces_id.is_not(None))))
                .order_by(Certificate.id)).all()
            if loose:
                self.s.execute(delete(Certificate).where(Certificate.id == self.rng.choice(loose).id))

    def declare(self):
        """Declarations come and go and change status (the home pages count them by status)."""
        how = self.rng.randrange(3)
        if how == 0:
            key, district, _decl = self.rng.choice(self.cases)
            self.serial += 1
            self.s.add(Declaration(direction=self.rng.choice(["exit", "entry"]), inspection_no=f"D{self.serial:014d}",
                                   enterprise_id=self.users.enterprise_ids[key], district_code=district,
                                   status=self.rng.choice(["draft", "saved", "sent"])))
            return
        mine = self.s.scalars(select(Declaration).where(Declaration.inspection_no.like("D%"))
                              .order_by(Declaration.id)).all()
        if not mine:
            return
        declaration = self.rng.choice(mine)
        if how == 1:
            declaration.status = self.rng.choice(["saved", "sent", "receipted"])
            if self.rng.random() < 0.2:
                declaration.district_code = self.rng.choice(["0901", "0903", "0200"])
        else:
            self.s.delete(declaration)

    def step(self):
        """One operation; now and then inside a savepoint that is released or rolled back."""
        if self.rng.random() < 0.1:
            keep = self.rng.random() < 0.5
            try:
                with self.s.begin_nested():
                    self.operation()
                    self.s.flush()
                    if not keep:
                        raise Undone()
            except Undone:
                pass
        else:
            self.operation()

    def operation(self):
        ops = [(self.new_application, 3), (self.workflow_step, 10), (self.jump, 4), (self.issue, 6),
               (self.replace, 1), (self.withdraw, 1), (self.print_once, 2), (self.change_signing, 1),
               (self.remove, 1), (self.declare, 2)]
        op = self.rng.choices([o for o, _ in ops], weights=[w for _, w in ops])[0]
        op()


@pytest.mark.parametrize("seed", [11, 29])
def test_the_rollup_equals_a_full_recount_after_random_transitions(app, users, seed):
    with app.server.extensions["certdash"].sessions() as s:
        assert_rollup_exact(s)  # the world, written through the ORM
        story = Story(s, users, seed)
        for n in range(1, 241):
            story.step()
            if n % 7 == 0:
                if story.rng.random() < 0.15:
                    s.rollback()  # the rollup's changes go with the transaction's
                else:
                    s.commit()
            if n % 80 == 0:
                s.commit()
                assert_rollup_exact(s)
        s.commit()
        assert_rollup_exact(s)
        grown = snapshot(s.connection())  # the story went through issues, approvals and queues
        assert story.serial > 10  # certificates issued (some rolled back or deleted again)
        assert len(grown["stats_turnaround"]) > 4 and grown["stats_backlog"]
        assert {key[0] for key in grown["stats_status"]} == {"a", "c", "d"}


def test_a_bulk_insert_without_ids_is_refused_rather_than_miscounted(app, users):
    from sqlalchemy import insert

    with app.server.extensions["certdash"].sessions() as s:
        app_id = users.application_ids["A-0901"]
        with pytest.raises(RollupError):
            s.execute(insert(Certificate).values(
                certificate_no="X1", application_id=app_id, enterprise_id=users.enterprise_ids["A"],
                district_code="0901", cert_type_code="14", entry_method="blank", issue_place="大连",
                issue_date=date(2026, 2, 1), issued_at=START, signing_method="cloud", verify_token="x"))
        s.rollback()


def test_rollup_rows_are_written_at_commit_and_follow_savepoints(app, users):
    sessions = app.server.extensions["certdash"].sessions
    with sessions() as s, sessions() as reader:
        app_row = s.get(CertificateApplication, users.application_ids["A-0901"])

        def certificate(n: int) -> Certificate:
            return Certificate(certificate_no=f"W{n}", application_id=app_row.id, enterprise_id=app_row.enterprise_id,
                               district_code="0901", cert_type_code="14", entry_method="blank", issue_place="大连",
                               issue_date=date(2026, 5, 4), issued_at=START, signing_method="cloud",
                               verify_token=f"w{n}")

        def may_day() -> int:  # as another transaction sees it
            reader.rollback()
            return reader.scalar(select(func.coalesce(func.sum(CERTIFICATES.table.c.certificates), 0)).where(
                CERTIFICATES.table.c.grouping == 1, CERTIFICATES.table.c.period == date(2026, 5, 4)))

        s.add(certificate(1))
        s.flush()
        assert may_day() == 0 and snapshot(s.connection()) == snapshot(reader.connection())  # nothing locked yet
        with s.begin_nested():
            s.add(certificate(2))
        try:
            with s.begin_nested():
                s.add(certificate(3))
                s.flush()
                raise Undone()
        except Undone:
            pass
        s.commit()
        assert may_day() == 2
        assert_rollup_exact(s)
        s.add(certificate(4))
        s.flush()
        s.rollback()  # the deferred difference goes with the transaction
        s.add(certificate(5))
        s.commit()
        assert may_day() == 3
        assert_rollup_exact(s)


def test_moving_a_district_to_another_parent_moves_its_trend_rows(app, users):
    from data.models import CustomsDistrict

    with app.server.extensions["certdash"].sessions() as s:
        s.get(CustomsDistrict, "0903").parent_code = "0200"
        s.commit()
        assert_rollup_exact(s)
        fresh = snapshot(s.connection())["stats_trend"]
        assert any(key[0] == "0200" and key[1] == "t" and values == (2,) for key, values in fresh.items())


def subtree_sums_by_hand(s) -> dict[tuple, tuple]:
    """Each subtree grouping's rows as they should be: its base grouping's rows summed over the subtree of each
    district with a district below it (walking the parents here) and over every district (ALL)."""
    from data.models import CustomsDistrict

    parents = dict(s.execute(select(CustomsDistrict.code, CustomsDistrict.parent_code)).all())
    inner = set(parents.values())
    rows = snapshot(s.connection())["stats_certificate"]
    want: dict[tuple, list[int]] = {}
    for key, values in rows.items():
        sub = SUBTREES.get(key[0])
        if sub is None:
            continue
        code, roots = key[3], [ALL]
        while code is not None:
            if code in inner:
                roots.append(code)
            code = parents.get(code)
        for root in roots:
            acc = want.setdefault((sub.id, key[1], key[2], root, *key[4:]), [0] * len(values))
            for i, v in enumerate(values):
                acc[i] += v
    return {k: tuple(v) for k, v in want.items()}


def stored_subtree_sums(s) -> dict[tuple, tuple]:
    ids = {g.id for g in SUBTREES.values()}
    return {k: v for k, v in snapshot(s.connection())["stats_certificate"].items() if k[0] in ids}


def test_subtree_groupings_sum_their_base_grouping_over_each_subtree(app, users):
    with app.server.extensions["certdash"].sessions() as s:
        story = Story(s, users, 5)
        for _ in range(60):
            story.step()
        s.commit()
        stored = stored_subtree_sums(s)
        assert {k[3] for k in stored} == {ALL, "0900"}  # 0900 has houses; 0901, 0903 and 0200 have none
        assert stored == subtree_sums_by_hand(s)


def test_a_district_gets_subtree_sums_with_its_first_house_and_loses_them_with_its_last(app, users):
    from data.models import CustomsDistrict

    with app.server.extensions["certdash"].sessions() as s:
        assert not any(k[3] == "0903" for k in stored_subtree_sums(s))
        s.add(CustomsDistrict(code="0904", parent_code="0903", name_zh="新港", name_en="New port", active=True))
        s.commit()
        mine = {k[:3] + k[4:]: v for k, v in stored_subtree_sums(s).items() if k[3] == "0903"}
        own = {k[:3] + k[4:]: v for k, v in snapshot(s.connection())["stats_certificate"].items()
               if k[3] == "0903" and k[0] in SUBTREES}
        assert mine and mine == {(SUBTREES[k[0]].id, *k[1:]): v for k, v in own.items()}  # its own rows, as sums
        assert stored_subtree_sums(s) == subtree_sums_by_hand(s)
        s.get(CustomsDistrict, "0904").parent_code = "0900"
        s.commit()
        assert not any(k[3] == "0903" for k in stored_subtree_sums(s))
        assert stored_subtree_sums(s) == subtree_sums_by_hand(s)
        assert_rollup_exact(s)


@pytest.fixture
def summed_again(monkeypatch) -> list[tuple[str, set[str]]]:
    """The trend and subtree-sum roots each commit sums again ("trend" or "subtree", roots), in order."""
    from data.statistics import tracking

    calls: list[tuple[str, set[str]]] = []
    for name, kind in (("rebuild_trend", "trend"), ("fill_subtrees", "subtree")):
        real = getattr(tracking, name)

        def spy(conn, sql, roots, real=real, kind=kind):
            calls.append((kind, set(roots)))
            return real(conn, sql, roots)

        monkeypatch.setattr(tracking, name, spy)
    return calls


def test_a_house_without_certificates_added_renamed_or_deleted_sums_nothing_again_but_its_parent(app, users,
                                                                                                 summed_again):
    """A house added under 0903 (certificates, no houses yet) makes 0903 a root of subtree sums: its sums alone are
    written. 0900 and ALL sum the same districts with certificates as before, so they are not summed again (at ten
    million certificates that took a minute, with every certificate write waiting). Its code corrected (as the
    administrator's form does it, through the object): nothing changes. Deleted: 0903 is a leaf again and loses its
    subtree sums. The rollup stays exact throughout."""
    from data.models import CustomsDistrict

    with app.server.extensions["certdash"].sessions() as s:
        s.add(CustomsDistrict(code="0904", parent_code="0903", name_zh="新港", name_en="New port", active=True))
        s.commit()
        assert summed_again == [("subtree", {"0903"})]
        assert {k[3] for k in stored_subtree_sums(s)} == {ALL, "0900", "0903"}
        assert stored_subtree_sums(s) == subtree_sums_by_hand(s)
        s.get(CustomsDistrict, "0904").code = "0905"
        s.commit()
        assert summed_again == [("subtree", {"0903"})]
        s.delete(s.get(CustomsDistrict, "0905"))
        s.commit()
        assert summed_again == [("subtree", {"0903"}), ("subtree", {"0903"})]
        assert {k[3] for k in stored_subtree_sums(s)} == {ALL, "0900"}
        assert stored_subtree_sums(s) == subtree_sums_by_hand(s)
        assert_rollup_exact(s)


def test_a_district_moved_while_its_first_certificate_is_written_elsewhere_keeps_the_sums_exact(app, users):
    """A new house 0904 under 0900 gets its first certificate in one transaction (counted, at its flush, in 0900's
    subtree sums: the tree it sees) while another moves 0904 to 0200. The move waits for the certificate's
    transaction (PostgreSQL: its lock on the certificate table; SQLite: the write lock), then finds 0904 with
    certificates and sums 0900 and 0200 again, with ALL as it was."""
    import threading

    from data.models import CustomsDistrict

    sessions = app.server.extensions["certdash"].sessions
    with sessions() as s:
        s.add(CustomsDistrict(code="0904", parent_code="0900", name_zh="新港", name_en="New port", active=True))
        s.commit()
    writer = sessions()
    source = writer.get(CertificateApplication, users.application_ids["A-0901"])
    writer.add(Certificate(certificate_no="N1", application_id=source.id, enterprise_id=source.enterprise_id,
                           district_code="0904", cert_type_code="14", entry_method="blank", issue_place="大连",
                           issue_date=date(2026, 5, 4), issued_at=START, signing_method="cloud", verify_token="n1",
                           dest_country="JP"))
    writer.flush()
    errors: list[BaseException] = []

    def move() -> None:
        try:
            with sessions() as s:
                s.get(CustomsDistrict, "0904").parent_code = "0200"
                s.commit()
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)

    mover = threading.Thread(target=move)
    mover.start()
    mover.join(1.5)
    assert mover.is_alive()  # waiting for the certificate's transaction
    writer.commit()
    writer.close()
    mover.join(30)
    assert not mover.is_alive() and not errors, errors
    with sessions() as s:
        sums = stored_subtree_sums(s)
        assert sums == subtree_sums_by_hand(s)
        assert any(k[3] == "0200" and k[0] == SUBTREES[4].id and k[8] == "JP" for k in sums)
        assert_rollup_exact(s)


def test_a_certificate_counted_between_two_moves_of_its_district_is_summed_again(app, users, summed_again):
    """0903 moves to 0200, a certificate of 0903 is counted (in 0200's subtree sums: the tree of that moment), and
    0903 moves back, all in one transaction. The tree at commit is the one before, but 0200's sums took the
    certificate under the tree between: every tree the rollups were kept under is compared, and 0200 summed again."""
    from data.models import CustomsDistrict

    with app.server.extensions["certdash"].sessions() as s:
        source = s.get(CertificateApplication, users.application_ids["A-0901"])
        s.get(CustomsDistrict, "0903").parent_code = "0200"
        s.flush()
        s.add(Certificate(certificate_no="M1", application_id=source.id, enterprise_id=source.enterprise_id,
                          district_code="0903", cert_type_code="14", entry_method="blank", issue_place="大连",
                          issue_date=date(2026, 5, 4), issued_at=START, signing_method="cloud", verify_token="m1"))
        s.flush()
        s.get(CustomsDistrict, "0903").parent_code = "0900"
        s.commit()
        assert ("subtree", {"0900", "0200"}) in summed_again
        assert stored_subtree_sums(s) == subtree_sums_by_hand(s)
        assert not any(k[3] == "0200" for k in stored_subtree_sums(s))
        assert_rollup_exact(s)


def test_a_tree_change_undone_by_a_savepoint_sums_nothing_again(app, users, summed_again):
    from data.models import CustomsDistrict

    with app.server.extensions["certdash"].sessions() as s:
        nested = s.begin_nested()
        s.get(CustomsDistrict, "0903").parent_code = "0200"
        s.flush()
        nested.rollback()
        s.commit()
        assert summed_again == []
        assert stored_subtree_sums(s) == subtree_sums_by_hand(s)
        assert_rollup_exact(s)


@pytest.mark.parametrize("how", ["loaded", "not loaded", "statement"])
def test_moving_a_district_recomputes_the_subtree_sums_it_changes(app, users, how, summed_again):
    """0903 moves from 0900 to 0200: its certificates leave 0900's subtree sums and join 0200's, whether its old
    parent was loaded, not loaded, or the move was an UPDATE statement (whose districts the session does not see):
    the tree as it was before is compared with the tree at commit. 0900 and 0200 (which becomes a root of subtree
    sums) are summed again; ALL sums the same certificates and is not."""
    from data.models import CustomsDistrict

    with app.server.extensions["certdash"].sessions() as s:
        before = stored_subtree_sums(s)
        assert not any(k[3] == "0200" for k in before)  # no houses yet
        if how == "loaded":
            s.get(CustomsDistrict, "0903").parent_code = "0200"
        elif how == "not loaded":
            district = s.get(CustomsDistrict, "0903")
            s.expire(district, ["parent_code"])
            district.parent_code = "0200"
        else:
            s.execute(update(CustomsDistrict).where(CustomsDistrict.code == "0903").values(parent_code="0200"))
        s.commit()
        after = stored_subtree_sums(s)
        assert after == subtree_sums_by_hand(s) and any(k[3] == "0200" for k in after)
        assert summed_again == [("trend", {"0900", "0200"}), ("subtree", {"0900", "0200"})]
        assert_rollup_exact(s)


@pytest.mark.parametrize("account", ["sysadmin", "manager0900", "manager0903", "officer0901", "ent_a_oper",
                                     "ent_b_oper"])
def test_home_counts_read_from_the_rollup_equal_a_count_of_the_records(app, users, account):
    """The home page's figures by status (stats_status) against the records in the user's scope, after the
    random story changed them."""
    from data.core.scope import row_scope
    from data.home import home_summary

    with app.server.extensions["certdash"].sessions() as s:
        story = Story(s, users, 7)
        for _ in range(120):
            story.step()
        s.commit()
        who = actor(s, account)
        summary = home_summary(s, who)

        def raw(model) -> dict[str, int]:
            return dict(s.execute(select(model.status, func.count()).where(row_scope(who, model))
                                  .group_by(model.status)).tuples().all())

        assert summary.applications_by_status == raw(CertificateApplication)
        assert summary.certificates_by_status == raw(Certificate)
        assert summary.declarations == sum(raw(Declaration).values())
        assert sum(summary.applications_by_status.values()) > 0 and summary.declarations > 0
