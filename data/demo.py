"""Deterministic, realistic demo data: enterprises, users, declarations, applications and certificates.

`iter_batches` is the row stream: for a given reference snapshot, size and seed it yields the very
same `(table, rows)` batches every time, parents before children, so any prefix of the stream is
consistent. Rows are plain dicts keyed by column; ids are assigned here, starting after each table's
current maximum, so children name their parents without RETURNING. `generate` writes the stream
into a store that has reference data but no declarations, applications or certificates yet (it
refuses anything else, and demo accounts that already exist).

Writing uses the INSERT that SQLAlchemy Core compiles for the engine's dialect, with parameters
bound by the dialect's own type processors (a few memoised or sped up, with identical output),
executed as one `executemany` and one transaction per batch. Large runs build and bind the batches
in a forked child process while the parent inserts, which keeps the writer close to the speed of a
bare DBAPI insert (see bench/seed.py).

Volumes and shares mimic the Liaoning single-window manual: issuing districts and their cloud-signing
share follow the 5.9.3 table; every workflow state of 5.8.1 occurs; all four entry methods and all
certificate types are present. Timestamps cover two years ending on `end` (not today), so a seed
always gives the same rows. Approved applications carry their certificate number, and
`number_sequence` holds the last number of each prefix: approvals after the demo continue from there.
"""
from __future__ import annotations

import gc
import heapq
import multiprocessing
import random
import traceback
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from itertools import accumulate
from math import exp
from queue import Empty
from typing import NamedTuple

from sqlalchemy import JSON, Connection, Date, DateTime, Engine, Table, func, insert, select
from sqlalchemy.orm import Session

from data.reference.codes import CREDIT_ALPHABET, credit_code_check, org_code_check
from data.models import (
    AppStatus,
    ApplicationGoods,
    Certificate,
    CertificateApplication,
    CertificateFormat,
    CertificateShare,
    CertificateType,
    CertStatus,
    Container,
    CustomsDistrict,
    Declaration,
    DeclarationDocument,
    DeclStatus,
    DictEntry,
    EntryMethod,
    Enterprise,
    Event,
    GoodsLine,
    Notification,
    NumberSequence,
    Role,
    SigningMethod,
    User,
)
from data.core.prepared import bind_columns
from data.statistics.rollup import rebuild as rebuild_rollups
from data.applications.workflow import EVENT_MESSAGES as WORKFLOW_MESSAGES
from data.applications.workflow import certificate_prefix

DEFAULT_END = date(2026, 10, 31)
DAYS = 730
BATCH_SIZE = 10_000
PARALLEL_MIN_CERTIFICATES = 20_000
OTHER_STATUS_SHARE = 0.15  # applications not (yet) issued, relative to certificates
REPLACED_SHARE = 0.02
WITHDRAWN_SHARE = 0.01
ENTRY_DECLARATION_SHARE = 0.06
OPEN_WINDOW_DAYS = 14  # applications still in the officers' queues were created this recently
CST = 8 * 3600  # China Standard Time offset, seconds
UTC = timezone.utc
# plain string values of the enums the row loops use (enum attribute access is slow there)
DRAFT, SUBMITTED, UNDER_REVIEW, RETURNED, SUSPENDED = (AppStatus.DRAFT.value, AppStatus.SUBMITTED.value,
                                                       AppStatus.UNDER_REVIEW.value, AppStatus.RETURNED.value,
                                                       AppStatus.SUSPENDED.value)
AWAITING, CONFIRMED, APPROVED, ISSUED, REVOKED = (AppStatus.AWAITING_CONFIRMATION.value, AppStatus.CONFIRMED.value,
                                                  AppStatus.APPROVED.value, AppStatus.ISSUED.value,
                                                  AppStatus.REVOKED.value)
VALID, REPLACED, WITHDRAWN = CertStatus.VALID.value, CertStatus.REPLACED.value, CertStatus.WITHDRAWN.value
CLOUD, PAPER = SigningMethod.CLOUD.value, SigningMethod.PAPER.value
RECEIPTED, SENT = DeclStatus.RECEIPTED.value, DeclStatus.SENT.value
REQUIRED_DICTIONARIES = ("country", "currency", "unit", "package_type", "transport_mode", "trade_mode",
                         "attached_document", "hs_code")


# --- fixed demo cast ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    """A demo login: its role, and the enterprise (profile key) or district it belongs to."""

    account: str
    role: str
    real_name: str
    enterprise: str | None
    district: str | None
    language: str
    description_zh: str
    description_en: str
    country: str | None = None  # overseas users
    organisation: str | None = None  # overseas users


@dataclass(frozen=True)
class EnterpriseProfile:
    """A demo enterprise: names, home district, what it ships (HS chapters, certificate types) and where."""

    key: str
    name_zh: str
    name_en: str
    short_name: str
    address_zh: str
    address_en: str
    city: str
    postcode: str
    district: str
    division: str  # administrative division code inside the credit code
    chapters: tuple[str, ...]  # HS chapters it trades; empty: any
    cert_types: tuple[str, ...]  # certificate types it applies for; empty: any
    markets: tuple[str, ...]  # main destination countries
    volume: float
    entity_types: tuple[str, ...]
    legal_representative: str
    contact_name: str
    status: str = "approved"


ENTERPRISES: tuple[EnterpriseProfile, ...] = (
    EnterpriseProfile(
        "ent1", "大连海晟水产有限公司", "Dalian Haisheng Aquatic Products Co., Ltd.", "海晟水产",
        "辽宁省大连市金州区湾里街道海晟路18号", "No. 18 Haisheng Road, Wanli Street, Jinzhou District, Dalian, Liaoning",
        "大连市", "116100", "0903", "210213", chapters=("03", "16"), cert_types=("14", "16", "15", "11", "21", "99"),
        markets=("JP", "KR", "US", "RU", "DE"), volume=10, entity_types=("owner",), legal_representative="王海晟",
        contact_name="刘静"),
    EnterpriseProfile(
        "ent2", "大连瑞丰粮食加工有限公司", "Dalian Ruifeng Grain Processing Co., Ltd.", "瑞丰粮食",
        "辽宁省大连市甘井子区革镇堡街道瑞丰路6号",
        "No. 6 Ruifeng Road, Gezhenbao Street, Ganjingzi District, Dalian, Liaoning", "大连市", "116033", "0901",
        "210211", chapters=("10", "11", "12", "23"), cert_types=("18", "11", "19", "16", "21"),
        markets=("JP", "KR", "VN", "MY"), volume=7, entity_types=("owner",), legal_representative="赵瑞丰",
        contact_name="孙丽"),
    EnterpriseProfile(
        "ent3", "丹东鸭绿江食品有限公司", "Dandong Yalujiang Foods Co., Ltd.", "鸭绿江食品",
        "辽宁省丹东市振兴区鸭绿江大街128号", "No. 128 Yalujiang Avenue, Zhenxing District, Dandong, Liaoning",
        "丹东市", "118000", "0930", "210603", chapters=("08", "20", "07"), cert_types=("18", "16", "15", "11", "21"),
        markets=("JP", "KR", "RU", "DE", "US"), volume=4, entity_types=("owner",), legal_representative="金永哲",
        contact_name="朴海燕"),
    EnterpriseProfile(
        "ent4", "鞍山鑫达钢铁制品有限公司", "Anshan Xinda Steel Products Co., Ltd.", "鑫达钢铁",
        "辽宁省鞍山市铁西区鞍千路259号", "No. 259 Anqian Road, Tiexi District, Anshan, Liaoning", "鞍山市", "114000",
        "0980", "210303", chapters=("73", "76", "84"), cert_types=("11", "31", "32", "99"),
        markets=("KR", "JP", "VN", "SA", "AE", "IN"), volume=3, entity_types=("owner",), legal_representative="周鑫达",
        contact_name="吴磊"),
    EnterpriseProfile(
        "ent5", "庄河海润食品有限公司", "Zhuanghe Hairun Foods Co., Ltd.", "海润食品",
        "辽宁省大连市庄河市黑岛镇海润路1号", "No. 1 Hairun Road, Heidao Town, Zhuanghe, Dalian, Liaoning", "大连市",
        "116400", "0915", "210283", chapters=("03", "16"), cert_types=("14", "16", "15", "11"),
        markets=("KR", "JP", "US"), volume=8, entity_types=("owner",), legal_representative="于海润",
        contact_name="姜敏"),
    EnterpriseProfile(
        "ent6", "东港市辽泰水产有限公司", "Donggang Liaotai Aquatic Products Co., Ltd.", "辽泰水产",
        "辽宁省丹东市东港市大东港区港兴路88号",
        "No. 88 Gangxing Road, Dadonggang District, Donggang, Dandong, Liaoning", "丹东市", "118300", "0960", "210681",
        chapters=("03", "16", "08"), cert_types=("14", "16", "15", "18", "11"), markets=("KR", "JP", "RU"), volume=8,
        entity_types=("owner",), legal_representative="曲辽泰", contact_name="邹红"),
    EnterpriseProfile(
        "ent7", "大连长兴岛木业有限公司", "Dalian Changxingdao Wood Industry Co., Ltd.", "长兴岛木业",
        "辽宁省大连市长兴岛经济区兴港路16号", "No. 16 Xinggang Road, Changxingdao Economic Zone, Dalian, Liaoning",
        "大连市", "116318", "0911", "210281", chapters=("44", "94"), cert_types=("18", "19", "11", "99"),
        markets=("JP", "KR", "US", "AU", "DE"), volume=5, entity_types=("owner",), legal_representative="林长兴",
        contact_name="高峰"),
    EnterpriseProfile(
        "ent8", "大连大窑湾国际物流有限公司", "Dalian Dayaowan International Logistics Co., Ltd.", "大窑湾物流",
        "辽宁省大连市金州区大窑湾港区港兴大道9号",
        "No. 9 Gangxing Avenue, Dayaowan Port Area, Jinzhou District, Dalian, Liaoning", "大连市", "116601", "0908",
        "210213", chapters=(), cert_types=(), markets=(), volume=6, entity_types=("forwarder", "broker", "ship_agent"),
        legal_representative="陈建国", contact_name="杨帆"),
    EnterpriseProfile(
        "ent9", "营口鲅鱼圈农产品进出口有限公司", "Yingkou Bayuquan Agricultural Products Import & Export Co., Ltd.",
        "鲅鱼圈农产品", "辽宁省营口市鲅鱼圈区海星路27号", "No. 27 Haixing Road, Bayuquan District, Yingkou, Liaoning",
        "营口市", "115007", "0950", "210804", chapters=("12", "07", "10", "20"), cert_types=("18", "11", "16", "19"),
        markets=("JP", "KR", "ID", "TH", "RU"), volume=2, entity_types=("owner",), legal_representative="郭宝林",
        contact_name="韩雪"),
    EnterpriseProfile(
        "ent10", "大连旅顺口畜牧水产有限公司", "Dalian Lushunkou Livestock & Aquatic Products Co., Ltd.", "旅顺口畜牧",
        "辽宁省大连市旅顺口区经济开发区顺乐街15号",
        "No. 15 Shunle Street, Economic Development Zone, Lushunkou District, Dalian, Liaoning", "大连市", "116041",
        "0917", "210212", chapters=("01", "02", "03", "05"), cert_types=("17", "14", "15", "16", "21"),
        markets=("JP", "KR", "RU", "MN"), volume=2, entity_types=("owner",), legal_representative="马海洋",
        contact_name="董丽娜"),
    EnterpriseProfile(
        "ent11", "大连福瑞化工有限公司", "Dalian Furui Chemical Co., Ltd.", "福瑞化工",
        "辽宁省大连市金州区大孤山半岛化工园区福瑞路3号",
        "No. 3 Furui Road, Dagushan Peninsula Chemical Park, Jinzhou District, Dalian, Liaoning", "大连市", "116100",
        "0903", "210213", chapters=("39", "48", "73"), cert_types=("31", "32", "11", "99"),
        markets=("KR", "JP", "IN", "VN", "US"), volume=3, entity_types=("owner",), legal_representative="田福瑞",
        contact_name="崔鹏"),
    EnterpriseProfile(
        "ent12", "大连海纳百川贸易有限公司", "Dalian Hainabaichuan Trading Co., Ltd.", "海纳百川",
        "辽宁省大连市中山区人民路68号", "No. 68 Renmin Road, Zhongshan District, Dalian, Liaoning", "大连市", "116001",
        "0901", "210202", chapters=(), cert_types=(), markets=(), volume=0, entity_types=("owner",),
        legal_representative="白川", contact_name="何晓", status="pending"),
)


def _ent_admin(key: str, name: str) -> DemoAccount:
    return DemoAccount(f"{key}_admin", Role.ENTERPRISE_ADMIN.value, name, key, None, "zh",
                       "企业管理员：报检、证书申领、本企业用户与境外用户管理",
                       "Enterprise administrator: declarations, applications, the enterprise's and overseas users")


def _ent_oper(key: str, name: str) -> DemoAccount:
    return DemoAccount(f"{key}_oper", Role.ENTERPRISE.value, name, key, None, "zh",
                       "企业操作员：出入境报检、证书申领、企业台账",
                       "Enterprise operator: declarations, certificate applications, ledger")


def _officer(code: str, name: str) -> DemoAccount:
    return DemoAccount(f"officer{code}", Role.OFFICER.value, name, None, code, "zh",
                       f"海关审核人员（{code}）：审核本关区证书申请并签发证书",
                       f"Customs officer ({code}): reviews the district's applications and issues certificates")


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("sysadmin", Role.ADMIN.value, "张伟", None, None, "zh",
                "系统管理员：注册审核、用户、角色、字典、证单格式、通知与系统参数",
                "System administrator: registrations, users, roles, dictionaries, formats, notifications"),
    _ent_admin("ent1", "王海晟"), _ent_oper("ent1", "刘静"),
    _ent_admin("ent2", "赵瑞丰"), _ent_oper("ent2", "孙丽"),
    _ent_admin("ent3", "金永哲"), _ent_oper("ent3", "朴海燕"),
    _ent_admin("ent4", "周鑫达"), _ent_oper("ent4", "吴磊"),
    _ent_admin("ent5", "于海润"), _ent_oper("ent5", "姜敏"),
    _ent_admin("ent7", "林长兴"), _ent_oper("ent7", "高峰"),
    DemoAccount("ent12_admin", Role.ENTERPRISE_ADMIN.value, "白川", "ent12", None, "zh",
                "待审核企业的管理员：注册申请等待系统管理员审核",
                "Administrator of an enterprise whose registration awaits review"),
    _ent_oper("ent6", "邹红"), _ent_oper("ent8", "杨帆"), _ent_oper("ent9", "韩雪"), _ent_oper("ent10", "董丽娜"),
    _ent_oper("ent11", "崔鹏"),
    _officer("0901", "李明"), _officer("0903", "王芳"), _officer("0908", "陈晨"), _officer("0911", "刘洋"),
    _officer("0915", "杨光"), _officer("0917", "黄磊"), _officer("0930", "徐慧"), _officer("0950", "朱琳"),
    _officer("0960", "马骏"), _officer("0980", "胡静"),
    DemoAccount("manager0900", Role.MANAGER.value, "郑国强", None, "0900", "zh",
                "关区管理人员（大连海关）：本关区及所有隶属海关的统计",
                "District manager (Dalian Customs): statistics of Dalian and every subordinate district"),
    DemoAccount("manager0903", Role.MANAGER.value, "谢丹", None, "0903", "zh",
                "关区管理人员（金普海关）：本关区统计", "District manager (Jinpu Customs): statistics of Jinpu"),
    DemoAccount("overseas_ru", Role.OVERSEAS.value, "Иван Петров", "ent1", None, "ru",
                "海外用户（俄罗斯进口商）：查看大连海晟水产分享的证书",
                "Overseas user (Russian importer): sees the certificates Dalian Haisheng shares",
                country="RU", organisation="DALMORE IMPORT LLC"),
    DemoAccount("overseas_ja", Role.OVERSEAS.value, "佐藤 健一", "ent1", None, "ja",
                "海外用户（日本进口商）：查看大连海晟水产分享的证书",
                "Overseas user (Japanese importer): sees the certificates Dalian Haisheng shares",
                country="JP", organisation="MARUHA BUSSAN CO., LTD."),
    DemoAccount("overseas_ko", Role.OVERSEAS.value, "김민준", "ent5", None, "ko",
                "海外用户（韩国进口商）：查看庄河海润食品分享的证书",
                "Overseas user (Korean importer): sees the certificates Zhuanghe Hairun shares",
                country="KR", organisation="SEOHAE FOODS CO., LTD"),
    DemoAccount("overseas_en", Role.OVERSEAS.value, "Emily Carter", "ent7", None, "en",
                "海外用户（美国进口商）：查看长兴岛木业分享的证书",
                "Overseas user (US importer): sees the certificates Changxingdao Wood shares",
                country="US", organisation="GREENFIELD IMPORTS INC."),
)

# Liaoning manual 5.9.3: ECIQ printed, of which cloud-signed, cloud-signed approved (per district, one year)
CLOUD_SIGNING_TABLE: dict[str, tuple[int, int, int]] = {
    "0903": (17590, 16825, 5047), "0915": (10636, 10427, 7432), "0960": (10496, 6342, 1),
    "0901": (6980, 8743, 6496), "0908": (5751, 5864, 5621), "0911": (5603, 6000, 5676),
    "0980": (2497, 2540, 3283), "0930": (2262, 1947, 1933), "0917": (1800, 2968, 906),
    "0950": (1315, 1311, 1387),
}
OTHER_DISTRICTS_SHARE = 0.03  # certificates issued by districts outside the table (other customs)
OTHER_DISTRICTS_PREFERRED = ("0800", "1500", "1900", "4200", "0200", "2200")
OTHER_DISTRICT_CLOUD_SHARE = 0.5
HOME_DISTRICT_FACTOR = 25.0  # an enterprise declares at its own district far more often than elsewhere
CITIES = {"0901": ("大连", "DALIAN"), "0903": ("大连", "DALIAN"), "0908": ("大连", "DALIAN"),
          "0911": ("大连", "DALIAN"), "0915": ("庄河", "ZHUANGHE"), "0917": ("大连", "DALIAN"),
          "0930": ("丹东", "DANDONG"), "0950": ("营口", "YINGKOU"), "0960": ("丹东", "DANDONG"),
          "0980": ("鞍山", "ANSHAN")}
PORTS = {"0901": "大连港", "0903": "大连港", "0908": "大窑湾港", "0911": "长兴岛港", "0915": "庄河港",
         "0917": "旅顺新港", "0930": "丹东港", "0950": "营口港鲅鱼圈港区", "0960": "丹东港大东港区", "0980": "大连港"}
AIRPORT = "大连周水子国际机场"

TYPE_WEIGHTS = {"18": 24, "14": 20, "16": 16, "15": 12, "11": 8, "21": 5, "19": 5, "17": 4, "99": 3,
                "31": 1.5, "32": 1.5}
DEFAULT_TYPE_WEIGHT = 2.0
ENTRY_METHOD_WEIGHTS = {EntryMethod.BLANK.value: 38, EntryMethod.SIMILAR.value: 27,
                        EntryMethod.TEMPLATE.value: 24, EntryMethod.SMART_IMPORT.value: 11}
# shares of the applications that are not issued; the first three are spread over the two years,
# the others sit in the officers' and enterprises' queues near the end date
HISTORIC_STATUSES = {AppStatus.DRAFT.value: 17, AppStatus.REVOKED.value: 21, AppStatus.RETURNED.value: 10}
OPEN_STATUSES = {AppStatus.SUBMITTED.value: 13, AppStatus.UNDER_REVIEW.value: 14, AppStatus.SUSPENDED.value: 5,
                 AppStatus.AWAITING_CONFIRMATION.value: 6, AppStatus.CONFIRMED.value: 4,
                 AppStatus.APPROVED.value: 10}
COUNTRY_WEIGHTS = {"JP": 16, "KR": 13, "US": 11, "RU": 7, "DE": 5, "SG": 3.5, "HK": 3, "NL": 3, "GB": 3,
                   "AU": 3, "CA": 3, "TH": 2.5, "VN": 2.5, "MY": 2, "ID": 2, "FR": 2, "IT": 2, "ES": 2,
                   "PH": 1.5, "IN": 1.2, "AE": 1.2, "SA": 1, "MX": 1, "BR": 1, "CL": 0.8, "NZ": 0.8,
                   "PL": 0.8, "BE": 0.8, "BH": 0.5}
COUNTRY_TAIL_SHARE = 0.05
MONTH_FACTORS = (0.9, 0.62, 0.92, 0.97, 1.0, 0.95, 0.9, 0.92, 1.05, 1.08, 1.18, 1.22)
WEEKDAY_FACTORS = (1.0, 1.04, 1.04, 1.0, 0.96, 0.3, 0.12)
# (local hour, weight) of when applications are created
HOUR_WEIGHTS = ((7, 0.3), (8, 2.0), (9, 3.3), (10, 3.3), (11, 3.0), (12, 1.2), (13, 2.8), (14, 3.2),
                (15, 3.2), (16, 2.8), (17, 1.4), (18, 0.6), (19, 0.4), (20, 0.3), (21, 0.2))
# delays in seconds: (median, lognormal sigma, minimum, maximum)
DELAYS = {
    "prepare": (3 * 3600, 1.2, 600, 5 * 86400),  # declaration receipted -> application created
    "submit": (25 * 60, 1.3, 60, 3 * 86400),
    "open": (90 * 60, 1.0, 180, 2 * 86400),
    "review": (150 * 60, 1.2, 300, 5 * 86400),
    "issue": (40 * 60, 1.1, 120, 36 * 3600),
    "fix": (86400, 0.9, 1800, 10 * 86400),
    "confirm": (5 * 3600, 1.0, 600, 4 * 86400),
    "resume": (2 * 86400, 0.7, 3600, 12 * 86400),
    "revoke": (6 * 3600, 1.2, 300, 8 * 86400),
    "replace": (6 * 86400, 0.8, 3600, 40 * 86400),
    "withdraw": (10 * 86400, 0.8, 3600, 60 * 86400),
    "receipt": (20 * 60, 0.8, 30, 86400),
    "share": (2 * 3600, 1.0, 60, 3 * 86400),
}
# what a kilogram of goods costs (USD), how much goes in one package, and the package type, by HS chapter
CHAPTER_GOODS = {
    "01": (3.5, 450, ("CG",)), "02": (4.5, 20, ("CT",)), "03": (6.5, 15, ("CT",)), "04": (3.0, 20, ("CT",)),
    "05": (4.0, 25, ("BG", "CT")), "06": (5.0, 10, ("CT",)), "07": (1.2, 20, ("CT", "BG")),
    "08": (2.8, 10, ("CT",)), "09": (6.0, 25, ("BG",)), "10": (0.42, 50, ("BG",)), "11": (0.6, 25, ("BG",)),
    "12": (1.6, 50, ("BG",)), "16": (7.5, 12, ("CT",)), "19": (3.5, 12, ("CT",)), "20": (2.2, 18, ("CT",)),
    "23": (1.1, 40, ("BG",)), "39": (1.8, 300, ("PK",)), "44": (0.55, 1200, ("BE", "PK")),
    "48": (1.2, 500, ("PK",)), "73": (1.3, 500, ("PK", "BE")), "76": (3.5, 300, ("PK",)),
    "84": (9.0, 300, ("CS", "PK")),
}
DEFAULT_CHAPTER_GOODS = (3.0, 30, ("CT", "PK"))
PIECES_PER_PACKAGE = {"84": 1, "73": 20, "76": 50, "48": 100, "39": 50}  # for goods counted in pieces
AREA_CODES = {"0930": "0415", "0960": "0415", "0980": "0412", "0950": "0417"}  # default Dalian, 0411
# fixed wording of certificate fields, by certificate type (the rest comes from the declaration)
CERT_TEXTS: dict[str, dict[str, str]] = {
    "14": {"content": "THE PRODUCTS WERE DERIVED FROM ANIMALS THAT PASSED VETERINARY INSPECTION AND ARE "
                      "FIT FOR HUMAN CONSUMPTION."},
    "16": {"inspection_results": "THE GOODS WERE PRODUCED, PROCESSED AND PACKED UNDER SANITARY CONDITIONS AND "
                                 "ARE FIT FOR HUMAN CONSUMPTION."},
    "15": {"inspection_results": "NO PATHOGENIC MICROORGANISMS WERE FOUND; THE GOODS ARE FIT FOR HUMAN "
                                 "CONSUMPTION."},
    "11": {"inspection_results": "THE QUALITY OF THE GOODS CONFORMS TO THE REQUIREMENTS OF THE CONTRACT."},
    "18": {"additional_declaration": "THE PLANTS OR PLANT PRODUCTS DESCRIBED ABOVE HAVE BEEN INSPECTED AND ARE "
                                     "CONSIDERED TO BE FREE FROM THE QUARANTINE PESTS SPECIFIED BY THE IMPORTING "
                                     "CONTRACTING PARTY."},
    "19": {"treatment": "FUMIGATION", "chemical": "METHYL BROMIDE", "concentration": "48 G/M3",
           "duration_temperature": "24 HRS / 21°C"},
    "99": {"content": "WE HEREBY CERTIFY THAT THE ABOVE GOODS WERE INSPECTED BEFORE SHIPMENT."},
    "17": {"content": "THE ANIMALS WERE CLINICALLY HEALTHY AND SHOWED NO SIGNS OF INFECTIOUS DISEASE AT "
                      "EXPORT.", "premises": "大连金州出境动物隔离检疫场"},
    "21": {"inspection_basis": "合同及相关国家标准", "inspection_results": "经检验检疫，上述货物符合有关检验检疫要求。"},
    "31": {"packaging_type": "钢桶 200L", "un_code": "1A1/Y1.4/150", "material": "冷轧钢板，中国",
           "dangerous_goods_class": "3", "inspection_basis": "GB 19269-2009",
           "test_results": "经检验，该批包装容器性能检验合格。"},
    "32": {"packaging_type": "钢桶 200L", "un_code": "1A1/Y1.4/150", "material": "冷轧钢板",
           "performance_result_no": "21090031200118", "dangerous_goods": "涂料 PAINT", "un_number": "UN1263",
           "dangerous_goods_class": "3", "packing_group": "II", "assessment_basis": "GB 19359-2009",
           "test_results": "经鉴定，该批包装容器使用符合要求。"},
}
# the certificate field values each exit declaration offers to its applications
FIELD_VALUE_KEYS = ("consignor", "consignee", "description", "weight", "packages", "marks", "origin",
                    "destination", "conveyance", "despatch_date")
FOOD_CHAPTERS = frozenset({"02", "03", "04", "07", "08", "09", "10", "11", "12", "15", "16", "17", "19",
                           "20", "21", "22"})
LINES_PER_DECLARATION = (1,) * 13 + (2,) * 9 + (3,) * 5 + (4,) * 3 + (5,) * 2  # 32 entries: drawn by 5 bits
PRINT_COUNTS = (1, 1, 1, 1, 2, 2, 2, 3)  # paper certificates printed, drawn by 3 bits
CONTAINER_SPECS = ("40HC", "40GP", "20GP", "40HC")
DECLARATION_STATUSES = tuple(s.value for s in DeclStatus)
CONTAINER_OWNERS = ("COSU", "MSKU", "TGHU", "SITU", "OOLU", "CMAU", "TCLU", "SEGU")
CARRIERS = ("COSU", "MEDU", "OOLU", "SITC", "PCSL", "EGLV", "HDMU", "KMTC")
VESSELS = ("COSCO SHIPPING ARIES", "SITC KEELUNG", "MOL TRIUMPH", "PANCON SUCCESS", "DONGJIN VOYAGER",
           "CMA CGM BALI", "EVER GOVERN", "KMTC TIANJIN", "HYUNDAI HOPE", "OOCL DALIAN", "SINOKOR AKITA",
           "HEUNG-A JANICE")
ARRIVAL_PORTS = {"JP": ("TOKYO", "OSAKA", "YOKOHAMA", "NAGOYA", "KOBE", "HAKATA"),
                 "KR": ("BUSAN", "INCHEON", "PYEONGTAEK", "GWANGYANG"),
                 "US": ("LOS ANGELES", "LONG BEACH", "NEW YORK", "SEATTLE", "SAVANNAH"),
                 "RU": ("VLADIVOSTOK", "ST. PETERSBURG", "NOVOROSSIYSK"), "DE": ("HAMBURG", "BREMERHAVEN"),
                 "SG": ("SINGAPORE",), "HK": ("HONG KONG",), "NL": ("ROTTERDAM",), "GB": ("FELIXSTOWE", "SOUTHAMPTON"),
                 "AU": ("SYDNEY", "MELBOURNE", "BRISBANE"), "CA": ("VANCOUVER", "TORONTO"),
                 "TH": ("LAEM CHABANG", "BANGKOK"), "VN": ("HAIPHONG", "HO CHI MINH CITY"), "MY": ("PORT KLANG",),
                 "ID": ("JAKARTA", "SURABAYA"), "FR": ("LE HAVRE",), "IT": ("GENOA",), "ES": ("VALENCIA",),
                 "IN": ("NHAVA SHEVA", "CHENNAI"), "AE": ("JEBEL ALI",), "SA": ("JEDDAH", "DAMMAM")}
BUYER_WORDS = {"JP": ("DAIWA", "MARUHA", "KYOKUYO", "NICHIREI", "TOYO", "SANKO", "YAMAHIRO", "HOKUYO"),
               "KR": ("TOROC", "HANIL", "DAESANG", "SEOHAE", "DONGWON", "SAMJIN", "HAEDONG"),
               "RU": ("DALMORE", "PRIMORYE", "VOSTOK", "OKEAN", "SEVER", "BALTIKA")}
BUYER_SUFFIXES = {"JP": ("BUSSAN CO., LTD.", "SHOJI CO., LTD.", "FOODS CORPORATION", "TRADING CO., LTD."),
                  "KR": ("GENERAL TRADING CO., LTD", "CORPORATION", "FOODS CO., LTD", "INTERNATIONAL CO., LTD"),
                  "RU": ("LLC", "TRADE LLC", "JSC", "IMPORT LLC"),
                  "DE": ("GMBH", "GMBH & CO. KG", "HANDELS GMBH"), "FR": ("SAS", "SARL"), "NL": ("B.V.",),
                  "IT": ("S.R.L.", "S.P.A."), "ES": ("S.L.",), "AU": ("PTY LTD",), "GB": ("LTD", "LIMITED")}
GENERIC_BUYER_WORDS = ("PACIFIC", "GLOBAL", "OCEAN", "NORTHSTAR", "GREENFIELD", "BLUE WAVE", "SUNRISE", "UNITED",
                       "HARBOR", "EVERGREEN", "GOLDEN GATE", "CRYSTAL")
GENERIC_BUYER_SUFFIXES = ("TRADING CO., LTD.", "IMPORTS INC.", "FOODS LTD.", "INTERNATIONAL CORP.")
JOB_TITLES = {Role.ADMIN.value: "系统管理员", Role.ENTERPRISE_ADMIN.value: "关务经理",
              Role.ENTERPRISE.value: "报检员", Role.OFFICER.value: "审单员", Role.MANAGER.value: "科长",
              Role.OVERSEAS.value: "Import manager"}
PERSON_NAMES = ("李强", "王静", "张敏", "刘洋", "陈杰", "杨雪", "赵磊", "黄丽", "周涛", "吴婷", "徐斌", "孙悦",
                "马超", "朱红", "胡军", "郭丹", "何平", "高洁", "林峰", "罗文")
RETURN_REASONS = ("收货人英文名称与合同不一致，请核对后重新申报", "货物重量与报检单不符，请更正",
                  "缺少加工厂注册编号，请补充", "输往国家要求注明捕捞海域，请补充", "唛头信息不完整，请补充",
                  "品名英文描述不规范，请按输入国要求修改")
SUSPEND_REASONS = ("等待实验室检测结果", "需企业补充原料来源证明", "待现场查验结果", "输入国要求核实中")
# 随附单据 by direction: kind -> (code, Chinese name) in the attached_document dictionary (Jiucheng 3.4.3)
ATTACHED_DOCUMENTS = {
    "exit": {"contract": ("102001", "合同"), "invoice": ("102002", "发票"), "credit": ("102003", "信用证"),
             "packing": ("102004", "装箱单"), "voucher": ("102040", "换证凭单"), "factory": ("102041", "厂检单"),
             "registration": ("102045", "卫生注册证书"), "container": ("102047", "集装箱检验检疫结果单")},
    "entry": {"contract": ("101001", "合同"), "invoice": ("101002", "发票"), "packing": ("101004", "装箱单"),
              "bill": ("101005", "提单/运单"), "veterinary": ("101006", "兽医(卫生)证书"),
              "phytosanitary": ("101007", "植物检疫证书"), "sanitary": ("101009", "卫生证书"),
              "origin": ("101010", "原产地证书"), "no_wood": ("101025", "无木质包装证明")},
}
ANIMAL_CHAPTERS = frozenset({"01", "02", "03", "04", "05", "16"})
PLANT_CHAPTERS = frozenset({"06", "07", "08", "09", "10", "11", "12", "13", "14", "44"})
BANKS = ("BOC", "ICBC", "CCB", "ABC", "BOCOM")
CONFIRM_NOTES = ("已按输入国要求调整证书附加声明，请确认", "已拟制证稿，请企业确认货物描述")
REPLACE_REASONS = ("收货人名称变更，换发新证", "证书货物重量更正，换发新证", "输入国要求补充声明，换发新证",
                   "运输工具变更，换发新证")
WITHDRAW_REASONS = ("合同取消，货物未出运，撤回证书", "企业申请撤回，重新报检", "证书信息有误，撤回作废")
REVOKE_REASONS = ("货物改期出运，企业撤销申请", "重复申报，企业撤销", "合同变更，企业撤销申请")

EVENT_MESSAGES = {
    **WORKFLOW_MESSAGES,
    "registration.submitted": "企业注册申请已提交",
    "registration.approved": "企业注册审核通过",
    "enterprise.certificate_shared": "证书已分享给海外用户",
}
NOTIFICATIONS = (
    ("云签发功能全面上线", "Cloud signing is available in every district",
     "即日起各隶属海关全面启用证书云签发，企业可在线下载带电子签名的证书。",
     "From today every subordinate district issues cloud-signed certificates; enterprises download them online.",
     (), (), -120, None, True),
    ("国庆节假期证书签发安排", "Certificate issuing over the National Day holiday",
     "10月1日至7日期间各现场保持签证服务，请企业提前申报。",
     "Certificate services stay open from 1 to 7 October; please apply early.",
     (), (), -40, 10, True),
    ("输日水产品证书附加声明调整", "New additional declaration for seafood to Japan",
     "自下月起输往日本水产品卫生证书须注明捕捞海域，请在证稿中填写。",
     "From next month health certificates for seafood to Japan must state the catch area.",
     (Role.ENTERPRISE.value, Role.ENTERPRISE_ADMIN.value), (), -15, 60, True),
    ("系统维护通知", "Scheduled maintenance",
     "本周六 22:00 至 24:00 系统维护，期间暂停申报。",
     "The system is down for maintenance on Saturday from 22:00 to 24:00.",
     (), (), -3, 4, True),
    ("金普海关审核时限说明", "Review times at Jinpu Customs",
     "金普海关证书申请原则上于受理后一个工作日内完成审核。",
     "Jinpu Customs reviews applications within one working day of acceptance.",
     (Role.OFFICER.value, Role.MANAGER.value), ("0903",), -60, None, True),
    ("二维码验证页面改版（草稿）", "Redesigned QR verification page (draft)",
     "证书二维码验证页面将增加多语言支持。", "The certificate verification page will speak more languages.",
     (), (), 5, None, False),
)


# --- container numbers --------------------------------------------------------------------------

_ISO6346_VALUES = {c: v for c, v in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                                        [v for v in range(10, 39) if v % 11])}


def container_check(owner_serial: str) -> str:
    """Return the ISO 6346 check digit of a container owner code, category letter and serial."""
    total = sum((_ISO6346_VALUES[c] if c.isalpha() else int(c)) << i for i, c in enumerate(owner_serial))
    return str(total % 11 % 10)


class _ContainerNumbers:
    """ISO 6346 numbers for a fixed set of owner codes, with the check digit from precomputed partial sums."""

    def __init__(self, owners: Sequence[str]):
        self.owners = [(o, sum(_ISO6346_VALUES[c] << i for i, c in enumerate(o))) for o in owners]
        digits = [f"{k:03d}" for k in range(1000)]
        self.high = [sum(int(c) << (4 + i) for i, c in enumerate(d)) for d in digits]
        self.low = [sum(int(c) << (7 + i) for i, c in enumerate(d)) for d in digits]

    def number(self, owner: int, serial: int) -> str:
        """Return the 11-character number of `serial` (0..999999) under the owner code at index `owner`."""
        code, base = self.owners[owner]
        high, low = divmod(serial, 1000)
        return f"{code}{serial:06d}{(base + self.high[high] + self.low[low]) % 11 % 10}"


# --- reference snapshot -------------------------------------------------------------------------


class DistrictRef(NamedTuple):
    code: str
    parent_code: str | None
    name_zh: str
    name_en: str


class FormatRef(NamedTuple):
    code: str
    field_keys: tuple[str, ...]


class CertTypeRef(NamedTuple):
    code: str
    name_zh: str
    name_en: str
    formats: tuple[FormatRef, ...]


class EntryRef(NamedTuple):
    code: str
    name_zh: str
    name_en: str
    extra: dict


@dataclass(frozen=True)
class ReferenceSnapshot:
    """The reference rows the generator draws from, read once from the store."""

    districts: tuple[DistrictRef, ...]
    cert_types: tuple[CertTypeRef, ...]
    dictionaries: dict[str, tuple[EntryRef, ...]] = field(default_factory=dict)


def reference_snapshot(conn: Connection | Session) -> ReferenceSnapshot:
    """Read districts, certificate types with formats and dictionaries; raise ValueError if any are missing."""
    districts = tuple(DistrictRef(*r) for r in conn.execute(
        select(CustomsDistrict.code, CustomsDistrict.parent_code, CustomsDistrict.name_zh, CustomsDistrict.name_en)
        .where(CustomsDistrict.active.is_(True)).order_by(CustomsDistrict.code)))
    formats: dict[str, list[FormatRef]] = {}
    for code, type_code, fields in conn.execute(
            select(CertificateFormat.code, CertificateFormat.cert_type_code, CertificateFormat.fields)
            .where(CertificateFormat.active.is_(True)).order_by(CertificateFormat.code)):
        keys = tuple(f["key"] for f in fields or () if isinstance(f, dict) and f.get("key"))
        formats.setdefault(type_code, []).append(FormatRef(code, keys))
    cert_types = tuple(CertTypeRef(c, zh, en, tuple(formats[c])) for c, zh, en in conn.execute(
        select(CertificateType.code, CertificateType.name_zh, CertificateType.name_en)
        .where(CertificateType.active.is_(True)).order_by(CertificateType.sort, CertificateType.code))
        if c in formats)
    dictionaries: dict[str, list[EntryRef]] = {}
    for name, code, zh, en, extra in conn.execute(
            select(DictEntry.dictionary, DictEntry.code, DictEntry.name_zh, DictEntry.name_en, DictEntry.extra)
            .where(DictEntry.active.is_(True), DictEntry.dictionary.in_(REQUIRED_DICTIONARIES))
            .order_by(DictEntry.dictionary, DictEntry.sort, DictEntry.code)):
        dictionaries.setdefault(name, []).append(EntryRef(code, zh, en, extra or {}))
    missing = [what for what, ok in (("customs districts", districts), ("certificate types with formats", cert_types))
               if not ok]
    missing += [f"dictionary {name!r}" for name in REQUIRED_DICTIONARIES if not dictionaries.get(name)]
    if missing:
        raise ValueError("reference data is not loaded (missing: " + ", ".join(missing)
                         + "); run data.reference.catalog.load_reference first")
    known = {d.code for d in districts}
    needed = sorted({a.district for a in DEMO_ACCOUNTS if a.district} | {p.district for p in ENTERPRISES})
    if absent := [c for c in needed if c not in known]:
        raise ValueError(f"reference data lacks the customs districts the demo uses: {', '.join(absent)}")
    return ReferenceSnapshot(districts, cert_types, {k: tuple(v) for k, v in dictionaries.items()})


# --- small helpers ------------------------------------------------------------------------------


def _allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` into integer parts proportional to `weights`, each at least 1 when total allows."""
    n = len(weights)
    base = [1] * n if total >= n else [0] * n
    rest = total - sum(base)
    wsum = float(sum(weights))
    shares = [rest * w / wsum for w in weights]
    parts = [int(s) for s in shares]
    order = sorted(range(n), key=lambda i: (parts[i] - shares[i], i))
    for i in order[: rest - sum(parts)]:
        parts[i] += 1
    return [b + p for b, p in zip(base, parts)]


def _spread(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` over a sequence by cumulative rounding, keeping the order and the exact sum."""
    wsum = float(sum(weights))
    out, done, acc = [], 0, 0.0
    for w in weights:
        acc += w
        upto = round(total * acc / wsum) if wsum else 0
        out.append(upto - done)
        done = upto
    return out


class _Weighted:
    """Weighted choice by bisection over cumulative weights."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, items: Sequence, weights: Sequence[float]):
        pairs = [(i, w) for i, w in zip(items, weights) if w > 0]
        self.items = [i for i, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))
        self.total = self.cum[-1]

    def pick(self, rnd: Callable[[], float]):
        return self.items[bisect(self.cum, rnd() * self.total)]


class _Quota:
    """Draw items without replacement from exact counts: a shuffled multiset, streamed."""

    __slots__ = ("items", "counts", "left")

    def __init__(self, items: Sequence, counts: Sequence[int]):
        self.items = list(items)
        self.counts = list(counts)
        self.left = sum(counts)

    def draw(self, rnd: Callable[[], float]):
        r = int(rnd() * self.left)
        counts = self.counts
        for i, c in enumerate(counts):
            if r < c:
                counts[i] -= 1
                self.left -= 1
                return self.items[i]
            r -= c
        raise IndexError("quota exhausted")


def _delay_pool(rng: random.Random, median: float, sigma: float, low: float, high: float,
                size: int = 1024) -> list[int]:
    """Draw `size` lognormal delays in seconds, clipped to [low, high]."""
    return [int(min(high, max(low, median * exp(rng.gauss(0.0, sigma))))) for _ in range(size)]


def _find(entries: Sequence[EntryRef], codes: Sequence[str] = (), names: Sequence[str] = ()) -> EntryRef | None:
    """Return the first entry with one of `codes`, else one whose zh/en name is in `names`."""
    by_code = {e.code: e for e in entries}
    for c in codes:
        if c in by_code:
            return by_code[c]
    lowered = {n.lower() for n in names}
    return next((e for e in entries if e.name_zh in names or e.name_en.lower() in lowered), None)


# --- the row stream -----------------------------------------------------------------------------

ID_TABLES: tuple[Table, ...] = tuple(m.__table__ for m in (
    Enterprise, User, Notification, Declaration, GoodsLine, Container, DeclarationDocument, CertificateApplication,
    ApplicationGoods, Certificate, Event))
CHUNK_ORDER: tuple[Table, ...] = tuple(m.__table__ for m in (
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


class _Stream:
    """State of one pass of the generator; `batches()` yields the rows."""

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
        self.delays = {k: _delay_pool(rng, *v) for k, v in DELAYS.items()}
        self.containers = _ContainerNumbers(CONTAINER_OWNERS)
        hours = _Weighted([h for h, _ in HOUR_WEIGHTS], [w for _, w in HOUR_WEIGHTS])
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
        kg = _find(units, (), ("千克", "kilogram"))
        self.kg = kg.code if kg else units[0].code
        tonne = _find(units, (), ("吨", "tonne", "metric ton"))
        self.tonne = tonne.code if tonne else None
        cur = d["currency"]
        usd = _find(cur, ("USD",), ("美元", "US Dollar"))
        self.usd = usd.code if usd else cur[0].code
        self.fx = {self.usd: 1.0}
        self.currency_by_country = {}
        for code, names, rate, countries_ in (("JPY", ("日元", "Yen"), 150.0, ("JP",)),
                                              ("EUR", ("欧元", "Euro"), 0.92, ("DE", "FR", "NL", "IT", "ES", "BE"))):
            found = _find(cur, (code,), names)
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
        self.transport = _Weighted([c for c, _ in present], [w for _, w in present])
        self.sea = present[0][0]
        trade = d["trade_mode"]
        general = _find(trade, ("0110",), ("一般贸易", "General trade")) or trade[0]
        processing = [e.code for e in trade if e.code in ("0214", "0615")]
        self.trade_exit = _Weighted([general.code] + processing,
                                    [0.88] + [0.12 / max(1, len(processing))] * len(processing))
        docs = d["attached_document"]
        self.doc_code = {}  # (direction, kind) -> the attached-document code, where the dictionary has it
        for direction, kinds in ATTACHED_DOCUMENTS.items():
            fit = [e for e in docs if e.extra.get("direction") in (None, direction)]
            for kind, (code, name_zh) in kinds.items():
                found = _find(fit, (code,), (name_zh,))
                if found:
                    self.doc_code[(direction, kind)] = found.code
        self.hs = list(d["hs_code"])

    def _prepare_enterprises(self) -> None:
        """Build the enterprise rows, with valid credit and organisation codes and registration times."""
        rng = self.rng
        active = [p for p in ENTERPRISES if p.status == "approved"]
        self.enterprises = active
        self.ent_ids = {p.key: self.next_id["enterprise"] + i for i, p in enumerate(ENTERPRISES)}
        self.ent_rows = []
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
                submitted_at=self._dt(registered), reviewed_at=None if pending else self._dt(reviewed),
                reviewed_by=None if pending else self.next_id["app_user"], review_comment=None,
            ))
        row_of = {r["name_zh"]: r for r in self.ent_rows}
        self.ent_reg = [row_of[p.name_zh]["registration_no"] for p in active]
        self.ent_volume = _Weighted(list(range(len(active))), [p.volume for p in active])

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
        self.issuing_pick = _Weighted(self.issuing, [weights[c] for c in self.issuing])
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
        self.random_type = _Weighted(self.type_codes, self.type_weights)
        # enterprise by (type, district): its volume, much more likely at home
        self.ent_pick: dict[tuple[str, str], _Weighted] = {}
        for t in self.type_codes:
            fit = self.type_candidates[t]
            for dist in self.issuing:
                home = [HOME_DISTRICT_FACTOR if self.enterprises[i].district == dist else 1.0 for i in fit]
                self.ent_pick[(t, dist)] = _Weighted(fit, [self.enterprises[i].volume * h for i, h in zip(fit, home)])

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
            self.ent_countries.append(_Weighted(list(weights), list(weights.values())))
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
        self.ent_templates = []
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
        self.ent_users = []
        for p in self.enterprises:
            ids = [self.user_ids[a.account] for a in self.accounts if a.enterprise == p.key and a.role in in_enterprise]
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
            steps = [(int(submitted), applicant, "registration.submitted", None)]
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
        per_day = zip(_spread(originals, weights), _spread(n_hist, weights), _spread(others - n_hist, recent),
                      _spread(round(n * ENTRY_DECLARATION_SHARE), weights))
        self.type_quota = _Quota(self.type_codes, _allocate(originals, self.type_weights))
        methods = list(ENTRY_METHOD_WEIGHTS)
        self.method_quota = _Quota(methods, _allocate(originals, list(ENTRY_METHOD_WEIGHTS.values())))
        self.random_method = _Weighted(methods, list(ENTRY_METHOD_WEIGHTS.values()))
        self.hist_quota = _Quota(list(HISTORIC_STATUSES), _allocate(n_hist, list(HISTORIC_STATUSES.values())))
        self.open_quota = _Quota(list(OPEN_STATUSES), _allocate(others - n_hist, list(OPEN_STATUSES.values())))
        self.originals_left = originals
        self.replace_left = self.n_replaced
        self.withdraw_left = self.n_withdrawn
        return [(day, *counts) for day, counts in enumerate(per_day)]

    # .. the stream ..........................................................................

    def batches(self) -> Iterator[tuple[Table, list[dict]]]:
        """Yield the setup rows, then the day-by-day rows in chunks of about `batch_size` receipts."""
        # the system administrator (first account) reviewed the registrations, so it goes in first
        users = self._users()
        self.next_id["enterprise"] += len(self.ent_rows)
        yield User.__table__, users[:1]
        yield Enterprise.__table__, self.ent_rows
        yield User.__table__, users[1:]
        yield Notification.__table__, self._notifications()
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
            yield NumberSequence.__table__, [{"prefix": prefix, "last_value": last}
                                             for prefix, last in sorted(self.cert_seq.items())]

    def _flush(self) -> Iterator[tuple[Table, list[dict]]]:
        """Yield the buffered rows table by table, parents first, in batches of at most `batch_size`."""
        size = self.batch_size
        for table in CHUNK_ORDER:
            rows = self.buffers[table.name]
            for i in range(0, len(rows), size):
                yield table, rows[i:i + size]
            self.buffers[table.name] = []

    def _take(self, table: str, n: int = 1) -> int:
        """Reserve `n` consecutive ids of `table`; return the first."""
        first = self.next_id[table]
        self.next_id[table] = first + n
        return first

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
        lines = []
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
        packages = f"{total_packages} {self.package_names.get(first['package_type'], first['package_type'])}"
        values = {
            "consignor": self.consignor_text[ei], "consignee": f"{buyer}\n{buyer_address}",
            "description": description, "weight": total_kg, "quantity": total_kg, "quantity_weight": total_kg,
            "packages": packages, "marks": marks, "origin": self.origin_text[ei],
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
                "values": values, "required": row["required_documents"], "day": self.day}

    def _documents(self, did: int, direction: str, ei: int, yy: str, contract: str, bl: str, country: str,
                   dist: str, goods: int, containers: bool) -> None:
        """Append the declaration's attached documents (随附单据) with plausible numbers of their own."""
        bits, code = self.bits, self.doc_code
        chapter = self.goods_templates[goods][0]["hs_code"][:2]
        n = self.contract_seq[ei]
        prefix = self.ent_prefix[ei]
        docs = [("contract", contract), ("invoice", f"{prefix}-INV{yy}{n:05d}"),
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
            "approved_at": at(reviewed, UTC) if status == ISSUED or status == APPROVED else None,
            "certificate_no": self._number(decl["district"], type_code, reviewed) if status == APPROVED else None}
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

    def _events(self, steps: list[tuple[int, int | None, str, str | None]], obj_type: str, obj_id: int,
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

    def _review_path(self, ts: int, path: str, user: int | None, officer: int) -> tuple[list, int, str | None]:
        """Return the steps from creation to approval along `path`, the approval time and the last comment."""
        end, delay = self.end_ts, self._delay
        submitted = min(end, ts + delay("submit"))
        opened = min(end, submitted + delay("open"))
        steps = [(ts, user, "app.created", None), (submitted, user, "app.submitted", None),
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
                                 self._date(submitted), signing, status, None, reason, changed, decl["apps"])
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
                     reason: str | None, changed: int | None, serial: int) -> tuple:
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
            "status_changed_at": self._dt(changed) if changed else None})
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
        return (cid, number, aid, ent_id, dist, type_code, method, country, received, signing, serial)

    def _due_change(self, due: int, _order: int, status: str, reason: str, cert: tuple) -> None:
        """Emit a scheduled replacement (a new certificate) or withdrawal of an issued certificate."""
        cid, number, aid, ent_id, dist, type_code, method, country, received, signing, serial = cert
        officer = self.officer_of[dist]
        if status == WITHDRAWN:
            self._events([(due, officer, "cert.withdrawn", reason)], "certificate", cid, ent_id, dist)
            return
        new = self._certificate(aid, ent_id, dist, type_code, method, country, due, received, signing,
                                VALID, cert, None, None, serial)
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
        submitted = reviewed = reviewer = comment = None
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
    stream = _Stream(ref, certificates, seed, password_hash, start or StartIds(), end, batch_size)
    return stream.batches()


# --- writing ------------------------------------------------------------------------------------


class InsertStatement:
    """The INSERT Core compiles for one table, dialect and set of row keys, and the binding of rows to it."""

    def __init__(self, table: Table, dialect, keys: Sequence[str]) -> None:
        compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
        self.sql = compiled.string
        self.positional = bool(compiled.positiontup)
        self.keys = list(compiled.positiontup) if self.positional else list(compiled.binds)
        # columns the rows leave out but the model gives a Python-side default, as Core would fill them
        self.defaults = {c.key: c.default.arg(None) if c.default.is_callable else c.default.arg
                         for c in compiled.insert_prefetch if c.key not in keys}
        columns = {c.key: c for c in table.columns}
        impls = [(i, columns[k].type.dialect_impl(dialect)) for i, k in enumerate(self.keys)]
        self.processors = [(i, _quick(impl, p)) for i, impl in impls if (p := impl.bind_processor(dialect)) is not None]

    def bind(self, rows: list[dict]) -> list:
        """Return DBAPI parameters for `rows`: tuples for positional paramstyles, dicts otherwise."""
        if self.defaults:
            rows = [self.defaults | row for row in rows]
        return bind_columns(rows, self.keys, self.processors, self.positional)


_PROBE_TIMES = (datetime(2026, 10, 31, 23, 59, 59, tzinfo=UTC), datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
                datetime(2024, 2, 29, tzinfo=UTC))


def _quick_datetime(process: Callable) -> Callable:
    """Return a faster equivalent of a datetime processor for whole-second UTC values, if one fits."""
    day = lru_cache(maxsize=4096)(lambda ordinal: process(datetime.fromordinal(ordinal).replace(tzinfo=UTC))[:-15])
    minutes = [f"{h:02d}:{m:02d}:" for h in range(24) for m in range(60)]
    seconds = [f"{s:02d}.000000" for s in range(60)]

    def text(value):
        if value is None or value.microsecond or value.tzinfo is not UTC:
            return process(value)
        return day(value.toordinal()) + minutes[value.hour * 60 + value.minute] + seconds[value.second]

    return text if all(text(v) == process(v) for v in _PROBE_TIMES) else process


def _quick(impl, process: Callable) -> Callable:
    """Return a faster function that gives exactly what the dialect's bind processor `process` gives.

    Dates repeat (two years of days), so their processor is memoised, and so is the day part of
    datetimes where the dialect writes them as text; most receipts carry empty details, whose JSON
    is computed once.
    """
    if isinstance(impl, DateTime):
        return _quick_datetime(process)
    if isinstance(impl, Date):
        return lru_cache(maxsize=4096)(process)
    if isinstance(impl, JSON):
        empty = process({})

        def json_or_empty(value):
            return empty if type(value) is dict and not value else process(value)

        return json_or_empty
    return process


def bound_batches(batches: Iterator[tuple[Table, list[dict]]], dialect) -> Iterator[tuple[str, str, list]]:
    """Turn (table, rows) batches into (table name, INSERT statement, DBAPI parameters) batches for `dialect`."""
    statements: dict[str, InsertStatement] = {}
    for table, rows in batches:
        if not rows:
            continue
        statement = statements.get(table.name)
        if statement is None:
            statement = statements[table.name] = InsertStatement(table, dialect, list(rows[0]))
        yield str(table.name), statement.sql, statement.bind(rows)


_DONE = "done"
_FAILED = "failed"


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the duration."""
    # the rows hold no reference cycles, and collecting while millions of short-lived dicts pass
    # through costs more than building them
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _produce(queue, make: Callable[[], Iterator[tuple[str, str, list]]]) -> None:
    """Child process: put every bound batch on the queue, then a done or failed marker."""
    gc.disable()
    try:
        for item in make():
            queue.put(item)
        queue.put((_DONE, None, None))
    except BaseException:
        queue.put((_FAILED, None, traceback.format_exc()))


def _in_child(make: Callable[[], Iterator[tuple[str, str, list]]]) -> Iterator[tuple[str, str, list]]:
    """Start `make` in a forked child process; return an iterator over what it produces."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue(maxsize=8)
    child = ctx.Process(target=_produce, args=(queue, make), daemon=True)
    child.start()
    return _drain(queue, child)


def _drain(queue, child) -> Iterator[tuple[str, str, list]]:
    """Yield the child's batches until its done marker; stop the child if the consumer gives up."""
    try:
        while True:
            try:
                item = queue.get(timeout=1.0)
            except Empty:
                if child.is_alive():
                    continue
                try:
                    item = queue.get(timeout=1.0)
                except Empty:
                    raise RuntimeError(f"demo data producer exited with code {child.exitcode}") from None
            if item[0] == _DONE:
                break
            if item[0] == _FAILED:
                raise RuntimeError(f"demo data producer failed:\n{item[2]}")
            yield item
        child.join()
    finally:
        if child.is_alive():
            child.terminate()
            child.join()


@dataclass(frozen=True)
class DemoSummary:
    """What `generate` wrote: rows per table and the accounts created."""

    rows: dict[str, int]
    accounts: tuple[str, ...]
    seed: int

    @property
    def certificates(self) -> int:
        return self.rows.get("certificate", 0)


def _ensure_roles(conn: Connection) -> None:
    # the role tree and its default grants belong to auth; seed them where missing
    from data.accounts.roles import seed_roles

    with Session(bind=conn) as s:
        seed_roles(s)
        s.commit()


def generate(engine: Engine, *, certificates: int, seed: int, password_hash: str,
             progress: Callable[[int, int], None] | None = None, end: date = DEFAULT_END,
             batch_size: int = BATCH_SIZE, parallel: bool | None = None, rollups: bool = True) -> DemoSummary:
    """Write the demo data set into a store that holds reference data but no declarations or applications yet.

    The rows go in as Core batches, which the statistics rollups' session events do not see: the
    rollups are recomputed at the end (`rollups=False` leaves that to the caller).
    """
    with engine.connect() as conn:
        ref = reference_snapshot(conn)
        busy = [t.name for t in (Declaration.__table__, CertificateApplication.__table__, Certificate.__table__,
                                 NumberSequence.__table__) if conn.scalar(select(func.count()).select_from(t))]
        if busy:
            raise ValueError(f"the store already holds {', '.join(busy)} rows; generate demo data into a fresh store")
        accounts = [a.account.lower() for a in DEMO_ACCOUNTS]
        taken = list(conn.scalars(select(User.account).where(func.lower(User.account).in_(accounts))))
        if taken:
            raise ValueError(f"demo accounts already exist: {', '.join(sorted(taken))}")
        _ensure_roles(conn)
        start = StartIds.after_existing(conn)
        conn.commit()
    stream = _Stream(ref, certificates, seed, password_hash, start, end, batch_size)

    def make() -> Iterator[tuple[str, str, list]]:
        return bound_batches(stream.batches(), engine.dialect)

    use_child = parallel if parallel is not None else certificates >= PARALLEL_MIN_CERTIFICATES
    # a forked producer needs the fork start method, and daemonic processes may not have children
    use_child = (use_child and "fork" in multiprocessing.get_all_start_methods()
                 and not multiprocessing.current_process().daemon)
    source = _in_child(make) if use_child else make()
    counts: dict[str, int] = {}
    with _collector_paused(), closing(source), engine.connect() as conn:
        for name, sql, params in source:
            conn.exec_driver_sql(sql, params)
            conn.commit()
            counts[name] = counts.get(name, 0) + len(params)
            if progress is not None and name == "certificate":
                progress(counts[name], certificates)
        _continue_id_sequences(conn)
        if rollups:
            rebuild_rollups(conn)
            conn.commit()
    return DemoSummary(counts, tuple(a.account.lower() for a in stream.accounts), seed)


def _continue_id_sequences(conn: Connection) -> None:
    """Rows inserted with their ids leave PostgreSQL's id sequences behind: move them past the highest id."""
    if conn.dialect.name != "postgresql":
        return  # SQLite gives the next rowid after the highest one
    for table in ID_TABLES:
        conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                             f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)")
    conn.commit()
