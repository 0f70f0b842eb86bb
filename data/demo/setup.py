"""One pass of the generator, prepared once: reference indexes, enterprises, districts, goods, parties, people."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, func, select

from data.demo.cast import (
    AREA_CODES,
    ARRIVAL_PORTS,
    ATTACHED_DOCUMENTS,
    BUYER_SUFFIXES,
    BUYER_WORDS,
    CERT_TEXTS,
    CHAPTER_GOODS,
    CLOUD_SIGNING_TABLE,
    CONTAINER_OWNERS,
    COUNTRY_TAIL_SHARE,
    COUNTRY_WEIGHTS,
    CST,
    DAYS,
    DEFAULT_CHAPTER_GOODS,
    DEFAULT_TYPE_WEIGHT,
    DELAYS,
    DEMO_ACCOUNTS,
    ENTERPRISES,
    ENTRY_DECLARATION_SHARE,
    ENTRY_METHOD_WEIGHTS,
    EVENT_MESSAGES,
    FIELD_VALUE_KEYS,
    FOOD_CHAPTERS,
    GENERIC_BUYER_SUFFIXES,
    GENERIC_BUYER_WORDS,
    HISTORIC_STATUSES,
    HOME_DISTRICT_FACTOR,
    HOUR_WEIGHTS,
    JOB_TITLES,
    MONTH_FACTORS,
    NOTIFICATIONS,
    OPEN_STATUSES,
    OPEN_WINDOW_DAYS,
    OTHER_DISTRICT_CLOUD_SHARE,
    OTHER_DISTRICTS_PREFERRED,
    OTHER_DISTRICTS_SHARE,
    OTHER_STATUS_SHARE,
    PERSON_NAMES,
    PIECES_PER_PACKAGE,
    REPLACED_SHARE,
    TYPE_WEIGHTS,
    UTC,
    WEEKDAY_FACTORS,
    WITHDRAWN_SHARE,
    DemoAccount,
)
from data.demo.snapshot import (
    ContainerNumbers,
    Quota,
    ReferenceSnapshot,
    Weighted,
    allocate,
    delay_pool,
    find,
    spread,
)
from data.models import (
    ApplicationGoods,
    Certificate,
    CertificateApplication,
    CertificateShare,
    Container,
    Declaration,
    DeclarationDocument,
    Enterprise,
    Event,
    GoodsLine,
    Notification,
    Role,
    User,
    table_of,
)
from data.reference.codes import CREDIT_ALPHABET, credit_code_check, org_code_check
from data.reference.places import CITIES, PORTS

Step = tuple[int, int | None, str, str | None]  # a receipt: epoch second, actor, event code, detail

# --- the row stream -----------------------------------------------------------------------------

ID_TABLES: tuple[Table, ...] = tuple(table_of(m) for m in (
    Enterprise, User, Notification, Declaration, GoodsLine, Container, DeclarationDocument, CertificateApplication,
    ApplicationGoods, Certificate, Event))
CHUNK_ORDER: tuple[Table, ...] = tuple(table_of(m) for m in (
    Declaration, GoodsLine, Container, DeclarationDocument, CertificateApplication, ApplicationGoods, Certificate,
    CertificateShare, Event))


@dataclass(frozen=True)
class StartIds:
    """The first id the generator gives each table (one past the store's current maximum)."""

    ids: dict[str, int] = field(default_factory=dict)

    def first(self, table: Table) -> int:
        return self.ids.get(table.name, 1)

    @classmethod
    def after_existing(cls, conn: Connection) -> "StartIds":
        """Read each generated table's highest id."""
        return cls({t.name: (conn.scalar(select(func.max(t.c.id))) or 0) + 1 for t in ID_TABLES})


class StreamSetup:
    """State of one pass of the generator, prepared once: reference indexes, cast, time helpers."""

    def __init__(self, ref: ReferenceSnapshot, certificates: int, seed: int, password_hash: str,
                 start: StartIds, end: date, batch_size: int):
        if certificates < 0:
            raise ValueError("certificates must be zero or more")
        self.rng = rng = random.Random(seed)
        self.rnd = rng.random
        self.bits = rng.getrandbits
        self.ref = ref
        self.n_certificates = certificates
        self.password_hash = password_hash
        self.batch_size = batch_size
        self.next_id = {t.name: start.first(t) for t in ID_TABLES}
        self.end = end
        self.first_day = end - timedelta(days=DAYS - 1)
        self.day0_epoch = (self.first_day - date(1970, 1, 1)).days
        self.end_ts = (self.day0_epoch + DAYS) * 86400 - CST - 1
        self.dates = [self.first_day + timedelta(days=i) for i in range(-60, DAYS + 30)]
        self.iso = [d.isoformat() for d in self.dates]
        self.delays = {k: delay_pool(rng, *v) for k, v in DELAYS.items()}
        self.containers = ContainerNumbers(CONTAINER_OWNERS)
        hours = Weighted([h for h, _ in HOUR_WEIGHTS], [w for _, w in HOUR_WEIGHTS])
        self.times_of_day = [hours.pick(self.rnd) * 3600 + rng.randrange(3600) for _ in range(4096)]
        self._prepare_reference()
        self._prepare_enterprises()
        self._prepare_districts()
        self.accounts = DEMO_ACCOUNTS + tuple(
            DemoAccount(f"officer{c}", Role.OFFICER.value, rng.choice(PERSON_NAMES), None, c, "zh",
                        f"海关审核人员（{c}）：审核本关区证书申请并签发证书",
                        f"Customs officer ({c}): reviews the district's applications and issues certificates")
            for c in self.other_districts)
        self._prepare_goods()
        self._prepare_parties()
        self.buffers: dict[str, list[dict]] = {t.name: [] for t in CHUNK_ORDER}
        self.cert_seq: dict[str, int] = {}  # certificate number prefix -> last sequence value
        self.contract_seq = [0] * len(self.enterprises)
        self.pending: list[tuple] = []  # heap of (due, order, new status, reason, certificate) changes to come
        self.pending_order = 0
        self.last_declaration: dict[int, dict] = {}
        self.day = -1  # the plan day being written; rows are flushed only between days

    # .. preparation (once per run) ...........................................................

    def _prepare_reference(self) -> None:
        """Index the dictionaries: formats and their fixed texts, countries, units, currencies, modes."""
        d = self.ref.dictionaries
        self.types = list(self.ref.cert_types)
        self.type_codes = [t.code for t in self.types]
        self.formats = {}
        for t in self.types:
            texts = CERT_TEXTS.get(t.code, {})
            self.formats[t.code] = [
                (f.code, {k: texts[k] for k in f.field_keys if k in texts},
                 tuple(k for k in f.field_keys if k not in texts) if f.field_keys else FIELD_VALUE_KEYS)
                for f in t.formats]
        countries = [e for e in d["country"] if e.code != "CN"]
        self.country_names = {e.code: (e.name_zh, e.name_en) for e in d["country"]}
        main = [(c, w) for c, w in COUNTRY_WEIGHTS.items() if c in self.country_names]
        tail = [e.code for e in countries if e.code not in COUNTRY_WEIGHTS]
        tail_w = COUNTRY_TAIL_SHARE * sum(w for _, w in main) / max(1, len(tail)) if main else 1.0
        self.country_weights = dict(main) | {c: tail_w for c in tail}
        units = d["unit"]
        kg = find(units, (), ("千克", "kilogram"))
        self.kg = kg.code if kg else units[0].code
        tonne = find(units, (), ("吨", "tonne", "metric ton"))
        self.tonne = tonne.code if tonne else None
        cur = d["currency"]
        usd = find(cur, ("USD",), ("美元", "US Dollar"))
        self.usd = usd.code if usd else cur[0].code
        self.fx = {self.usd: 1.0}
        self.currency_by_country = {}
        for code, names, rate, countries_ in (("JPY", ("日元", "Yen"), 150.0, ("JP",)),
                                              ("EUR", ("欧元", "Euro"), 0.92, ("DE", "FR", "NL", "IT", "ES", "BE"))):
            found = find(cur, (code,), names)
            if found:
                self.fx[found.code] = rate
                for c in countries_:
                    self.currency_by_country[c] = found.code
        packages = {e.code for e in d["package_type"]}
        self.package_names = {e.code: e.name_en.upper() for e in d["package_type"]}
        self.package_fallback = next((c for c in ("CT", "PK", "BX") if c in packages), d["package_type"][0].code)
        self.package_codes = packages
        modes = {e.code for e in d["transport_mode"]}
        wanted = (("1", 0.84), ("4", 0.08), ("2", 0.05), ("3", 0.03))
        present = [(c, w) for c, w in wanted if c in modes] or [(d["transport_mode"][0].code, 1.0)]
        self.transport = Weighted([c for c, _ in present], [w for _, w in present])
        self.sea = present[0][0]
        trade = d["trade_mode"]
        general = find(trade, ("0110",), ("一般贸易", "General trade")) or trade[0]
        processing = [e.code for e in trade if e.code in ("0214", "0615")]
        self.trade_exit = Weighted([general.code] + processing,
                                    [0.88] + [0.12 / max(1, len(processing))] * len(processing))
        docs = d["attached_document"]
        self.doc_code = {}  # (direction, kind) -> the attached-document code, where the dictionary has it
        for direction, kinds in ATTACHED_DOCUMENTS.items():
            fit = [e for e in docs if e.extra.get("direction") in (None, direction)]
            for kind, (code, name_zh) in kinds.items():
                found = find(fit, (code,), (name_zh,))
                if found:
                    self.doc_code[(direction, kind)] = found.code
        self.hs = list(d["hs_code"])

    def _prepare_enterprises(self) -> None:
        """Build the enterprise rows, with valid credit and organisation codes and registration times."""
        rng = self.rng
        active = [p for p in ENTERPRISES if p.status == "approved"]
        self.enterprises = active
        self.ent_ids = {p.key: self.next_id["enterprise"] + i for i, p in enumerate(ENTERPRISES)}
        self.ent_rows: list[dict[str, Any]] = []
        self.registered: dict[str, tuple[int, int | None]] = {}  # profile key -> registration, review times
        regs = set()
        for p in ENTERPRISES:
            body = (f"{rng.randrange(10**7, 10**8)}" if rng.random() < 0.5
                    else "MA" + "".join(rng.choice(CREDIT_ALPHABET) for _ in range(6)))
            org = body + org_code_check(body)
            credit_body = "91" + p.division + org
            reg = f"21{p.district[2:]}{rng.randrange(10**6):06d}"
            while reg in regs:
                reg = f"21{p.district[2:]}{rng.randrange(10**6):06d}"
            regs.add(reg)
            pending = p.status == "pending"
            day = DAYS - 1 - rng.randrange(5) if pending else -rng.randrange(40, 400)
            registered = self._ts(day, 9 * 3600 + rng.randrange(8 * 3600))
            reviewed = None if pending else self._ts(day + rng.randrange(1, 4), 9 * 3600 + rng.randrange(8 * 3600))
            self.registered[p.key] = (registered, reviewed)
            self.ent_rows.append(dict(
                id=self.ent_ids[p.key], credit_code=credit_body + credit_code_check(credit_body),
                org_code=f"{body}-{org[-1]}", name_zh=p.name_zh, name_en=p.name_en, address_zh=p.address_zh,
                address_en=p.address_en, registration_no=reg,
                customs_code=f"21{p.division[2:4]}93{rng.randrange(10**4):04d}",
                ciq_code=f"2100{rng.randrange(10**6):06d}", entity_types=list(p.entity_types),
                district_code=p.district, status=p.status, legal_representative=p.legal_representative,
                contact_name=p.contact_name,
                contact_phone=f"{AREA_CODES.get(p.district, '0411')}-8{rng.randrange(10**6, 10**7)}",
                email=f"trade@{p.key}.example.cn", created_at=self._dt(registered), registration_kind="uscc",
                short_name=p.short_name, province="辽宁省", city=p.city, postcode=p.postcode, profile={},
                submitted_at=self._dt(registered), reviewed_at=None if reviewed is None else self._dt(reviewed),
                reviewed_by=None if pending else self.next_id["app_user"], review_comment=None,
            ))
        row_of = {r["name_zh"]: r for r in self.ent_rows}
        self.ent_reg = [row_of[p.name_zh]["registration_no"] for p in active]
        self.ent_volume = Weighted(list(range(len(active))), [p.volume for p in active])

    def _prepare_districts(self) -> None:
        """Weight the issuing districts and their cloud-signing shares after the 5.9.3 table."""
        rng = self.rng
        codes = {d.code for d in self.ref.districts}
        self.district_names = {d.code: (d.name_zh, d.name_en) for d in self.ref.districts}
        table = [(c, v) for c, v in CLOUD_SIGNING_TABLE.items() if c in codes]
        parents = {d.code: d.parent_code for d in self.ref.districts}
        children: dict[str, list[str]] = {}
        for c, p in sorted(parents.items()):
            if p:
                children.setdefault(p, []).append(c)
        home = {c for c, _ in table} | {parents[c] for c, _ in table if parents[c]}
        leaves = [c for c in sorted(codes) if c not in children and c not in home and parents[c] not in home]
        preferred = [children.get(c, [c])[0] for c in OTHER_DISTRICTS_PREFERRED if c in codes and c not in home]
        others = preferred[:4] or sorted(rng.sample(leaves, min(4, len(leaves))))
        weights = {c: float(v[0]) for c, v in table}
        share = {c: min(0.95, max(0.03, v[2] / v[0])) for c, v in table}
        if others:
            other_w = OTHER_DISTRICTS_SHARE * sum(weights.values()) / len(others) if weights else 1.0
            for c in others:
                weights[c] = other_w
                share[c] = OTHER_DISTRICT_CLOUD_SHARE
        self.issuing = list(weights)
        self.issuing_pick = Weighted(self.issuing, [weights[c] for c in self.issuing])
        self.cloud_share = share
        self.other_districts = others
        cities = {c: CITIES.get(c, (self.district_names[c][0], self.district_names[c][1].upper()))
                  for c in self.district_names}
        self.city_en = {c: en for c, (_, en) in cities.items()}
        self.issue_place = {c: f"{cities[c][0]} {cities[c][1]}" for c in self.issuing}
        self.despatch_place = {c: f"{cities[c][1]}, CHINA" for c in self.issuing}
        self.port = {c: PORTS.get(c, self.district_names[c][0]) for c in self.issuing}

    def _prepare_goods(self) -> None:
        """Make goods templates from the HS dictionary and the pools each enterprise and type draws from."""
        rng = self.rng
        hs = self.hs
        by_chapter: dict[str, list[int]] = {}
        by_type: dict[str, list[int]] = {}
        self.goods_templates = []
        for i, e in enumerate(hs):
            chapter = e.code[:2]
            by_chapter.setdefault(chapter, []).append(i)
            for t in e.extra.get("cert_types") or ():
                by_type.setdefault(str(t), []).append(i)
            price, per_package, pkgs = CHAPTER_GOODS.get(chapter, DEFAULT_CHAPTER_GOODS)
            package = next((p for p in pkgs if p in self.package_codes), self.package_fallback)
            unit1 = e.extra.get("unit1") or self.kg
            # quantity per kilogram (weight units) or pieces per package (counted units)
            factor = 1.0 if unit1 == self.kg else 0.001 if unit1 == self.tonne else PIECES_PER_PACKAGE.get(chapter, 10)
            purpose = "食用" if chapter in FOOD_CHAPTERS else "饲用" if chapter == "23" else "其他"
            self.goods_templates.append((
                dict(hs_code=e.code[:10], ciq_code=str(e.extra.get("ciq") or "999")[:3], name_zh=e.name_zh[:256],
                     name_en=e.name_en[:256], spec=f"{per_package}KG/{package}", purpose=purpose,
                     quantity_unit=unit1[:3], weight_unit=self.kg, package_type=package),
                price * rng.uniform(0.8, 1.25), per_package, factor))
        all_idx = list(range(len(hs)))
        self.hs_pool: dict[tuple[int, str], list[int]] = {}
        self.type_candidates: dict[str, list[int]] = {}
        for t in self.type_codes:
            typed = by_type.get(t, [])
            for ei, p in enumerate(self.enterprises):
                own = [i for c in p.chapters for i in by_chapter.get(c, [])] if p.chapters else all_idx
                both = sorted(set(own) & set(typed))
                self.hs_pool[(ei, t)] = both or own or typed or all_idx
        for t in self.type_codes:
            fit = [ei for ei, p in enumerate(self.enterprises) if not p.cert_types or t in p.cert_types]
            fit = fit or list(range(len(self.enterprises)))
            self.type_candidates[t] = fit
        self.type_weights = [TYPE_WEIGHTS.get(t, DEFAULT_TYPE_WEIGHT) for t in self.type_codes]
        self.random_type = Weighted(self.type_codes, self.type_weights)
        # enterprise by (type, district): its volume, much more likely at home
        self.ent_pick: dict[tuple[str, str], Weighted] = {}
        for t in self.type_codes:
            fit = self.type_candidates[t]
            for dist in self.issuing:
                home = [HOME_DISTRICT_FACTOR if self.enterprises[i].district == dist else 1.0 for i in fit]
                self.ent_pick[(t, dist)] = Weighted(fit, [self.enterprises[i].volume * h for i, h in zip(fit, home)])

    def _prepare_parties(self) -> None:
        """Make buyers per country, destination weights per enterprise and the constant declaration parts."""
        rng = self.rng
        self.ent_countries = []
        for p in self.enterprises:
            weights = dict(self.country_weights)
            boost = sum(weights.values()) * 1.5 / max(1, len(p.markets))
            for c in p.markets:
                if c in weights:
                    weights[c] += boost
            self.ent_countries.append(Weighted(list(weights), list(weights.values())))
        self.buyers: dict[str, list[tuple[str, str]]] = {}
        for c in self.country_weights:
            words = BUYER_WORDS.get(c, GENERIC_BUYER_WORDS)
            suffixes = BUYER_SUFFIXES.get(c, GENERIC_BUYER_SUFFIXES)
            city = ARRIVAL_PORTS.get(c, (self.country_names[c][1].upper(),))
            self.buyers[c] = [(f"{rng.choice(words)} {rng.choice(suffixes)}",
                               f"{rng.randrange(1, 300)} {rng.choice(('HARBOR', 'MARKET', 'CENTRAL', 'PARK'))} "
                               f"STREET, {rng.choice(city)}, {self.country_names[c][1].upper()}")
                              for _ in range(4)]
        self.arrival = {c: ARRIVAL_PORTS.get(c, (self.country_names[c][1].upper(),)) for c in self.country_weights}
        # per enterprise, the constant part of its declarations
        self.ent_templates: list[dict[str, Any]] = []
        for p in self.enterprises:
            row = self.ent_rows[ENTERPRISES.index(p)]
            declarant = next((a.real_name for a in DEMO_ACCOUNTS if a.enterprise == p.key
                              and a.role == Role.ENTERPRISE.value), p.contact_name)
            self.ent_templates.append(dict(
                enterprise_id=row["id"], declarant_code=f"{row['registration_no'][:4]}{rng.randrange(10**5):05d}",
                declarant_name=declarant, contact_name=p.contact_name, contact_phone=row["contact_phone"],
                legal_inspection=True, special_requirements=None, storage_place=p.address_zh[:128],
            ))
        self.ent_prefix = ["".join(w[0] for w in p.name_en.replace(",", "").split()[:3]).upper()
                           for p in self.enterprises]
        self.production_units = [(p.name_zh, f"{2100 + i}/{rng.randrange(10**4, 10**5)}")
                                 for i, p in enumerate(self.enterprises)]
        self.origin_text = [f"{self.city_en[p.district]}, CHINA" for p in self.enterprises]
        self.consignor_text = [f"{p.name_en}\n{p.address_en}" for p in self.enterprises]
        self.establishment = [f"{unit}\n{reg}" for unit, reg in self.production_units]

    # .. time helpers ........................................................................

    def _ts(self, day: int, seconds: int) -> int:
        """Return the UTC epoch second of local `seconds` past midnight on day index `day`."""
        return (self.day0_epoch + day) * 86400 + seconds - CST

    @staticmethod
    def _dt(ts: int) -> datetime:
        """Return the UTC datetime of an epoch second."""
        return datetime.fromtimestamp(ts, UTC)

    def _date(self, ts: int) -> date:
        """Return the China local date of an epoch second."""
        return self.dates[(ts + CST) // 86400 - self.day0_epoch + 60]

    def _delay(self, kind: str) -> int:
        """Draw a delay in seconds of the given kind."""
        return self.delays[kind][self.bits(10)]

    # .. setup rows ...........................................................................

    def _users(self) -> list[dict]:
        """Return the user rows of every account and index who acts for each enterprise and district."""
        rng = self.rng
        uid = self.next_id["app_user"]
        rows = []
        self.user_ids: dict[str, int] = {}
        in_enterprise = (Role.ENTERPRISE.value, Role.ENTERPRISE_ADMIN.value)
        for i, a in enumerate(self.accounts):
            ent_id = self.ent_ids[a.enterprise] if a.enterprise else None
            created = self._user_created(a, i)
            login = self._ts(DAYS - 1 - rng.randrange(0, 20), 8 * 3600 + rng.randrange(10 * 3600))
            # overseas users are set up by their enterprise's administrator (listed before them)
            creator = next((self.user_ids[b.account] for b in self.accounts[:i] if a.role == Role.OVERSEAS.value
                            and b.enterprise == a.enterprise and b.role == Role.ENTERPRISE_ADMIN.value), None)
            rows.append(dict(
                id=uid + i, account=a.account.lower(), password_hash=self.password_hash, real_name=a.real_name,
                email=f"{a.account.lower()}@demo.certdash.example", phone=f"139{rng.randrange(10**8):08d}",
                role=a.role, enterprise_id=ent_id, district_code=a.district, language=a.language, active=True,
                failed_attempts=0, locked_until=None, last_login_at=self._dt(login), session_version=1,
                created_at=self._dt(created), fax=None, mobile=f"138{rng.randrange(10**8):08d}",
                job_title=JOB_TITLES[a.role], customs_declarant_no=None,
                inspection_declarant_no=f"2100{rng.randrange(10**6):06d}" if a.role in in_enterprise else None,
                organisation=a.organisation, country=a.country, created_by=creator))
            self.user_ids[a.account] = uid + i
        self.next_id["app_user"] += len(rows)
        self.officer_of = {a.district: self.user_ids[a.account] for a in self.accounts if a.role == Role.OFFICER.value}
        fallback = self.user_ids["sysadmin"]
        self.officer_of = {c: self.officer_of.get(c, fallback) for c in self.issuing}
        self.ent_users: list[list[int | None]] = []
        for p in self.enterprises:
            ids: list[int | None] = [self.user_ids[a.account] for a in self.accounts
                                     if a.enterprise == p.key and a.role in in_enterprise]
            self.ent_users.append(ids or [None])
        # the overseas users each enterprise shares certificates to, by destination country
        self.viewers: dict[tuple[int, str], list[int]] = {}
        for a in self.accounts:
            if a.role == Role.OVERSEAS.value and a.enterprise and a.country:
                self.viewers.setdefault((self.ent_ids[a.enterprise], a.country), []).append(self.user_ids[a.account])
        self.sharer = {self.ent_templates[ei]["enterprise_id"]: users[-1] for ei, users in enumerate(self.ent_users)}
        return rows

    def _user_created(self, account: DemoAccount, index: int) -> int:
        """Return when an account was opened: staff long before the data, enterprise users after registering."""
        rng = self.rng
        office_hours = 9 * 3600 + rng.randrange(8 * 3600)
        if account.enterprise is None:
            return self._ts(-500 if index == 0 else -rng.randrange(30, 450), office_hours)
        registered, reviewed = self.registered[account.enterprise]
        applicant = next(i for i, a in enumerate(self.accounts) if a.enterprise == account.enterprise)
        if index == applicant:  # opened by registering the enterprise
            return registered
        later = rng.randrange(10, 120) if account.role == Role.OVERSEAS.value else rng.randrange(1, 30)
        if reviewed is None:
            return registered + 600
        # approved enterprises have all their users before the data begins
        return min(reviewed + later * 86400, self._ts(-1, office_hours))

    def _registration_events(self) -> None:
        """Append the receipts of each enterprise's registration and its review."""
        admin = self.user_ids["sysadmin"]
        for p, row in zip(ENTERPRISES, self.ent_rows):
            applicant = next(self.user_ids[a.account] for a in self.accounts if a.enterprise == p.key)
            submitted, reviewed = row["submitted_at"].timestamp(), row["reviewed_at"]
            steps: list[Step] = [(int(submitted), applicant, "registration.submitted", None)]
            if reviewed is not None:
                steps.append((int(reviewed.timestamp()), admin, "registration.approved", None))
            self._events(steps, "enterprise", row["id"], row["id"], p.district)

    def _notifications(self) -> list[dict]:
        """Return the notification rows, dated around the end of the period."""
        nid = self.next_id["notification"]
        admin = self.user_ids["sysadmin"]
        rows = []
        for i, (tzh, ten, bzh, ben, roles, districts, start, days, published) in enumerate(NOTIFICATIONS):
            starts = self._ts(DAYS - 1 + start, 9 * 3600)
            rows.append(dict(
                id=nid + i, title_zh=tzh, title_en=ten, body_zh=bzh, body_en=ben, roles=list(roles),
                districts=list(districts), starts_at=self._dt(starts),
                ends_at=self._dt(starts + days * 86400) if days else None, published=published, created_by=admin,
                created_at=self._dt(starts - 86400)))
        self.next_id["notification"] += len(rows)
        return rows

    # .. plan ................................................................................

    def _day_plan(self) -> list[tuple[int, int, int, int, int]]:
        """Return (day, originals, historic others, open others, entry declarations) for each day."""
        rng = self.rng
        n = self.n_certificates
        self.n_replaced = round(n * REPLACED_SHARE)
        self.n_withdrawn = round(n * WITHDRAWN_SHARE)
        originals = n - self.n_replaced
        others = round(n * OTHER_STATUS_SHARE)
        hist_w, open_w = sum(HISTORIC_STATUSES.values()), sum(OPEN_STATUSES.values())
        n_hist = round(others * hist_w / (hist_w + open_w))
        weights = []
        for day in range(DAYS):
            d = self.dates[day + 60]
            w = MONTH_FACTORS[d.month - 1] * WEEKDAY_FACTORS[d.weekday()] * (1 + 0.18 * day / DAYS)
            if (d.month == 10 and d.day <= 7) or (d.month == 1 and d.day == 1):
                w *= 0.2
            weights.append(w * rng.uniform(0.85, 1.15))
        recent = [w if day >= DAYS - OPEN_WINDOW_DAYS else 0.0 for day, w in enumerate(weights)]
        per_day = zip(spread(originals, weights), spread(n_hist, weights), spread(others - n_hist, recent),
                      spread(round(n * ENTRY_DECLARATION_SHARE), weights))
        self.type_quota = Quota(self.type_codes, allocate(originals, self.type_weights))
        methods = list(ENTRY_METHOD_WEIGHTS)
        self.method_quota = Quota(methods, allocate(originals, list(ENTRY_METHOD_WEIGHTS.values())))
        self.random_method = Weighted(methods, list(ENTRY_METHOD_WEIGHTS.values()))
        self.hist_quota = Quota(list(HISTORIC_STATUSES), allocate(n_hist, list(HISTORIC_STATUSES.values())))
        self.open_quota = Quota(list(OPEN_STATUSES), allocate(others - n_hist, list(OPEN_STATUSES.values())))
        self.originals_left = originals
        self.replace_left = self.n_replaced
        self.withdraw_left = self.n_withdrawn
        return [(day, *counts) for day, counts in enumerate(per_day)]

    # .. the stream ..........................................................................

    # .. rows shared by every kind of record ..................................................

    def _take(self, table: str, n: int = 1) -> int:
        """Reserve `n` consecutive ids of `table`; return the first."""
        first = self.next_id[table]
        self.next_id[table] = first + n
        return first

    def _events(self, steps: list[Step], obj_type: str, obj_id: int,
                ent_id: int, dist: str | None, key: str = "reason") -> None:
        """Append one receipt per (time, actor, code, detail) step; a detail is kept under `key`."""
        events = self.buffers["event"]
        eid = self._take("event", len(steps))
        oid = str(obj_id)
        at = datetime.fromtimestamp
        for k, (ts, actor, code, detail) in enumerate(steps):
            message = EVENT_MESSAGES[code]
            events.append({"id": eid + k, "at": at(ts, UTC), "actor_id": actor, "code": code,
                           "object_type": obj_type, "object_id": oid, "enterprise_id": ent_id,
                           "district_code": dist, "message": f"{message}：{detail}" if detail else message,
                           "details": {key: detail} if detail else {}})
