"""Cities and ports of the Dalian districts: places printed on certificates and used by the demo data."""
from __future__ import annotations

# district code -> (city in Chinese, city in English): the place of issue printed on certificates
CITIES = {"0901": ("大连", "DALIAN"), "0903": ("大连", "DALIAN"), "0908": ("大连", "DALIAN"),
          "0911": ("大连", "DALIAN"), "0915": ("庄河", "ZHUANGHE"), "0917": ("大连", "DALIAN"),
          "0930": ("丹东", "DANDONG"), "0950": ("营口", "YINGKOU"), "0960": ("丹东", "DANDONG"),
          "0980": ("鞍山", "ANSHAN")}
# district code -> the district's main port
PORTS = {"0901": "大连港", "0903": "大连港", "0908": "大窑湾港", "0911": "长兴岛港", "0915": "庄河港",
         "0917": "旅顺新港", "0930": "丹东港", "0950": "营口港鲅鱼圈港区", "0960": "丹东港大东港区", "0980": "大连港"}
AIRPORT = "大连周水子国际机场"
HOME_CUSTOMS = "0900"  # the direct customs these districts belong to (大连海关): it receives what no port claims
# unloading ports an inbound certificate may name (UN/LOCODE, or the port's or city's name in English or
# Chinese) -> the district whose officers receive the certificate until it is matched to a declaration
UNLOADING_PORTS = {
    "CNDLC": "0901", "DALIAN": "0901", "DALIANPORT": "0901", "DAYAOWAN": "0908", "CHANGXINGDAO": "0911",
    "ZHUANGHE": "0915", "LUSHUN": "0917", "LUSHUNNEWPORT": "0917", "CNDDG": "0930", "DANDONG": "0930",
    "CNYIK": "0950", "YINGKOU": "0950", "BAYUQUAN": "0950", "DADONGGANG": "0960",
    **{name: code for code, name in PORTS.items() if code not in ("0903", "0980")},
    "大连": "0901", "丹东": "0930", "营口": "0950",
}


def unloading_district(port: str | None) -> str | None:
    """The district receiving certificates for `port` (a UN/LOCODE or a name, as certificates write it)."""
    key = "".join((port or "").upper().split()).replace(",", "").replace("-", "")
    if not key:
        return None
    if key in UNLOADING_PORTS:
        return UNLOADING_PORTS[key]
    for name, code in UNLOADING_PORTS.items():  # "DALIAN, CHINA", "大连港大窑湾港区"
        if len(name) >= 2 and key.startswith(name.upper()):
            return code
    return None
