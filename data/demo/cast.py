"""The fixed demo cast and the shape of the demo data: enterprises, accounts, weights, texts and shares."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timezone

from dashboard.core.clock import CHINA_OFFSET
from data.applications.workflow import EVENT_MESSAGES as WORKFLOW_MESSAGES
from data.models import (
    AppStatus,
    CertStatus,
    DeclStatus,
    EntryMethod,
    Role,
    SigningMethod,
)

DEFAULT_END = date(2026, 10, 31)
DAYS = 730
BATCH_SIZE = 10_000
PARALLEL_MIN_CERTIFICATES = 20_000
OTHER_STATUS_SHARE = 0.15  # applications not (yet) issued, relative to certificates
REPLACED_SHARE = 0.02
WITHDRAWN_SHARE = 0.01
ENTRY_DECLARATION_SHARE = 0.06
OPEN_WINDOW_DAYS = 14  # applications still in the officers' queues were created this recently
CST = int(CHINA_OFFSET.total_seconds())  # China Standard Time offset, seconds
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
