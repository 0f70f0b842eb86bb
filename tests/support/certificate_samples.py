"""Certificate content for every shipped format, built without a store: fixed values, so that the
rendered pages are the same on every run (reference images) and tests need no database."""
from __future__ import annotations

import dataclasses
from datetime import date, datetime, timezone

from data.reference.catalog import CERTIFICATE_FORMATS, CERTIFICATE_TYPES
from exports.certificate.sps_xml import PdfAttachment, sps_certificate_xml
from exports.types import (
    Authority,
    CertificateContent,
    CertificateTypeInfo,
    Coded,
    ContainerInfo,
    DeclarationFacts,
    FieldValue,
    FormatInfo,
    GoodsItem,
    Party,
    Signatory,
    Transport,
    Unit,
)

FORMAT_CODES = tuple(f.code for f in CERTIFICATE_FORMATS)
NUMBER = "0901261400000123"
VERIFY_URL = f"https://certdash.example/verify/{NUMBER}?t=3f6c0e1d9a7b4c2e8f5a6b7c8d9e0f1a"

KOREA = Coded("KR", "韩国", "Korea, Republic of")
SEA = Coded("1", "水路运输", "Maritime transport")
CARTON = Coded("CT", "纸箱", "Carton")
CHINA = Coded("CN", "中国", "China")
USD = Coded("USD", "美元", "US Dollar")
KG = Unit("035", "千克", "kilogram", "KGM")

# a value for every field key of the shipped formats
VALUES = {
    "consignor": "大连海晟水产有限公司\nDALIAN HAISHENG AQUATIC CO., LTD.\nNO. 8 HUANGHAI ROAD, DALIAN, CHINA",
    "consignee": "KOREA SEAFOOD INC.\n123 JUNG-GU, BUSAN, KOREA",
    "description": "冷冻鳕鱼片 FROZEN COD FILLETS",
    "weight": "24000", "quantity": "24000", "quantity_weight": "24000",
    "origin": "大连 DALIAN", "marks": "N/M", "packages": "2400 CT",
    "container_no": "TGHU1234567", "seal_no": "S-99",
    "establishment": "大连海晟水产有限公司 2100/02001 DALIAN HAISHENG AQUATIC CO., LTD.",
    "despatch_place": "大连 DALIAN", "destination": "KR", "npp_country": "KR", "destination_port": "釜山 BUSAN",
    "conveyance": "1", "despatch_date": "2026-03-01", "production_date": "2026-02-10",
    "inspection_date": "2026-02-25", "valid_until": "2026-05-25", "treatment_date": "2026-02-26",
    "botanical_name": "Gadus morhua", "treatment": "熏蒸 Fumigation", "chemical": "溴甲烷 Methyl bromide",
    "concentration": "48 g/m³", "duration_temperature": "24 h, 21 °C",
    "additional_info": "无 None", "additional_declaration": "货物不带有活体害虫。The goods are free from live pests.",
    "inspection_results": "经检验，上述货物符合要求。The goods were inspected and found to conform.",
    "content": "上述货物来自经批准的加工厂。The goods come from an approved establishment.",
    "species": "牛 Cattle", "breed": "安格斯 Angus", "number": "20",
    "identification": "耳标 Ear tags CN-0001 to CN-0020",
    "premises": "大连隔离场 DALIAN QUARANTINE PREMISES, JINZHOU DISTRICT",
    "hs_code": "0303630000", "declared_value": "USD 36000",
    "manufacturer": "大连海晟水产有限公司 DALIAN HAISHENG AQUATIC CO., LTD.", "batch_no": "B-20260210",
    "packaging_result_no": "0901260310000042", "contract_no": "HS-2026-018", "lc_no": "LC-88123",
    "containers": "40HC × 2", "inspection_basis": "GB 2733-2015", "applicant": "大连海晟水产有限公司",
    "packaging_type": "纸箱 Fibreboard box 40×30×20 cm", "un_code": "4G/Y30/S/26/CN/1234",
    "packaging_batch_no": "P-2602", "packaging_manufacturer": "大连包装制品有限公司",
    "material": "瓦楞纸板 Corrugated board, 大连", "packaging_quantity": "2400", "goods": "涂料 Paint",
    "goods_state": "液体 Liquid", "dangerous_goods_class": "3", "packaging_user": "大连化工有限公司",
    "test_results": "合格 Passed", "performance_result_no": "0901260310000042", "dangerous_goods": "涂料 PAINT",
    "un_number": "UN1263", "packing_group": "II", "assessment_basis": "SN/T 0370",
    "remarks": "",
}
CODED = {"country": KOREA, "transport_mode": SEA, "packages": CARTON}

_TYPES = {t.code: t for t in CERTIFICATE_TYPES}
_FORMATS = {f.code: f for f in CERTIFICATE_FORMATS}


def goods(count: int) -> tuple[GoodsItem, ...]:
    return tuple(GoodsItem(n, "0303630000", f"冷冻鳕鱼片 第{n}批", f"FROZEN COD FILLETS LOT {n}", "大连", CHINA,
                           "1000", KG, "1000.5", KG, 100, CARTON, "12000", USD) for n in range(1, count + 1))


def sample_content(format_code: str = "C3-1", *, goods_lines: int = 3, issued: bool = True,
                   layout: dict | None = None) -> CertificateContent:
    """The content of a certificate of that format: issued (number, QR) or a draft (neither)."""
    f = _FORMATS[format_code]
    t = _TYPES[f.cert_type_code]
    fields = tuple(
        FieldValue(x.key, x.label_zh, x.label_en, x.kind, x.required, VALUES.get(x.key, ""),
                   CODED.get(x.kind) if VALUES.get(x.key) else None,
                   date.fromisoformat(VALUES[x.key]) if x.kind == "date" and VALUES.get(x.key) else None)
        for x in f.fields)
    return CertificateContent(
        application_id=7, cert_type=CertificateTypeInfo(t.code, t.name_zh, t.name_en),
        format=FormatInfo(f.code, f.name_zh, f.name_en, tuple(f.languages.split(",")),
                          f.layout.as_dict() if layout is None else layout),
        certificate_no=NUMBER if issued else None, serial="01", status="issued" if issued else "draft",
        replaces_no=None, status_reason=None,
        authority=Authority("0901", "大连港湾海关", "Dalian Gangwan Customs", "大连海关", "Dalian Customs",
                            "大连 DALIAN"),
        issue_date=date(2026, 3, 9) if issued else None,
        consignor=Party("大连海晟水产有限公司", "DALIAN HAISHENG AQUATIC CO., LTD.", "DALIAN, CHINA", "91210200MA0001"),
        consignee=Party("", "KOREA SEAFOOD INC.", "BUSAN, KOREA", ""),
        fields=fields, goods=goods(goods_lines),
        transport=Transport(SEA, "COSCO STAR", "V.123E", "大连 DALIAN", "釜山 BUSAN", date(2026, 3, 1), None),
        export_country=CHINA, dest_country=KOREA, marks="N/M", seals=("S-99",),
        containers=(ContainerInfo("TGHU1234567", "40HC", "S-99"),),
        declaration=DeclarationFacts("209000000000001", date(2026, 2, 20), "HS-2026-018", "COSU123456", None,
                                     "36000", USD),
        verify_url=VERIFY_URL if issued else None,
        signatory=Signatory(f.layout.signatory_zh, f.layout.signatory_en, "cloud" if issued else None,
                            "王海" if issued else ""),
        moment=datetime(2026, 3, 9, 8, 0, tzinfo=timezone.utc),
        field_index={x.key: x for x in fields},
    )


KOREA_EXPORTER = Coded("KR", "韩国", "Korea")


def foreign(number: str = "KR2026-000123", *, to: Coded = CHINA, pdf: PdfAttachment | None = None,
            status: str = "valid", export_country: Coded = KOREA_EXPORTER, **changes) -> bytes:
    """An SPS certificate of Korea (or `export_country`) for goods going to `to`, as the exchange carries it:
    shipped from Busan to Dalian unless `transport` says otherwise."""
    content = sample_content("C3-1", goods_lines=2)
    changes.setdefault("transport", dataclasses.replace(content.transport, departure_port="釜山 BUSAN",
                                                        arrival_port="DALIAN"))
    content = dataclasses.replace(content, certificate_no=number, export_country=export_country, dest_country=to,
                                  status=status, **changes)
    return sps_certificate_xml(content, pdf=pdf)
