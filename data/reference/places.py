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
