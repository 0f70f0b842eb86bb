"""World regions of destination countries: the continent each ISO 3166-1 country lies in, and the trade blocs
the statistics filter by. Continents partition the countries (every certificate destination has exactly one);
a country may belong to several blocs, so blocs filter and never split a total.

Continents follow the UN geoscheme's six inhabited ones with the Americas split at Panama (Central America
and the Caribbean count as North America) and Antarctica; Turkey, Cyprus and the Caucasus count as Asia.
Bloc membership is as of 2026 (Bolivia a full member of Mercosur since 2024)."""
from __future__ import annotations

from dashboard.core.i18n import N_

CONTINENTS: dict[str, tuple[str, str]] = {  # code -> (label message id, member countries)
    "africa": (N_("Africa"), "DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS LR "
                             "LY MG MW ML MR MU YT MA MZ NA NE NG RE RW SH ST SN SC SL SO ZA SS SD TZ TG TN UG EH "
                             "ZM ZW"),
    "asia": (N_("Asia"), "AF AM AZ BH BD BT BN KH CN CY GE HK IN ID IR IQ IL JP JO KZ KW KG LA LB MO MY MV MN MM NP "
                         "KP OM PK PS PH QA SA SG KR LK SY TW TJ TH TL TR TM AE UZ VN YE IO"),
    "europe": (N_("Europe"), "AX AL AD AT BY BE BA BG HR CZ DK EE FO FI FR DE GI GR GG VA HU IS IE IM IT JE LV LI "
                             "LT LU MT MD MC ME NL MK NO PL PT RO RU SM RS SK SI ES SJ SE CH UA GB"),
    "north_america": (N_("North America"), "AI AG AW BS BB BZ BM BQ VG CA KY CR CU CW DM DO SV GL GD GP GT HT HN "
                                           "JM MQ MX MS NI PA PR BL KN LC MF PM VC SX TT TC US VI UM"),
    "south_america": (N_("South America"), "AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE"),
    "oceania": (N_("Oceania"), "AS AU CK FJ PF GU HM KI MH FM NR NC NZ NU NF MP PW PG PN WS SB TK TO TV VU WF CC "
                               "CX"),
    "antarctica": (N_("Antarctica"), "AQ TF"),
}
UNKNOWN = "unknown"  # a certificate without a destination, or a code no continent lists
UNKNOWN_LABEL = N_("No destination")

_ASEAN = "BN KH ID LA MY MM PH SG TH VN"
BLOCS: dict[str, tuple[str, str]] = {
    "eu": (N_("European Union"), "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE"),
    "asean": (N_("ASEAN"), _ASEAN),
    "rcep": (N_("RCEP"), f"{_ASEAN} CN JP KR AU NZ"),
    "eaeu": (N_("Eurasian Economic Union"), "RU BY KZ KG AM"),
    "gcc": (N_("Gulf Cooperation Council"), "SA AE QA KW BH OM"),
    "usmca": (N_("USMCA"), "US CA MX"),
    "mercosur": (N_("Mercosur"), "AR BR PY UY BO"),
}

CONTINENT_OF: dict[str, str] = {country: code for code, (_label, members) in CONTINENTS.items()
                                for country in members.split()}
MEMBERS: dict[str, frozenset[str]] = {code: frozenset(members.split())
                                      for code, (_label, members) in (*CONTINENTS.items(), *BLOCS.items())}
LABELS: dict[str, str] = {code: label for code, (label, _members) in (*CONTINENTS.items(), *BLOCS.items())}
LABELS[UNKNOWN] = UNKNOWN_LABEL


def continent_of(country: str | None) -> str:
    """The continent code of an ISO alpha-2 country ("unknown" for none or a code no continent lists)."""
    return CONTINENT_OF.get((country or "").upper(), UNKNOWN)


def countries_of(region: str) -> frozenset[str]:
    """The countries of a continent or bloc (empty for a code that is neither)."""
    return MEMBERS.get(region, frozenset())
