"""Consistency of an application with its declaration: the goods' weight.

An application's goods are copied or typed from the declaration's; a certificate whose goods weigh
20,000 kg while the declaration says 38,000 kg must not pass unnoticed. The weights are summed in
kilograms (units by their UN/ECE Rec. 20 code, as the unit dictionary gives it) and compared with a
tolerance for rounding. Lines in a unit that is not a weight, or without a weight, make the sum
unknown: nothing is said then.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.models import ApplicationGoods, CertificateApplication, DictEntry, GoodsLine

KILOGRAMS = {"KGM": Decimal(1), "GRM": Decimal("0.001"), "TNE": Decimal(1000), "DTN": Decimal(100),
             "LTN": Decimal("1016.0469088"), "STN": Decimal("907.18474"), "LBR": Decimal("0.45359237"),
             "MGM": Decimal("0.000001")}
TOLERANCE = Decimal("0.005")  # half a percent: rounding of weights typed in different units


@dataclass(frozen=True)
class WeightMismatch:
    application_kg: Decimal
    declaration_kg: Decimal


def _factors(s: Session, codes: set[str]) -> dict[str, Decimal]:
    rows = s.execute(select(DictEntry.code, DictEntry.extra).where(DictEntry.dictionary == "unit",
                                                                   DictEntry.code.in_(sorted(codes))))
    found = {code: str((extra or {}).get("rec20") or "") for code, extra in rows}
    return {code: KILOGRAMS[rec20] for code, rec20 in found.items() if rec20 in KILOGRAMS}


def _kilograms(lines: list[tuple[Decimal | None, str | None]], factors: dict[str, Decimal]) -> Decimal | None:
    total = Decimal(0)
    for weight, unit in lines:
        if weight is None or unit not in factors:
            return None
        total += Decimal(weight) * factors[unit]
    return total if lines else None


def weight_mismatch(s: Session, app: CertificateApplication) -> WeightMismatch | None:
    """The application's goods weigh other than the declaration's (None: they agree, or cannot be compared)."""
    if app.declaration_id is None:
        return None
    mine = [tuple(r) for r in s.execute(select(ApplicationGoods.weight, ApplicationGoods.weight_unit)
                                        .where(ApplicationGoods.application_id == app.id))]
    declared = [tuple(r) for r in s.execute(select(GoodsLine.weight, GoodsLine.weight_unit)
                                            .where(GoodsLine.declaration_id == app.declaration_id))]
    factors = _factors(s, {u for _w, u in mine + declared if u})
    application_kg, declaration_kg = _kilograms(mine, factors), _kilograms(declared, factors)
    if application_kg is None or declaration_kg is None or declaration_kg == 0:
        return None
    if abs(application_kg - declaration_kg) <= declaration_kg * TOLERANCE:
        return None
    return WeightMismatch(application_kg, declaration_kg)
