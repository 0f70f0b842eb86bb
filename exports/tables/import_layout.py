"""The workbook layout of the declaration imports (Jiucheng 3.4.5 数据导入): column headers, labels
and section titles that the import templates write and the importers read."""
from __future__ import annotations

# Each importable GoodsLine column and the header the Jiucheng default template gives it.
DEFAULT_GOODS_HEADERS: dict[str, str] = {
    "hs_code": "HS编码", "name_zh": "货物中文名", "name_en": "货物英文名", "spec": "规格", "origin_place": "原产地",
    "origin_country": "原产国", "weight": "重量", "weight_unit": "重量单位", "quantity": "数量",
    "quantity_unit": "数量单位", "packages": "包装件数", "package_type": "包装种类", "currency": "币种",
    "unit_price": "单价",
    # not in Jiucheng's template, importable by these headers or a mapping
    "purpose": "用途", "value": "货物总值", "ciq_code": "CIQ代码", "model": "型号", "brand": "品牌",
    "production_unit": "生产单位名称", "production_unit_reg_no": "生产单位注册号", "production_date": "生产日期",
    "batch_no": "生产批号",
}
# Jiucheng's goods template, in its order, without its HS standard quantity columns (we keep none)
# and with 用途, which a saved declaration's goods line needs.
GOODS_TEMPLATE_COLUMNS = ("hs_code", "name_zh", "name_en", "spec", "origin_place", "origin_country", "weight",
                          "weight_unit", "quantity", "quantity_unit", "packages", "package_type", "currency",
                          "unit_price", "purpose")
CONTAINER_HEADERS = {"number": "集装箱号", "spec": "规格", "count": "数量", "lcl": "拼箱标识", "seal_no": "封识号"}
CONTAINER_TEMPLATE_COLUMNS = ("number", "spec")  # Jiucheng's container template

BOTH, EXIT, ENTRY = ("exit", "entry"), ("exit",), ("entry",)
# Jiucheng's 全单导入 layout: label/value pairs in the 基本信息 block, in its order. The field is the
# Declaration column (or "documents" for 随附单据); None where our declaration keeps no such field.
DECLARATION_LABELS: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("报检日期", "inspection_date", BOTH), ("报检类别", "category", BOTH), ("用户标识", None, BOTH),
    ("报检号", None, BOTH),  # handed out when the declaration is sent
    ("报检登记号", None, BOTH), ("单位名称", None, BOTH),  # the acting enterprise's own
    ("报检员编码", "declarant_code", BOTH), ("报检员名称", "declarant_name", BOTH), ("联系人", "contact_name", BOTH),
    ("联系电话", "contact_phone", BOTH),
    ("收货人代码", "consignee_code", BOTH), ("收货人中文", "consignee_zh", BOTH), ("收货人英文", "consignee_en", BOTH),
    ("收货人地址", "consignee_address", BOTH),
    ("发货人代码", "consignor_code", BOTH), ("发货人中文", "consignor_zh", BOTH), ("发货人英文", "consignor_en", BOTH),
    ("发货人地址", "consignor_address", BOTH),
    ("报检地", "district_code", BOTH), ("领证地", "issue_district_code", BOTH),
    ("(出境)口岸机构", "port_authority_code", EXIT), ("(出境)施检地", "inspection_place_code", EXIT),
    ("合同号", "contract_no", BOTH), ("运输方式", "transport_mode", BOTH), ("运输工具", "transport_means", BOTH),
    ("号码", "transport_no", BOTH),
    ("贸易方式", "trade_mode", BOTH), ("(出境)输往国家", "dest_country", EXIT),
    ("(出境)离境口岸", "departure_port", EXIT), ("(出境)到达口岸", "arrival_port", EXIT),
    ("(出境)存放地点", "storage_place", EXIT), ("(出境)发货日期", "despatch_date", EXIT),
    ("(入境)口岸机构", "port_authority_code", ENTRY), ("(出境)提/运单号", "bl_no", EXIT),
    ("(入境)提货单号", None, ENTRY), ("(入境)提/运单号", "bl_no", ENTRY), ("(入境)分运单号", None, ENTRY),
    ("(入境)原箱装载标识", None, ENTRY),
    ("(入境)启运口岸", "departure_port", ENTRY), ("(入境)启运国家", "origin_country", ENTRY),
    ("(入境)贸易国别", None, ENTRY), ("(入境)经停口岸", None, ENTRY),
    ("(入境)入境口岸", "arrival_port", ENTRY), ("(入境)存放地点", "storage_place", ENTRY),
    ("(入境)目的地", None, ENTRY), ("(入境)目的机构", None, ENTRY),
    ("(入境)启运日期", None, ENTRY), ("(入境)到货日期", "arrival_date", ENTRY), ("(入境)卸单日期", None, ENTRY),
    ("(入境)索赔截止日期", None, ENTRY),
    ("报关海关", "customs_declaration_district", BOTH), ("海关注册号", None, BOTH),
    ("关联报检号", "related_inspection_no", BOTH), ("关联理由", "related_reason", BOTH),
    ("标记号码", "marks", BOTH), ("特种业务标示", None, BOTH), ("特殊通关模式", None, BOTH),
    ("所需单据", "required_documents", BOTH), ("特殊要求", "special_requirements", BOTH),
    ("随附单据", "documents", BOTH),
)
# Jiucheng's block starts its second part here (基本信息【其他】)
OTHER_INFO_FROM = "报检地"
SECTION_TITLES = ("基本信息", "基本信息【其他】", "货物信息", "集装箱信息")
