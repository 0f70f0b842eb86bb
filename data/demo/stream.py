"""The row stream: declarations, applications, certificates and their events, day by day, parents first."""
from __future__ import annotations

import heapq
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table

from data.applications.workflow import certificate_prefix
from data.demo.cast import (
    ANIMAL_CHAPTERS,
    APPROVED,
    AWAITING,
    BANKS,
    BATCH_SIZE,
    CARRIERS,
    CLOUD,
    CONFIRM_NOTES,
    CONFIRMED,
    CONTAINER_SPECS,
    CST,
    DECLARATION_STATUSES,
    DEFAULT_END,
    DRAFT,
    FOOD_CHAPTERS,
    ISSUED,
    LINES_PER_DECLARATION,
    PAPER,
    PLANT_CHAPTERS,
    PRINT_COUNTS,
    RECEIPTED,
    REPLACE_REASONS,
    REPLACED,
    RETURN_REASONS,
    RETURNED,
    REVOKE_REASONS,
    REVOKED,
    SENT,
    SUBMITTED,
    SUSPEND_REASONS,
    SUSPENDED,
    UTC,
    VALID,
    VESSELS,
    WITHDRAW_REASONS,
    WITHDRAWN,
)
from data.demo.setup import (
    CHUNK_ORDER,
    StartIds,
    Step,
    StreamSetup,
)
from data.demo.snapshot import (
    ReferenceSnapshot,
)
from data.models import (
    Enterprise,
    Notification,
    NumberSequence,
    User,
    table_of,
)
from data.reference.places import AIRPORT


class RowStream(StreamSetup):
    """One pass of the generator; `batches()` yields the rows."""

    def batches(self) -> Iterator[tuple[Table, list[dict]]]:
        """Yield the setup rows, then the day-by-day rows in chunks of about `batch_size` receipts."""
        # the system administrator (first account) reviewed the registrations, so it goes in first
        users = self._users()
        self.next_id["enterprise"] += len(self.ent_rows)
        yield table_of(User), users[:1]
        yield table_of(Enterprise), self.ent_rows
        yield table_of(User), users[1:]
        yield table_of(Notification), self._notifications()
        self._registration_events()
        times = self.times_of_day
        bits = self.bits
        buffers = self.buffers
        for day, n_orig, n_hist, n_open, n_entry in self._day_plan():
            self.day = day
            day_end = self._ts(day + 1, 0)
            while self.pending and self.pending[0][0] < day_end:
                self._due_change(*heapq.heappop(self.pending))
            slots = sorted([(times[bits(12)], kind) for kind, count in enumerate((n_orig, n_hist, n_open, n_entry))
                            for _ in range(count)])
            base = self._ts(day, 0)
            for seconds, kind in slots:
                ts = base + seconds
                if kind == 0:
                    self._issued_application(ts)
                elif kind == 3:
                    self._entry_declaration(ts)
                else:
                    quota = self.hist_quota if kind == 1 else self.open_quota
                    self._other_application(ts, quota.draw(self.rnd))
            if len(buffers["event"]) >= self.batch_size:
                yield from self._flush()
        while self.pending:
            self._due_change(*heapq.heappop(self.pending))
        yield from self._flush()
        if self.cert_seq:
            yield table_of(NumberSequence), [{"prefix": prefix, "last_value": last}
                                             for prefix, last in sorted(self.cert_seq.items())]

    def _flush(self) -> Iterator[tuple[Table, list[dict]]]:
        """Yield the buffered rows table by table, parents first, in batches of at most `batch_size`."""
        size = self.batch_size
        for table in CHUNK_ORDER:
            rows = self.buffers[table.name]
            for i in range(0, len(rows), size):
                yield table, rows[i:i + size]
            self.buffers[table.name] = []

    # .. declarations ........................................................................

    def _declaration(self, ts: int, ei: int, dist: str, type_code: str | None, direction: str,
                     status: str = RECEIPTED) -> dict:
        """Append a declaration with goods and containers; return what its applications copy from it."""
        rnd, bits = self.rnd, self.bits
        did = self._take("declaration")
        profile = self.enterprises[ei]
        country = self.ent_countries[ei].pick(rnd)
        day_index = (ts + CST) // 86400 - self.day0_epoch + 60
        dates, iso = self.dates, self.iso
        day = dates[day_index]
        yy = iso[day_index][2:4]
        mode = self.transport.pick(rnd)
        buyer, buyer_address = self.buyers[country][bits(2)]
        self.contract_seq[ei] += 1
        contract = f"{self.ent_prefix[ei]}{yy}-{self.contract_seq[ei]:05d}"
        if mode == self.sea:
            means, voyage = VESSELS[bits(3) + bits(2)], f"{100 + bits(9) % 900}{'EW'[bits(1)]}"
            bl = f"{CARRIERS[bits(3)]}{bits(34) % 10**10:010d}"
        elif mode == "4":
            means, voyage, bl = "AIR CARGO", f"CA{1000 + bits(10)}", f"999-{bits(27) % 10**8:08d}"
        else:
            means, voyage, bl = "TRUCK/RAIL", f"X{8000 + bits(10)}", f"RW{bits(30) % 10**9:09d}"
        tpl = self.hs_pool[(ei, type_code or self.random_type.pick(rnd))]
        n_lines = LINES_PER_DECLARATION[bits(5)]
        picks = [tpl[int(rnd() * len(tpl))] for _ in range(n_lines)]
        target_kg = 3000 + rnd() * 23000
        currency = self.currency_by_country.get(country, self.usd) if rnd() < 0.35 else self.usd
        fx = self.fx[currency]
        prod_unit, prod_reg = self.production_units[ei]
        made_index = day_index - 5 - bits(5)
        made = dates[made_index]
        batch = iso[made_index][2:].replace("-", "")
        goods = self.buffers["goods_line"]
        gid = self._take("goods_line", n_lines)
        lines: list[dict[str, Any]] = []
        total = 0.0
        total_kg = total_packages = 0
        origin = "CN" if direction == "exit" else country
        for seq, hi in enumerate(picks, 1):
            tmpl, price, per_package, factor = self.goods_templates[hi]
            weight = round(target_kg / n_lines * (0.6 + 0.8 * rnd()))
            packages = max(1, int(weight / per_package))
            value = round(weight * price * fx, 2)
            total += value
            total_kg += weight
            total_packages += packages
            row = {**tmpl, "id": gid + seq - 1, "declaration_id": did, "seq": seq, "model": None, "brand": None,
                   "origin_country": origin, "origin_place": None,
                   "quantity": weight * factor if isinstance(factor, float) else packages * factor,
                   "weight": weight, "packages": packages, "unit_price": round(price * fx, 4), "value": value,
                   "currency": currency, "production_unit": prod_unit, "production_unit_reg_no": prod_reg,
                   "production_date": made, "batch_no": f"{batch}{seq:02d}"}
            goods.append(row)
            lines.append(row)
        numbers, seals = [], []
        spec = None
        if mode == self.sea:
            containers = self.buffers["container"]
            n_cont = min(4, 1 + int(total_kg // 13000) + (bits(3) == 0))
            cid = self._take("container", n_cont)
            spec = "40RH" if self.goods_templates[picks[0]][0]["purpose"] == "食用" else CONTAINER_SPECS[bits(2)]
            for k in range(n_cont):
                number = self.containers.number(bits(3), bits(20) % 1000000)
                seal = f"{number[:2]}{bits(24) % 10**7:07d}"
                numbers.append(number)
                seals.append(seal)
                containers.append({"id": cid + k, "declaration_id": did, "seq": k + 1, "spec": spec,
                                   "number": number, "count": 1, "lcl": bits(5) == 0, "seal_no": seal})
        despatch_index = day_index + 1 + bits(3)
        despatch = dates[despatch_index]
        marks = "N/M" if bits(2) else contract
        numbered = status == RECEIPTED or status == SENT
        row = {**self.ent_templates[ei], "id": did, "direction": direction, "entry_no": f"WI{yy}{did:012d}",
               "inspection_no": f"{'2' if direction == 'exit' else '1'}{dist[:2]}{yy}{did:010d}" if numbered else None,
               "inspection_date": day, "category": ("21" if rnd() < 0.9 else "24") if direction == "exit" else "13",
               "district_code": dist, "issue_district_code": dist, "port_authority_code": dist,
               "trade_mode": self.trade_exit.pick(rnd), "transport_mode": mode, "transport_means": means,
               "transport_no": voyage, "contract_no": contract, "bl_no": bl, "despatch_date": despatch,
               "customs_declaration_district": dist, "marks": marks,
               # 所需单据: the certificate types applied for against it (more join while it is buffered)
               "required_documents": [type_code] if direction == "exit" and type_code else [],
               "total_value": round(total, 2), "currency": currency, "status": status,
               "created_at": self._dt(ts), "updated_at": self._dt(ts + self._delay("receipt"))}
        self.buffers["declaration"].append(row)
        self._documents(did, direction, ei, yy, contract, bl, country, dist, picks[0], bool(numbers))
        if direction == "entry":
            row.update(consignor_code=None, consignor_zh=None, consignor_en=buyer, consignor_address=buyer_address,
                       consignee_code=self.ent_reg[ei], consignee_zh=profile.name_zh, consignee_en=profile.name_en,
                       consignee_address=profile.address_zh, departure_port=self.arrival[country][0],
                       arrival_port=AIRPORT if mode == "4" else self.port[dist], dest_country=None,
                       origin_country=country, arrival_date=day)
            return {}
        arrival = self.arrival[country][bits(3) % len(self.arrival[country])]
        row.update(consignor_code=self.ent_reg[ei], consignor_zh=profile.name_zh, consignor_en=profile.name_en,
                   consignor_address=profile.address_zh, consignee_code=None,
                   consignee_zh=None if bits(1) else "***", consignee_en=buyer, consignee_address=buyer_address,
                   departure_port=AIRPORT if mode == "4" else self.port[dist], arrival_port=arrival,
                   dest_country=country, origin_country=None, arrival_date=None)
        first = lines[0]
        description = "; ".join(line["name_en"] for line in lines).upper()
        packages_text = f"{total_packages} {self.package_names.get(first['package_type'], first['package_type'])}"
        values = {
            "consignor": self.consignor_text[ei], "consignee": f"{buyer}\n{buyer_address}",
            "description": description, "weight": total_kg, "quantity": total_kg, "quantity_weight": total_kg,
            "packages": packages_text, "marks": marks, "origin": self.origin_text[ei],
            "establishment": self.establishment[ei],
            "despatch_place": self.despatch_place[dist], "destination": country, "npp_country": country,
            "destination_port": arrival, "conveyance": mode, "despatch_date": iso[despatch_index],
            "production_date": iso[made_index], "inspection_date": iso[day_index],
            "treatment_date": iso[day_index - 1], "valid_until": iso[day_index + 28], "hs_code": first["hs_code"],
            "declared_value": f"{currency} {total:.2f}", "manufacturer": prod_unit, "batch_no": first["batch_no"],
            "contract_no": contract, "applicant": profile.name_zh, "packaging_user": profile.name_zh,
            "packaging_manufacturer": prod_unit, "goods": "；".join(line["name_zh"] for line in lines),
            "packaging_quantity": str(total_packages), "species": description, "number": str(total_packages),
        }
        if numbers:
            values.update(container_no=" ".join(numbers), seal_no=" ".join(seals), containers=f"{spec}×{len(numbers)}")
        return {"id": did, "district": dist, "country": country, "lines": lines, "at": ts, "apps": 0,
                "value": row["total_value"], "currency": currency,
                "values": values, "required": row["required_documents"], "day": self.day}

    def _documents(self, did: int, direction: str, ei: int, yy: str, contract: str, bl: str, country: str,
                   dist: str, goods: int, containers: bool) -> None:
        """Append the declaration's attached documents (随附单据) with plausible numbers of their own."""
        bits, code = self.bits, self.doc_code
        chapter = self.goods_templates[goods][0]["hs_code"][:2]
        n = self.contract_seq[ei]
        prefix = self.ent_prefix[ei]
        docs: list[tuple[str, str | None]] = [("contract", contract), ("invoice", f"{prefix}-INV{yy}{n:05d}"),
                ("packing", f"{prefix}-PL{yy}{n:05d}")]
        if direction == "exit":
            if bits(3) == 0:
                docs.append(("credit", f"{BANKS[bits(2)]}LC{yy}{bits(20) % 10**6:06d}"))
            if chapter in FOOD_CHAPTERS:
                docs.append(("registration", self.production_units[ei][1]))
            if bits(2) == 0:
                docs.append(("factory", f"CJ{yy}{bits(17) % 10**5:05d}"))
            if self.enterprises[ei].district != dist and bits(1):  # goods inspected at home, declared here
                docs.append(("voucher", f"3{self.enterprises[ei].district[:2]}{yy}{bits(34) % 10**10:010d}"))
            if containers and chapter in FOOD_CHAPTERS:
                docs.append(("container", f"{dist[:2]}{yy}{bits(34) % 10**10:010d}"))
        else:
            docs.append(("bill", bl))
            if chapter in ANIMAL_CHAPTERS:
                docs.append(("veterinary", f"{country}{yy}{bits(27) % 10**8:08d}"))
            elif chapter in PLANT_CHAPTERS:
                docs.append(("phytosanitary", f"{country}{yy}{bits(27) % 10**8:08d}"))
            elif chapter in FOOD_CHAPTERS:
                docs.append(("sanitary", f"{country}{yy}{bits(27) % 10**8:08d}"))
            if bits(1):
                docs.append(("origin", f"{country}{yy}{bits(27) % 10**8:08d}"))
            if bits(2) == 0:
                docs.append(("no_wood", None))
        rows = [(code[(direction, kind)], number) for kind, number in docs if (direction, kind) in code]
        first = self._take("declaration_document", len(rows))
        self.buffers["declaration_document"].extend(
            {"id": first + k, "declaration_id": did, "seq": k + 1, "doc_code": doc_code, "doc_no": number}
            for k, (doc_code, number) in enumerate(rows))

    def _entry_declaration(self, ts: int) -> None:
        """Append an entry declaration (imports need no certificate); recent ones may still be unsent."""
        ei = self.ent_volume.pick(self.rnd)
        home = self.enterprises[ei].district
        dist = home if home in self.issue_place else self.issuing_pick.pick(self.rnd)
        status = RECEIPTED
        if ts > self.end_ts - 5 * 86400:
            status = DECLARATION_STATUSES[self.bits(2)]
        self._declaration(ts, ei, dist, None, "entry", status)

    # .. applications ........................................................................

    def _case(self, ts: int, type_code: str) -> tuple[int, dict, int]:
        """Pick the enterprise and exit declaration of a new application at `ts`; return them and its created time."""
        rnd = self.rnd
        dist = self.issuing_pick.pick(rnd)
        ei = self.ent_pick[(type_code, dist)].pick(rnd)
        last = self.last_declaration.get(ei)
        # another certificate for a declaration of the same day (still buffered: its 所需单据 can grow)
        if last is not None and last["day"] == self.day and last["apps"] < 3 and ts - last["at"] < 3 * 86400 \
                and rnd() < 0.25:
            decl = last
            if type_code not in decl["required"]:
                decl["required"].append(type_code)
        else:
            decl = self._declaration(ts - self._delay("prepare"), ei, dist, type_code, "exit")
            self.last_declaration[ei] = decl
        decl["apps"] += 1
        return ei, decl, max(ts, decl["at"] + 60)

    def _application(self, ei: int, decl: dict, type_code: str, method: str, status: str, created: int,
                     submitted: int | None, reviewed: int | None, reviewer: int | None, comment: str | None,
                     updated: int, version: int, needs_confirmation: bool) -> dict:
        """Append an application with its goods (copied from the declaration); return its row.

        Approved and issued ones were approved when last reviewed; an approved one has its certificate
        number already (issued ones get their certificate's).
        """
        aid = self._take("certificate_application")
        lines = decl["lines"]
        formats = self.formats[type_code]
        code, static, keys = formats[0] if len(formats) == 1 or self.bits(2) else formats[self.bits(4) % len(formats)]
        values = decl["values"]
        fields = dict(static)
        for k in keys:
            v = values.get(k)
            if v is not None:
                fields[k] = v
        at = datetime.fromtimestamp
        row = {
            "id": aid, "declaration_id": decl["id"], "enterprise_id": self.ent_templates[ei]["enterprise_id"],
            "district_code": decl["district"], "cert_type_code": type_code, "format_code": code,
            "serial": f"{decl['apps']:02d}", "entry_method": method, "needs_confirmation": needs_confirmation,
            "status": status, "version": version, "fields": fields, "dest_country": decl["country"],
            "production_unit": self.production_units[ei][0],
            "submitted_at": at(submitted, UTC) if submitted else None,
            "reviewed_at": at(reviewed, UTC) if reviewed else None, "reviewer_id": reviewer,
            "review_comment": comment, "created_at": at(created, UTC), "updated_at": at(updated, UTC),
            "approved_at": at(reviewed, UTC) if reviewed is not None and (status == ISSUED or status == APPROVED) else None,
            "certificate_no": (self._number(decl["district"], type_code, reviewed)
                               if reviewed is not None and status == APPROVED else None)}
        self.buffers["certificate_application"].append(row)
        agid = self._take("application_goods", len(lines))
        origin = self.origin_text[ei]
        self.buffers["application_goods"].extend(
            {"id": agid + k, "application_id": aid, "seq": line["seq"], "hs_code": line["hs_code"],
             "name_zh": line["name_zh"], "name_en": line["name_en"], "origin": origin,
             "quantity": line["quantity"], "quantity_unit": line["quantity_unit"], "weight": line["weight"],
             "weight_unit": line["weight_unit"], "packages": line["packages"], "package_type": line["package_type"]}
            for k, line in enumerate(lines))
        return row

    def _review_path(self, ts: int, path: str, user: int | None, officer: int) -> tuple[list[Step], int, str | None]:
        """Return the steps from creation to approval along `path`, the approval time and the last comment."""
        end, delay = self.end_ts, self._delay
        submitted = min(end, ts + delay("submit"))
        opened = min(end, submitted + delay("open"))
        steps: list[Step] = [(ts, user, "app.created", None), (submitted, user, "app.submitted", None),
                             (opened, officer, "app.review_started", None)]
        comment = None
        t = min(end, opened + delay("review"))
        if path == "returned":
            comment = RETURN_REASONS[self.bits(5) % len(RETURN_REASONS)]
            again = min(end, t + delay("fix"))
            reopened = min(end, again + delay("open"))
            steps += [(t, officer, "app.returned", comment), (again, user, "app.submitted", None),
                      (reopened, officer, "app.review_started", None)]
            t = min(end, reopened + delay("review"))
        elif path == "confirmation":
            comment = CONFIRM_NOTES[self.bits(1)]
            confirmed = min(end, t + delay("confirm"))
            steps += [(t, officer, "app.confirmation_requested", comment), (confirmed, user, "app.confirmed", None)]
            t = min(end, confirmed + delay("open") // 4)
        elif path == "suspended":
            comment = SUSPEND_REASONS[self.bits(5) % len(SUSPEND_REASONS)]
            resumed = min(end, t + delay("resume"))
            steps += [(t, officer, "app.suspended", comment), (resumed, officer, "app.resumed", None)]
            t = min(end, resumed + delay("review"))
        steps.append((t, officer, "app.approved", None))
        return steps, t, comment

    def _issued_application(self, ts: int) -> None:
        """Append an application that ends issued, its receipts and its certificate."""
        rnd, bits = self.rnd, self.bits
        type_code = self.type_quota.draw(rnd)
        method = self.method_quota.draw(rnd)
        ei, decl, ts = self._case(ts, type_code)
        dist = decl["district"]
        officer = self.officer_of[dist]
        users = self.ent_users[ei]
        user = users[bits(2) % len(users)]
        r = rnd()
        path = "direct" if r < 0.82 else "returned" if r < 0.91 else "confirmation" if r < 0.97 else "suspended"
        steps, approved, comment = self._review_path(ts, path, user, officer)
        issued = min(self.end_ts, approved + self._delay("issue"))
        submitted = steps[1][0]
        app = self._application(ei, decl, type_code, method, ISSUED, ts, submitted, approved, officer,
                                comment, issued, len(steps) + 1, path == "confirmation")
        aid = app["id"]
        ent_id = self.ent_templates[ei]["enterprise_id"]
        self._events(steps, "application", aid, ent_id, dist)
        # the certificate, and whether it is later replaced or withdrawn (exact counts, streamed selection)
        status, reason, changed = VALID, None, None
        left = self.originals_left
        self.originals_left -= 1
        if rnd() * left < self.replace_left:
            self.replace_left -= 1
            status, reason = REPLACED, REPLACE_REASONS[bits(5) % len(REPLACE_REASONS)]
            changed = min(self.end_ts, issued + self._delay("replace"))
        elif rnd() * (left - self.replace_left) < self.withdraw_left:
            self.withdraw_left -= 1
            status, reason = WITHDRAWN, WITHDRAW_REASONS[bits(5) % len(WITHDRAW_REASONS)]
            changed = min(self.end_ts, issued + self._delay("withdraw"))
        signing = CLOUD if rnd() < self.cloud_share[dist] else PAPER
        cert = self._certificate(aid, ent_id, dist, type_code, method, decl["country"], issued,
                                 self._date(submitted), signing, status, None, reason, changed, decl["apps"],
                                 (decl["value"], decl["currency"]))
        app["certificate_no"] = cert[1]  # the number it was approved under
        self._events([(issued, officer, "cert.issued", None)], "certificate", cert[0], ent_id, dist)
        if changed is not None:
            self.pending_order += 1
            heapq.heappush(self.pending, (changed, self.pending_order, status, reason, cert))

    def _number(self, dist: str, type_code: str, ts: int) -> str:
        """The next certificate number under its prefix: district, 2-digit year, type, 7-digit sequence.

        The format of `data.applications.workflow.next_certificate_no`; the last value per prefix is written to
        `number_sequence` at the end, so that approvals after the demo continue from there.
        """
        prefix = certificate_prefix(dist, type_code, self._date(ts))
        seq = self.cert_seq[prefix] = self.cert_seq.get(prefix, 0) + 1
        return f"{prefix}{seq:07d}"

    def _certificate(self, aid: int, ent_id: int, dist: str, type_code: str, method: str, country: str,
                     issued: int, received: date, signing: str, status: str, replaces: tuple | None,
                     reason: str | None, changed: int | None, serial: int, value: tuple[float, str]) -> tuple:
        """Append a certificate (numbered per district, year and type) and its shares; return its summary."""
        cid = self._take("certificate")
        day = self._date(issued)
        number = self._number(dist, type_code, issued)
        paper = signing == PAPER
        self.buffers["certificate"].append({
            "id": cid, "certificate_no": number, "serial": f"{serial:02d}", "application_id": aid,
            "enterprise_id": ent_id, "district_code": dist, "cert_type_code": type_code, "entry_method": method,
            "dest_country": country, "issue_place": self.issue_place[dist], "issue_date": day,
            "issued_at": self._dt(issued), "received_date": received, "signing_method": signing,
            "pdf_sha256": None, "print_count": PRINT_COUNTS[self.bits(3)] if paper else int(self.bits(3) == 0),
            "verify_token": f"{self.bits(128):032x}", "status": status,
            "replaces_id": replaces[0] if replaces else None, "status_reason": reason,
            "status_changed_at": self._dt(changed) if changed else None,
            "goods_value": value[0], "currency": value[1]})
        viewers = self.viewers.get((ent_id, country))
        if viewers and self.bits(3):
            shared = min(self.end_ts, issued + self._delay("share"))
            at = self._dt(shared)
            sharer = self.sharer[ent_id]
            self.buffers["certificate_share"].extend(
                {"certificate_id": cid, "user_id": user, "shared_at": at, "shared_by": sharer} for user in viewers)
            for user in viewers:
                self._events([(shared, sharer, "enterprise.certificate_shared", number)], "user", user, ent_id, None,
                             "certificate_no")
        return (cid, number, aid, ent_id, dist, type_code, method, country, received, signing, serial, value)

    def _due_change(self, due: int, _order: int, status: str, reason: str, cert: tuple) -> None:
        """Emit a scheduled replacement (a new certificate) or withdrawal of an issued certificate."""
        cid, number, aid, ent_id, dist, type_code, method, country, received, signing, serial, value = cert
        officer = self.officer_of[dist]
        if status == WITHDRAWN:
            self._events([(due, officer, "cert.withdrawn", reason)], "certificate", cid, ent_id, dist)
            return
        new = self._certificate(aid, ent_id, dist, type_code, method, country, due, received, signing,
                                VALID, cert, None, None, serial, value)
        self._events([(due, officer, "cert.replaced", reason)], "certificate", cid, ent_id, dist)
        self._events([(due, officer, "cert.issued", None)], "certificate", new[0], ent_id, dist)

    def _other_application(self, ts: int, status: str) -> None:
        """Append an application that is not issued: abandoned, revoked, or still in a queue."""
        rnd, bits, end, delay = self.rnd, self.bits, self.end_ts, self._delay
        type_code = self.random_type.pick(rnd)
        method = self.random_method.pick(rnd)
        ei, decl, ts = self._case(ts, type_code)
        dist = decl["district"]
        officer = self.officer_of[dist]
        users = self.ent_users[ei]
        user = users[bits(2) % len(users)]
        ent_id = self.ent_templates[ei]["enterprise_id"]
        submitted: int | None = None
        reviewed: int | None = None
        reviewer: int | None = None
        comment: str | None = None
        steps: list[Step]
        if status == DRAFT:
            steps = [(ts, user, "app.created", None)]
        elif status == APPROVED:
            steps, reviewed, comment = self._review_path(ts, "direct", user, officer)
            reviewer = officer
        elif status == AWAITING or status == CONFIRMED:
            steps, _, comment = self._review_path(ts, "confirmation", user, officer)
            steps = steps[:-1] if status == CONFIRMED else steps[:-2]
            reviewed, reviewer = next(t for t, _, code, _ in steps if code == "app.confirmation_requested"), officer
        else:
            submitted = min(end, ts + delay("submit"))
            steps = [(ts, user, "app.created", None), (submitted, user, "app.submitted", None)]
            opened = min(end, submitted + delay("open"))
            if status == REVOKED:
                if bits(1):
                    steps.append((opened, officer, "app.review_started", None))
                reason = REVOKE_REASONS[bits(5) % len(REVOKE_REASONS)]
                steps.append((min(end, steps[-1][0] + delay("revoke")), user, "app.revoked", reason))
            elif status != SUBMITTED:
                steps.append((opened, officer, "app.review_started", None))
                decided = min(end, opened + delay("review"))
                if status == RETURNED:
                    comment = RETURN_REASONS[bits(5) % len(RETURN_REASONS)]
                    steps.append((decided, officer, "app.returned", comment))
                    reviewed, reviewer = decided, officer
                elif status == SUSPENDED:
                    comment = SUSPEND_REASONS[bits(5) % len(SUSPEND_REASONS)]
                    steps.append((decided, officer, "app.suspended", comment))
                    reviewed, reviewer = decided, officer
        if len(steps) > 1:
            submitted = steps[1][0]
        aid = self._application(ei, decl, type_code, method, status, ts, submitted, reviewed, reviewer, comment,
                                steps[-1][0], len(steps), status == AWAITING or status == CONFIRMED)["id"]
        self._events(steps, "application", aid, ent_id, dist)


def iter_batches(ref: ReferenceSnapshot, *, certificates: int, seed: int, password_hash: str,
                 start: StartIds | None = None, end: date = DEFAULT_END,
                 batch_size: int = BATCH_SIZE) -> Iterator[tuple[Table, list[dict]]]:
    """Yield the demo rows as (table, rows) batches, parents first; the same arguments give the same rows."""
    stream = RowStream(ref, certificates, seed, password_hash, start or StartIds(), end, batch_size)
    return stream.batches()
