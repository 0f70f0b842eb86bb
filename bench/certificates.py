"""Benchmark issuing certificates (render + sign + store) against a bare reportlab page and a bare pyHanko signature.

    python -m bench.certificates [--count 500] [--store FILE | --database-url URL]

The store is filled by the demo generator (a temporary SQLite file unless told otherwise; see
bench/applications.py). `--count` approved applications are made from the demo's issued ones (same
declaration, fields and goods, status approved, no number yet), and the officer of their district
issues them one by one through the real path, `data.certificates.issuing.issue`, each in its own transaction
committed: the number, the Certificate row, the content, the PDF rendered by
exports.certificate.pdf, the PAdES signature with the district's key (the demo CA, generated into a
temporary instance folder), the blob, the receipts.

The bare side does, for the same certificate, what any program must at least do: draw the same
text (every string the certificate's content holds, in the same embedded CJK TrueType font) on one
reportlab page with canvas.drawString, and sign that PDF with pyHanko's plain documented call
(`signers.sign_pdf` with a SimpleSigner of the same key and certificate, built once).

The two sides alternate certificate by certificate, after one warm-up of each (font and key
loading happen once per process on both sides). Printed: mean and median per certificate of each
side and of the service's parts, then as the last line `ratio=<x>`: the service's mean time per
certificate over the bare mean.
"""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields as sig_fields
from pyhanko.sign import signers
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlalchemy import func, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from bench.applications import prepare_store
from data.accounts.roles import role_permissions
from data.certificates.content import content_for_application
from data.certificates.issuing import Issuer, issue, signing_district
from data.certificates.keyring import Keyring
from data.core.db import make_session_factory
from data.core.scope import Actor, actor_for
from data.models import (
    ApplicationGoods,
    AppStatus,
    Certificate,
    CertificateApplication,
    CustomsDistrict,
    Role,
    User,
)
from exports.fonts import register_font

PUBLIC_URL = "https://certdash.example"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--store", help="SQLite file to fill once and use again")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (or one this bench filled)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-certs-") as tmp:
        if args.database_url:
            url = args.database_url
        else:
            url = f"sqlite:///{Path(args.store).resolve() if args.store else Path(tmp) / 'certs.sqlite3'}"
        if make_url(url).get_backend_name() == "postgresql" and not args.database_url:
            sys.exit("give an empty PostgreSQL database with --database-url")
        engine = prepare_store(url, max(2000, 2 * args.count))
        keyring = Keyring(demo_folder=Path(tmp) / "instance" / "signing")
        service, bare, parts, bare_parts = run(engine, Issuer(keyring, PUBLIC_URL), args.count)
        engine.dispose()
    mean_service, mean_bare = statistics.fmean(service), statistics.fmean(bare)
    print(f"certificates: {len(service)}")
    print(f"service (issue: render + sign + store + commit)  mean {mean_service:7.2f} ms   "
          f"median {statistics.median(service):7.2f} ms")
    for name, spent in parts.items():
        print(f"  of which {name:<38} mean {statistics.fmean(spent):7.2f} ms")
    print(f"bare (reportlab page + pyHanko signature)          mean {mean_bare:7.2f} ms   "
          f"median {statistics.median(bare):7.2f} ms")
    for name, spent in bare_parts.items():
        print(f"  of which {name:<38} mean {statistics.fmean(spent):7.2f} ms")
    strict = statistics.fmean(bare_parts["page"]) + statistics.fmean(bare_parts["signature, tuned as the service's"])
    print(f"(against the bare page plus the service's own tuned signer: x{mean_service / strict:.2f})")
    print(f"ratio={mean_service / mean_bare:.2f}")


# --- the work -----------------------------------------------------------------------------------


def officer_for(s: Session, district_code: str) -> Actor:
    """An officer whose district subtree holds the district (the demo has one per issuing district)."""
    codes = {district_code}
    parent = s.scalar(select(CustomsDistrict.parent_code).where(CustomsDistrict.code == district_code))
    if parent:
        codes.add(parent)
    user = s.scalar(select(User).where(User.role == Role.OFFICER.value, User.district_code.in_(codes))
                    .order_by(User.district_code.desc(), User.id))
    if user is None:
        sys.exit(f"no officer for district {district_code} in the store")
    return actor_for(s, user, role_permissions(s, user.role))


def approved_copies(s: Session, count: int) -> tuple[str, list[int]]:
    """Make `count` approved applications from the busiest district's issued ones; return the district and ids."""
    A = CertificateApplication
    district = s.scalar(select(A.district_code).where(A.status == AppStatus.ISSUED.value)
                        .group_by(A.district_code).order_by(func.count().desc()).limit(1))
    sources = list(s.scalars(select(A).where(A.status == AppStatus.ISSUED.value, A.district_code == district)
                             .order_by(A.id).limit(count)))
    ids = []
    for n in range(count):
        src = sources[n % len(sources)]
        copy = A(declaration_id=src.declaration_id, enterprise_id=src.enterprise_id, district_code=src.district_code,
                 cert_type_code=src.cert_type_code, format_code=src.format_code, serial=src.serial,
                 entry_method=src.entry_method, needs_confirmation=False, status=AppStatus.APPROVED.value,
                 fields=dict(src.fields or {}), dest_country=src.dest_country, production_unit=src.production_unit,
                 submitted_at=src.submitted_at, reviewed_at=src.reviewed_at, reviewer_id=src.reviewer_id,
                 approved_at=src.approved_at, created_at=src.created_at)
        s.add(copy)
        s.flush()
        s.add_all(ApplicationGoods(application_id=copy.id, seq=g.seq, hs_code=g.hs_code, name_zh=g.name_zh,
                                   name_en=g.name_en, origin=g.origin, quantity=g.quantity,
                                   quantity_unit=g.quantity_unit, weight=g.weight, weight_unit=g.weight_unit,
                                   packages=g.packages, package_type=g.package_type)
                  for g in s.scalars(select(ApplicationGoods).where(ApplicationGoods.application_id == src.id)))
        ids.append(copy.id)
    s.commit()
    return district, ids


def content_text(value) -> list[str]:
    """Every string the certificate's content holds (captions, values, names, dates), in order."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, (date, datetime)):
        return [value.isoformat()]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [str(value)]
    if is_dataclass(value):
        return [x for f in fields(value) if f.name != "field_index" for x in content_text(getattr(value, f.name))]
    if isinstance(value, (tuple, list)):
        return [x for item in value for x in content_text(item)]
    if isinstance(value, dict):
        return [x for item in value.values() for x in content_text(item)]
    return []


def bare_page(lines: list[str], font: str) -> bytes:
    """One reportlab page (more when the text runs over) with the lines drawn as they are."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setFont(font, 8)
    y = A4[1] - 40
    for line in lines:
        for start in range(0, max(len(line), 1), 110):
            if y < 40:
                page.showPage()
                page.setFont(font, 8)
                y = A4[1] - 40
            page.drawString(40, y, line[start:start + 110])
            y -= 10
    page.showPage()
    page.save()
    return buffer.getvalue()


def bare_signer(keyring: Keyring, district_code: str) -> signers.SimpleSigner:
    """pyHanko's SimpleSigner with the same key and certificate the service signs with."""
    folder = keyring.demo_folder
    return signers.SimpleSigner.load(str(folder / f"district-{district_code}.key"),
                                     str(folder / f"district-{district_code}.pem"),
                                     ca_chain_files=(str(folder / "root-ca.pem"),))


def bare_sign(pdf: bytes, signer: signers.SimpleSigner) -> bytes:
    out = io.BytesIO()
    signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)),
                     signers.PdfSignatureMetadata(field_name="Signature1", md_algorithm="sha256",
                                                  subfilter=sig_fields.SigSeedSubFilter.PADES),
                     signer=signer, output=out)
    return out.getvalue()


def run(engine: Engine, issuer: Issuer, count: int
        ) -> tuple[list[float], list[float], dict[str, list[float]], dict[str, list[float]]]:
    sessions = make_session_factory(engine)
    with sessions() as s:
        district, ids = approved_copies(s, count + 1)
        officer = officer_for(s, district)
        tuned = issuer.keyring.signer_for(signing_district(s, district))
        key_district = tuned.key_code
    signer = bare_signer(issuer.keyring, key_district)
    font = register_font()
    parts = {"render": [], "sign": [], "rest (DB, content, store)": []}
    timed = _Parts(parts)
    service_times, bare_times = [], []
    bare_parts: dict[str, list[float]] = {"page": [], "signature": [], "signature, tuned as the service's": []}
    for n, app_id in enumerate(ids):
        warm_up = n == 0
        with sessions() as s:
            version = s.scalar(select(CertificateApplication.version).where(CertificateApplication.id == app_id))
            timed.reset()
            started = time.perf_counter()
            with timed.watching(issuer):
                cert = issue(s, officer, app_id, version=version, issuer=issuer)
                s.commit()
            spent = (time.perf_counter() - started) * 1000
            # the same text for the bare side, read outside both timings
            lines = content_text(content_for_application(s, s.get(CertificateApplication, app_id), cert,
                                                         public_url=PUBLIC_URL))
        started = time.perf_counter()
        page = bare_page(lines, font)
        drawn = time.perf_counter()
        bare_sign(page, signer)
        bare_spent = (time.perf_counter() - started) * 1000
        tuned_started = time.perf_counter()
        tuned.sign(page, reason="", location="", signer_name="")
        tuned_spent = (time.perf_counter() - tuned_started) * 1000
        if warm_up:
            continue
        service_times.append(spent)
        bare_times.append(bare_spent)
        timed.record(spent)
        bare_parts["page"].append((drawn - started) * 1000)
        bare_parts["signature"].append(bare_spent - bare_parts["page"][-1])
        bare_parts["signature, tuned as the service's"].append(tuned_spent)
    with sessions() as s:
        issued = s.scalar(select(func.count()).select_from(Certificate).where(Certificate.application_id.in_(ids)))
    if issued != len(ids):
        sys.exit(f"only {issued} of {len(ids)} applications were issued")
    return service_times, bare_times, parts, bare_parts


class _Parts:
    """Time the renderer and the signature inside the service run, by wrapping them for the run."""

    def __init__(self, parts: dict[str, list[float]]):
        self.parts = parts
        self.render = self.sign = 0.0

    def reset(self) -> None:
        self.render = self.sign = 0.0

    def watching(self, issuer: Issuer):
        import contextlib

        import data.certificates.issuing as issuing

        @contextlib.contextmanager
        def wrapped():
            real_render, real_sign = issuing.render_certificate, issuer.keyring.sign_pdf

            def render(*a, **k):
                started = time.perf_counter()
                try:
                    return real_render(*a, **k)
                finally:
                    self.render += (time.perf_counter() - started) * 1000

            def sign(*a, **k):
                started = time.perf_counter()
                try:
                    return real_sign(*a, **k)
                finally:
                    self.sign += (time.perf_counter() - started) * 1000

            issuing.render_certificate, issuer.keyring.sign_pdf = render, sign
            try:
                yield
            finally:
                issuing.render_certificate = real_render
                del issuer.keyring.sign_pdf  # back to the class's method

        return wrapped()

    def record(self, total: float) -> None:
        self.parts["render"].append(self.render)
        self.parts["sign"].append(self.sign)
        self.parts["rest (DB, content, store)"].append(total - self.render - self.sign)


if __name__ == "__main__":
    main()
