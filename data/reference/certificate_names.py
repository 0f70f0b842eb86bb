"""Certificate type names in the overseas portal's languages (Russian, Japanese, Korean, Vietnamese).

The certificate_type table holds each type's Chinese and English names (editable by
administrators); the destination markets' names of the shipped types (data/reference/catalog.py
CERTIFICATE_TYPES) live here, by type code. A type without an entry here, or a language without
one, shows its English name; Chinese and English always come from the table, so an administrator's
renaming shows there at once (and should be repeated here for the other languages).
"""
from __future__ import annotations

PORTAL_TYPE_NAMES: dict[str, dict[str, str]] = {
    "14": {"ru": "Ветеринарный (санитарный) сертификат", "ja": "獣医衛生証明書", "ko": "수의위생증명서",
           "vi": "Giấy chứng nhận thú y (vệ sinh)"},
    "18": {"ru": "Фитосанитарный сертификат", "ja": "植物検疫証明書", "ko": "식물검역증명서",
           "vi": "Giấy chứng nhận kiểm dịch thực vật"},
    "16": {"ru": "Санитарный сертификат", "ja": "衛生証明書", "ko": "위생증명서", "vi": "Giấy chứng nhận vệ sinh"},
    "15": {"ru": "Сертификат здоровья", "ja": "健康証明書", "ko": "건강증명서", "vi": "Giấy chứng nhận sức khỏe"},
    "11": {"ru": "Сертификат качества", "ja": "品質証明書", "ko": "품질증명서", "vi": "Giấy chứng nhận chất lượng"},
    "19": {"ru": "Сертификат фумигации/дезинфекции", "ja": "燻蒸・消毒証明書", "ko": "훈증/소독 증명서",
           "vi": "Giấy chứng nhận xông hơi/khử trùng"},
    "99": {"ru": "Прочий сертификат", "ja": "その他の証明書", "ko": "기타 증명서", "vi": "Giấy chứng nhận khác"},
    "21": {"ru": "Обменный талон на вывозимые товары", "ja": "出境貨物証明書引換票", "ko": "출경화물 증서교환증",
           "vi": "Phiếu đổi chứng từ hàng hóa xuất cảnh"},
    "17": {"ru": "Сертификат здоровья животных", "ja": "動物衛生証明書", "ko": "동물위생증명서",
           "vi": "Giấy chứng nhận sức khỏe động vật"},
    "31": {"ru": "Результат проверки эксплуатационных свойств упаковки", "ja": "包装性能検査結果票",
           "ko": "포장성능 검사결과서", "vi": "Phiếu kết quả kiểm tra tính năng bao bì"},
    "32": {"ru": "Результат экспертизы транспортной упаковки", "ja": "輸送包装鑑定結果票",
           "ko": "운송포장 감정결과서", "vi": "Phiếu kết quả giám định bao bì vận chuyển"},
}


def certificate_type_name(code: str, name_zh: str, name_en: str, lang: str) -> str:
    """The type's name in `lang`: Chinese or English from the table, the others from PORTAL_TYPE_NAMES."""
    if lang == "zh":
        return name_zh or name_en
    if lang == "en":
        return name_en or name_zh
    return PORTAL_TYPE_NAMES.get(code, {}).get(lang) or name_en or name_zh
