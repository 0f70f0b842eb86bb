"""Certificate PDFs with reportlab: the printed form of every certificate format.

`render_certificate(content, draft=...)` lays out a `data.certificates.content.CertificateContent`
as a real certificate (the veterinary certificate of the Liaoning manual 5.3.1 is the model): the
issuing authority and the bilingual title, numbered boxes with the format's fields under Chinese and
English captions, a goods table that repeats its header and flows onto further pages, the
attestation, place and date of issue with the official's line, "page x of y" and the certificate
number on every page, the QR code of the public verification address, and a diagonal
"草稿 / DRAFT" watermark on every page of a draft.

Text is set in one embedded TrueType CJK font (WenQuanYi Micro Hei, subset-embedded): no built-in
PDF font is ever referenced, so a reader without Chinese fonts shows the same page. The same content
gives the same bytes: the PDF's dates come from the content, its ID from the content's digest.

The layout values an administrator may set on a format (CertificateFormat.layout) are listed in
LAYOUT_PARAMETERS; `clean_layout` reads them (a bad or missing value falls back to its default, it
never fails) and `layout_problems` says what is wrong with a value, for the format editor.
"""
from __future__ import annotations

import functools
import io
import itertools
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCode
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from exports.fonts import FONT_NAME, register_font
from exports.names import latin_name
from exports.types import CertificateContent, Coded, FieldValue, GoodsItem, Unit

# --- layout parameters --------------------------------------------------------------------------


class LayoutParameter(NamedTuple):
    """One value of CertificateFormat.layout the renderer reads.

    kind: "choice" (one of `choices`), "number" (float in [minimum, maximum]), "flag" (true/false),
    "text" (at most `maximum` characters; '' means the default named in the caption),
    "margins" ({"top", "right", "bottom", "left"} in mm, each in [minimum, maximum]),
    "columns" (an ordered list of distinct `choices`, at least one).
    """

    key: str
    kind: str
    default: Any  # of the kind's type: str, float, bool, {side: mm} or a tuple of column keys
    caption_zh: str
    caption_en: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()


PAGE_SIZES = {"A4": A4, "Letter": LETTER}
# goods table columns: key -> (caption zh, caption en, relative width)
GOODS_COLUMNS: dict[str, tuple[str, str, float]] = {
    "seq": ("序号", "No.", 0.5),
    "description": ("货物描述", "Description of Goods", 3.2),
    "hs_code": ("HS编码", "HS Code", 1.25),
    "origin": ("产地", "Origin", 1.1),
    "quantity": ("数量", "Quantity", 1.25),
    "weight": ("重量", "Weight", 1.25),
    "packages": ("包装种类及数量", "Packages", 1.35),
    "value": ("货值", "Value", 1.2),
}
DEFAULT_GOODS_COLUMNS = ("seq", "description", "hs_code", "origin", "quantity", "weight", "packages")

LAYOUT_PARAMETERS: tuple[LayoutParameter, ...] = (
    LayoutParameter("page_size", "choice", "A4", "纸张大小", "Page size", choices=tuple(PAGE_SIZES)),
    LayoutParameter("margins_mm", "margins", {"top": 20, "right": 15, "bottom": 20, "left": 15},
                    "页边距（毫米：上、右、下、左）", "Margins (mm: top, right, bottom, left)", 10, 40),
    LayoutParameter("title_zh", "text", "", "中文标题（空：证书类型名称）", "Chinese title (empty: the certificate type's name)",
                    maximum=64),
    LayoutParameter("title_en", "text", "", "英文标题（空：证书类型名称）", "English title (empty: the certificate type's name)",
                    maximum=128),
    LayoutParameter("title_font_size", "number", 15.0, "标题字号（磅）", "Title font size (pt)", 10, 24),
    LayoutParameter("font_size", "number", 9.0, "正文字号（磅）", "Body font size (pt)", 6, 12),
    LayoutParameter("goods_table", "flag", True, "打印货物明细表", "Print the goods table"),
    LayoutParameter("goods_columns", "columns", DEFAULT_GOODS_COLUMNS, "货物明细表的列", "Columns of the goods table",
                    choices=tuple(GOODS_COLUMNS)),
    LayoutParameter("qr_code", "flag", True, "打印核查二维码", "Print the verification QR code"),
    LayoutParameter("qr_size_mm", "number", 24.0, "二维码边长（毫米）", "QR code size (mm)", 15, 40),
    LayoutParameter("official_stamp", "flag", True, "打印印章栏", "Print the official stamp box"),
    LayoutParameter("signatory_zh", "text", "", "签字人职务（中文，空：授权签字人）",
                    "Signatory's title in Chinese (empty: 授权签字人)", maximum=32),
    LayoutParameter("signatory_en", "text", "", "签字人职务（英文，空：Authorized Officer）",
                    "Signatory's title in English (empty: Authorized Officer)", maximum=64),
    LayoutParameter("attestation_zh", "text", "", "证明文字（中文，空：证书类型的标准文字）",
                    "Attestation in Chinese (empty: the certificate type's standard text)", maximum=1000),
    LayoutParameter("attestation_en", "text", "", "证明文字（英文，空：证书类型的标准文字）",
                    "Attestation in English (empty: the certificate type's standard text)", maximum=2000),
)
_PARAMETERS = {p.key: p for p in LAYOUT_PARAMETERS}
_SIDES = ("top", "right", "bottom", "left")


def _bounds(p: LayoutParameter) -> tuple[float, float]:
    """The inclusive range of a number, margin or text-length parameter (declared for those kinds)."""
    if p.minimum is None and p.maximum is None:
        raise ValueError(f"layout parameter {p.key} has no bounds")
    return (p.minimum or 0.0, p.maximum if p.maximum is not None else float("inf"))


def _checked(p: LayoutParameter, value) -> tuple[Any, str | None]:
    """(the value as the renderer uses it, None) or (the default, reason code) for one parameter."""
    if p.kind == "choice":
        return (value, None) if value in p.choices else (p.default, "not_a_choice")
    if p.kind == "flag":
        return (value, None) if isinstance(value, bool) else (p.default, "not_a_flag")
    if p.kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return p.default, "not_a_number"
        low, high = _bounds(p)
        return (float(value), None) if low <= value <= high else (p.default, "out_of_range")
    if p.kind == "text":
        if not isinstance(value, str):
            return p.default, "not_text"
        return (value.strip(), None) if len(value) <= _bounds(p)[1] else (p.default, "too_long")
    if p.kind == "margins":
        if not isinstance(value, dict) or set(value) != set(_SIDES):
            return dict(p.default), "bad_margins"
        sides = [value[side] for side in _SIDES]
        if any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in sides):
            return dict(p.default), "not_a_number"
        low, high = _bounds(p)
        if not all(low <= v <= high for v in sides):
            return dict(p.default), "out_of_range"
        return {side: float(value[side]) for side in _SIDES}, None
    if p.kind == "columns":
        if (not isinstance(value, (list, tuple)) or not value or len(set(map(str, value))) != len(value)
                or not all(v in p.choices for v in value)):
            return tuple(p.default), "bad_columns"
        return tuple(value), None
    raise ValueError(f"unknown parameter kind {p.kind}")


def layout_problems(layout) -> dict[str, str]:
    """What is wrong with a format's layout values: key -> reason code, {} when all are good.

    Reasons: unknown_parameter, not_a_choice, not_a_flag, not_a_number, out_of_range, not_text,
    too_long, bad_margins, bad_columns; "layout" -> not_an_object when it is not a JSON object.
    """
    if not isinstance(layout, dict):
        return {"layout": "not_an_object"}
    problems = {key: "unknown_parameter" for key in layout if key not in _PARAMETERS}
    for key, value in layout.items():
        if key in _PARAMETERS:
            reason = _checked(_PARAMETERS[key], value)[1]
            if reason:
                problems[key] = reason
    return problems


def clean_layout(layout) -> dict[str, Any]:
    """Every parameter of LAYOUT_PARAMETERS with a usable value: the format's, or the default if missing or bad."""
    given = layout if isinstance(layout, dict) else {}
    return {p.key: _checked(p, given[p.key])[0] if p.key in given else
            (dict(p.default) if isinstance(p.default, dict) else p.default) for p in LAYOUT_PARAMETERS}


# --- texts printed on every certificate ---------------------------------------------------------

AUTHORITY_ZH = "中华人民共和国海关"
AUTHORITY_EN = "CUSTOMS OF THE PEOPLE'S REPUBLIC OF CHINA"
DEFAULT_SIGNATORY = ("授权签字人", "Authorized Officer")
# the standard attestation of each certificate type (a format's layout may replace it)
ATTESTATIONS: dict[str, tuple[str, str]] = {
    "14": ("兹证明上述货物来自安全非疫区，经宰前宰后检验检疫，未发现传染病和寄生虫病，适合人类食用。",
           "This is to certify that the goods described above originate from a safe area free from epizootic "
           "diseases, were subjected to ante-mortem and post-mortem veterinary inspection, were found free from "
           "infectious and parasitic diseases and are fit for human consumption."),
    "18": ("兹证明上述植物、植物产品或其他检疫物已经按照规定程序进行检查和/或检验，被认为不带有输入国或地区规定的"
           "检疫性有害生物，并且基本不带有其他的有害生物，因而符合输入国或地区现行的植物检疫要求。",
           "This is to certify that the plants, plant products or other regulated articles described herein have "
           "been inspected and/or tested according to appropriate official procedures and are considered to be "
           "free from the quarantine pests specified by the importing contracting party and to conform with the "
           "current phytosanitary requirements of the importing contracting party."),
    "16": ("兹证明上述货物经检验检疫，符合卫生要求，适合人类食用。",
           "This is to certify that the goods described above have been inspected, meet the sanitary "
           "requirements and are fit for human consumption."),
    "15": ("兹证明上述货物经检验检疫，未发现有害健康的因素，适合人类食用。",
           "This is to certify that the goods described above have been inspected, were found free from "
           "factors harmful to health and are fit for human consumption."),
    "11": ("兹证明上述货物经检验，其品质符合合同及有关标准的规定。",
           "This is to certify that the goods described above have been inspected and that their quality "
           "conforms to the contract and the relevant standards."),
    "19": ("兹证明上述货物已按规定进行熏蒸/消毒处理。",
           "This is to certify that the goods described above have been fumigated/disinfected as stated."),
    "99": ("兹证明上述内容属实。", "This is to certify that the particulars given above are correct."),
    "21": ("上述货物业经检验检疫，请海关予以放行。",
           "The goods described above have been inspected and quarantined; clearance is requested."),
    "17": ("兹证明上述动物经出境前隔离检疫，临床检查健康，未发现传染病和寄生虫病，适合出口。",
           "This is to certify that the animals described above were quarantined before export, were found "
           "clinically healthy and free from infectious and parasitic diseases, and are fit for export."),
    "31": ("上述包装容器经检验，其性能符合检验依据的要求。",
           "The packagings described above have been tested; their performance meets the requirements of the "
           "basis of inspection."),
    "32": ("上述包装的使用经鉴定，符合危险货物安全运输的要求。",
           "The use of the packagings described above has been assessed and meets the requirements for the "
           "safe transport of dangerous goods."),
}
WATERMARK = "草稿 / DRAFT"
EMPTY_VALUE = "***"  # an empty box is filled so that nothing can be added to it by hand
MONTHS = ("Jan.", "Feb.", "Mar.", "Apr.", "May", "Jun.", "Jul.", "Aug.", "Sep.", "Oct.", "Nov.", "Dec.")


# --- styles, built once per size ----------------------------------------------------------------


@dataclass(frozen=True)
class _Styles:
    title: ParagraphStyle
    authority: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    caption: ParagraphStyle
    cell: ParagraphStyle
    header: ParagraphStyle
    centred: ParagraphStyle


@functools.lru_cache(maxsize=32)
def _styles(font_size: float, title_size: float) -> _Styles:
    font = register_font()
    # reportlab's default line breaking splits Chinese between characters too (and is faster than "CJK")
    body = ParagraphStyle("body", fontName=font, fontSize=font_size, leading=font_size * 1.3, alignment=TA_LEFT)
    small = ParagraphStyle("small", parent=body, fontSize=font_size * 0.8, leading=font_size * 1.05)
    return _Styles(
        title=ParagraphStyle("title", parent=body, fontSize=title_size, leading=title_size * 1.3,
                             alignment=TA_CENTER),
        authority=ParagraphStyle("authority", parent=body, fontSize=font_size * 1.15, leading=font_size * 1.45,
                                 alignment=TA_CENTER),
        body=body,
        small=small,
        caption=ParagraphStyle("caption", parent=small, textColor=colors.HexColor("#333333")),
        cell=ParagraphStyle("cell", parent=body, fontSize=font_size * 0.9, leading=font_size * 1.12),
        header=ParagraphStyle("header", parent=small, alignment=TA_CENTER),
        centred=ParagraphStyle("centred", parent=body, alignment=TA_CENTER),
    )


# --- rendering ----------------------------------------------------------------------------------


class _Lang(NamedTuple):
    zh: bool
    en: bool

    def pick(self, zh: str, en: str, sep: str = " ") -> str:
        """The text in the certificate's languages: both (Chinese first), or one of them."""
        parts = [x for x, on in ((zh, self.zh), (en, self.en)) if on and x]
        return sep.join(dict.fromkeys(parts)) or zh or en


def _x(text: str) -> str:
    """Text as paragraph markup: escaped, line breaks kept."""
    return escape(text).replace("\r\n", "\n").replace("\n", "<br/>")


def _day(day: date | None, lang: _Lang) -> str:
    if day is None:
        return ""
    zh, en = f"{day.year}年{day.month}月{day.day}日", f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return en if lang.en else zh


def _coded(value: Coded | Unit | None, lang: _Lang) -> str:
    return lang.pick(value.name_zh, value.name_en, "/") if value else ""


def _amount(number: str, unit: Unit | None, lang: _Lang) -> str:
    """A quantity or weight in a goods cell: the number, its unit's names on the next line."""
    return "\n".join(x for x in (number, _coded(unit, lang)) if x) if number else ""


def _field_text(f: FieldValue, lang: _Lang) -> str:
    if not f.value:
        return ""
    if f.kind == "date" and f.day:
        return _day(f.day, lang)
    if f.kind == "packages" and f.coded:
        return f"{f.value[:-len(f.coded.code)].strip()} {_coded(f.coded, lang)}"
    if f.coded:
        return _coded(f.coded, lang)
    if f.kind == "weight":
        return f"{f.value} {lang.pick('千克', 'kg', '/')}"
    return f.value


class _NumberedCanvas(Canvas):
    """A canvas that keeps its pages until the end, to print "page x of y" on each."""

    def __init__(self, *args, footer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._footer = footer

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._footer(self, self._pageNumber, total)
            Canvas.showPage(self)
        Canvas.save(self)


def _pdf_date(moment: datetime):
    moment = (moment or datetime(2000, 1, 1, tzinfo=timezone.utc)).astimezone(timezone.utc)
    text = moment.strftime("D:%Y%m%d%H%M%S+00'00'")
    return lambda *_: text


def render_certificate(content: CertificateContent, *, draft: bool) -> bytes:
    """Render the certificate as PDF bytes; `draft` puts the 草稿 / DRAFT watermark on every page.

    The same content and flag give the same bytes.
    """
    font = register_font()
    layout = clean_layout(content.format.layout)
    lang = _Lang("zh" in content.format.languages, "en" in content.format.languages)
    st = _styles(layout["font_size"], layout["title_font_size"])
    page_w, page_h = PAGE_SIZES[layout["page_size"]]
    margins = {side: layout["margins_mm"][side] * mm for side in _SIDES}
    band = layout["font_size"] * 1.8  # the running header and footer, drawn in the top and bottom margins
    frame = Frame(margins["left"], margins["bottom"], page_w - margins["left"] - margins["right"],
                  page_h - margins["top"] - margins["bottom"], id="body", leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)
    number = content.certificate_no or ""

    def decorate(canvas: Canvas, _doc) -> None:  # drawn first on every page: behind the text
        canvas.saveState()
        canvas.setFont(font, layout["font_size"] * 0.85)
        canvas.setFillColor(colors.HexColor("#444444"))
        top = page_h - margins["top"]
        canvas.drawString(margins["left"], top + band * 0.55, lang.pick(AUTHORITY_ZH, AUTHORITY_EN))
        canvas.drawRightString(page_w - margins["right"], top + band * 0.55,
                               f"{lang.pick('编号', 'No.')}: {number or '—'}")
        canvas.setLineWidth(0.4)
        canvas.line(margins["left"], top + band * 0.3, page_w - margins["right"], top + band * 0.3)
        if draft:
            # the words as invisible upright text too: text extraction, search and screen readers skip
            # diagonal text, and must still tell that this is a draft
            size = layout["font_size"]
            label = canvas.beginText(page_w / 2 - pdfmetrics.stringWidth(WATERMARK, font, size) / 2, page_h / 2)
            label.setTextRenderMode(3)
            label.setFont(font, size)
            label.textOut(WATERMARK)
            label.setTextRenderMode(0)  # the render mode outlives the text object: back to filled glyphs
            canvas.drawText(label)
            canvas.setFillColor(colors.Color(0.55, 0.55, 0.55, alpha=0.28))
            canvas.setFont(font, min(page_w, page_h) / 7)
            canvas.translate(page_w / 2, page_h / 2)
            canvas.rotate(45)
            canvas.drawCentredString(0, -min(page_w, page_h) / 20, WATERMARK)
        canvas.restoreState()

    def footer(canvas: Canvas, page: int, total: int) -> None:
        canvas.saveState()
        canvas.setFont(font, layout["font_size"] * 0.85)
        canvas.setFillColor(colors.HexColor("#444444"))
        y = margins["bottom"]
        canvas.line(margins["left"], y - band * 0.3, page_w - margins["right"], y - band * 0.3)
        canvas.drawString(margins["left"], y - band * 0.95,
                          f"{lang.pick('证书编号', 'Certificate No.')}: {number or '—'}")
        canvas.drawRightString(page_w - margins["right"], y - band * 0.95,
                               lang.pick(f"第 {page} 页 共 {total} 页", f"Page {page} of {total}", " / "))
        canvas.restoreState()

    out = io.BytesIO()
    title_zh = layout["title_zh"] or content.cert_type.name_zh
    title_en = layout["title_en"] or content.cert_type.name_en
    doc = BaseDocTemplate(
        out, pagesize=(page_w, page_h), leftMargin=margins["left"], rightMargin=margins["right"],
        topMargin=margins["top"], bottomMargin=margins["bottom"], invariant=1, initialFontName=font,
        title=f"{title_en} {number}".strip(), author=content.authority.name_en or content.authority.name_zh,
        subject=f"{content.cert_type.code} {content.format.code}", creator="certdash", producer="certdash",
    )
    doc.addPageTemplates([PageTemplate(id="certificate", frames=[frame], onPage=decorate)])
    width = frame._width
    story = [
        *_title_block(content, layout, lang, st, width, title_zh, title_en),
        Spacer(1, 2 * mm),
        _fields_table(content, lang, st, width),
    ]
    if layout["goods_table"] and content.goods:
        story += [Spacer(1, 2 * mm), _goods_table(content.goods, layout["goods_columns"], lang, st, width)]
    story += [Spacer(1, 2 * mm), KeepTogether([_attestation(content, layout, lang, st, width), Spacer(1, 1 * mm),
                                               _signature_block(content, layout, lang, st, width)])]

    def canvasmaker(*args, **kwargs):
        canvas = _NumberedCanvas(*args, footer=footer, **kwargs)
        canvas.setDateFormatter(_pdf_date(content.moment))
        return canvas

    doc.build(story, canvasmaker=canvasmaker)
    return out.getvalue()


PADDING = 3  # left and right padding of every box, in points


def _cell(text: str, style: ParagraphStyle, width: float):
    """A table cell: the plain text when each of its lines fits the column (drawn directly, a fraction of
    a paragraph's cost; the table gives it the style's font size, leading and colour), else a wrapping
    paragraph in that style."""
    room = width - 2 * PADDING
    if all(pdfmetrics.stringWidth(line, style.fontName, style.fontSize) <= room for line in text.split("\n")):
        return text
    return Paragraph(_x(text), style)


def _text_style(style: ParagraphStyle, first: tuple[int, int], last: tuple[int, int]) -> list[tuple]:
    """The table style commands that give plain-text cells in that range the paragraph style's look."""
    return [("FONTSIZE", first, last, style.fontSize), ("LEADING", first, last, style.leading),
            ("TEXTCOLOR", first, last, style.textColor)]


def _caption(zh: str, en: str, lang: _Lang, number: int | None = None) -> str:
    """A box caption: the Chinese caption with the English one under it (or the one language)."""
    prefix = f"{number}. " if number is not None else ""
    return prefix + lang.pick(zh, en, "\n")


def _title_block(content: CertificateContent, layout: dict, lang: _Lang, st: _Styles, width: float,
                 title_zh: str, title_en: str) -> list:
    a = content.authority
    lines = [Paragraph(_x(AUTHORITY_ZH), st.authority) if lang.zh else None,
             Paragraph(_x(AUTHORITY_EN), st.authority) if lang.en else None,
             Paragraph(_x(lang.pick(a.name_zh, a.name_en)), st.centred) if (a.name_zh or a.name_en) else None,
             Spacer(1, 1 * mm),
             Paragraph(_x(title_zh), st.title) if lang.zh else None,
             Paragraph(_x(title_en), st.title) if lang.en else None]
    lines = [x for x in lines if x is not None]
    number = content.certificate_no or "—"
    facts = [
        f"{lang.pick('编号', 'No.')}: {number}",
        f"{lang.pick('分证序号', 'Serial')}: {content.serial}",
    ]
    if content.declaration.inspection_no:
        facts.append(f"{lang.pick('报检号', 'Inspection No.')}: {content.declaration.inspection_no}")
    lines.append(Spacer(1, 1 * mm))
    lines.append(Paragraph(_x("    ".join(facts)), st.centred))
    if content.replaces_no:
        lines.append(Paragraph(_x(lang.pick(f"本证书替代第 {content.replaces_no} 号证书",
                                            f"This certificate replaces certificate No. {content.replaces_no}",
                                            " / ")), st.centred))
    qr = VerificationQr(content.verify_url, layout["qr_size_mm"] * mm) if layout["qr_code"] and content.verify_url else None
    if qr is None:
        return lines
    side = layout["qr_size_mm"] * mm
    caption = [Paragraph(_x(lang.pick("扫码核查", "Scan to verify", " / ")), st.header)]
    if content.verify_code:  # typed with the number on the verification page, for a paper certificate
        caption.append(Paragraph(_x(f"{lang.pick('验证码', 'Code', ' / ')}: {content.verify_code}"), st.header))
    table = Table([[lines, [qr, *caption]]], colWidths=[width - side - 4 * mm, side + 4 * mm])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT_NAME), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("ALIGN", (1, 0), (1, 0), "CENTER")]))
    return [table]


QR_MASK_PATTERN = 2  # vertical stripes of every third column: no large uniform areas on a URL's modules


class VerificationQr(QrCode):
    """The QR code of the verification address, drawn straight on the canvas (no graphics font
    state), and a link to the same address over it for readers that follow links."""

    def __init__(self, url: str, side: float):
        super().__init__(url, width=side, height=side, qrLevel="M", qrBorder=1)
        self.url = url

    def draw(self):
        qr = self.qr
        if qr.version is None:
            # One fixed mask pattern instead of trying all eight for the lowest penalty (a sixth of a
            # certificate's rendering time): any pattern is valid and every reader decodes it.
            qr.version = qr.calculate_version()
        qr.makeImpl(False, QR_MASK_PATTERN)
        count, border = qr.getModuleCount(), self.qrBorder
        module = self.width / (count + 2 * border)
        # the dark runs of each row as one filled path in module units: integer coordinates written
        # once, instead of a rectangle call (and its number formatting) per run
        runs = []
        for r, row in enumerate(qr.modules):
            y = count - 1 - r
            c = 0
            for dark, group in itertools.groupby(row):
                n = len(list(group))
                if dark:
                    runs.append(f"{c} {y} {n} 1 re")
                c += n
        canv = self.canv
        canv.saveState()
        canv.transform(module, 0, 0, module, border * module, border * module)
        canv.setFillColor(colors.black)
        canv.addLiteral("\n".join(runs) + "\nf")
        canv.restoreState()
        canv.linkURL(self.url, (0, 0, self.width, self.height), relative=1)


_BOX_STYLE = [
    ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),  # cells of plain text: never the built-in Helvetica
    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
    ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
]


SHORT_KINDS = frozenset({"text", "date", "country", "transport_mode", "weight", "packages"})
SHORT_TEXT = 36  # a value longer than this takes a whole row


def _fields_table(content: CertificateContent, lang: _Lang, st: _Styles, width: float) -> Table:
    """The numbered boxes: each field of the format with its captions and value; two short fields
    side by side, a long or multi-line one across the whole width."""
    label_w, half_w = width * 0.2, width * 0.3
    boxes = [(_cell(_caption(f.caption_zh, f.caption_en, lang, n), st.caption, label_w),
              text := (_field_text(f, lang) or EMPTY_VALUE),
              f.kind in SHORT_KINDS and len(text) <= SHORT_TEXT and "\n" not in text)
             for n, f in enumerate(content.fields, start=1)]
    if not boxes:
        boxes = [(_cell(_caption("内容", "Content", lang), st.caption, label_w), EMPTY_VALUE, False)]
    rows, spans, pending = [], [], None
    for label, text, short in boxes:
        if short and pending is not None:
            rows.append([*pending, label, _cell(text, st.body, half_w)])
            pending = None
        elif short:
            pending = [label, _cell(text, st.body, half_w)]
        else:
            if pending is not None:
                rows.append([*pending, "", ""])
                spans.append(len(rows) - 1)
                pending = None
            rows.append([label, _cell(text, st.body, width - label_w), "", ""])
            spans.append(len(rows) - 1)
    if pending is not None:
        rows.append([*pending, "", ""])
        spans.append(len(rows) - 1)
    style = [("SPAN", (1, r), (3, r)) for r in spans]  # a box alone on its row: its value spans both halves
    for column in (0, 2):
        style += _text_style(st.caption, (column, 0), (column, -1))
    for column in (1, 3):
        style += _text_style(st.body, (column, 0), (column, -1))
    table = Table(rows, colWidths=[label_w, half_w, label_w, half_w], splitByRow=1)
    table.setStyle(TableStyle(_BOX_STYLE + style))
    return table


def _goods_cells(g: GoodsItem, columns: tuple[str, ...], widths: list[float], lang: _Lang, st: _Styles) -> list:
    cells = []
    for column, width in zip(columns, widths):
        if column == "seq":
            text = str(g.seq)
        elif column == "description":
            text = lang.pick(g.description_zh, g.description_en, "\n")
        elif column == "hs_code":
            text = g.hs_code
        elif column == "origin":
            text = g.origin or (_coded(g.origin_country, lang) if g.origin_country else "")
        elif column == "quantity":
            text = _amount(g.quantity, g.quantity_unit, lang)
        elif column == "weight":
            text = _amount(g.weight, g.weight_unit, lang)
        elif column == "packages":
            text = " ".join(x for x in (str(g.packages) if g.packages is not None else "",
                                        _coded(g.package_type, lang)) if x)
        else:  # value
            text = " ".join(x for x in (g.value, g.currency.code if g.currency else "") if x) if g.value else ""
        cells.append(_cell(text, st.cell, width))
    return cells


def _goods_table(goods: tuple[GoodsItem, ...], columns: tuple[str, ...], lang: _Lang, st: _Styles,
                 width: float) -> Table:
    """The goods lines: the header row repeats on every page the table flows onto."""
    weights = [GOODS_COLUMNS[c][2] for c in columns]
    widths = [width * w / sum(weights) for w in weights]
    header = [_cell(lang.pick(GOODS_COLUMNS[c][0], GOODS_COLUMNS[c][1], "\n"), st.header, w)
              for c, w in zip(columns, widths)]
    rows = [header] + [_goods_cells(g, columns, widths, lang, st) for g in goods]
    table = Table(rows, colWidths=widths, repeatRows=1, splitByRow=1)
    table.setStyle(TableStyle(_BOX_STYLE + _text_style(st.header, (0, 0), (-1, 0))
                              + _text_style(st.cell, (0, 1), (-1, -1)) + [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
    ]))
    return table


def _attestation(content: CertificateContent, layout: dict, lang: _Lang, st: _Styles, width: float) -> Table:
    """The attestation box: the certificate type's standard text, or the format's own."""
    zh, en = ATTESTATIONS.get(content.cert_type.code, ATTESTATIONS["99"])
    zh, en = layout["attestation_zh"] or zh, layout["attestation_en"] or en
    text = [Paragraph(_x(zh), st.body)] if lang.zh else []
    if lang.en:
        text.append(Paragraph(_x(en), st.body))
    label = _cell(_caption("证明", "Attestation", lang), st.caption, width * 0.2)
    table = Table([[label, text]], colWidths=[width * 0.2, width * 0.8])
    table.setStyle(TableStyle(_BOX_STYLE + _text_style(st.caption, (0, 0), (0, 0))))
    return table


def _signature_block(content: CertificateContent, layout: dict, lang: _Lang, st: _Styles, width: float) -> Table:
    """Place and date of issue, the official stamp box and the signatory's line."""
    sig = content.signatory
    title_zh = sig.title_zh or layout["signatory_zh"] or DEFAULT_SIGNATORY[0]
    title_en = sig.title_en or layout["signatory_en"] or DEFAULT_SIGNATORY[1]
    place = Paragraph(f"{_x(lang.pick('签证地点', 'Place of Issue'))}: {_x(content.authority.issue_place)}", st.body)
    when = Paragraph(f"{_x(lang.pick('签证日期', 'Date of Issue'))}: {_x(_day(content.issue_date, lang))}", st.body)
    name = lang.pick(sig.officer_name, latin_name(sig.officer_name))  # English readers read the Latin alphabet
    officer = [Paragraph(f"{_x(lang.pick(title_zh, title_en))}: {_x(name)}", st.body),
               Spacer(1, 3 * mm),
               Paragraph(f"{_x(lang.pick('签名', 'Signature'))}: ____________________", st.body)]
    if sig.method == "cloud":
        officer.append(Paragraph(_x(lang.pick("本证书已由签发机构电子签名",
                                              "Electronically signed by the issuing authority", " / ")), st.small))
    stamp = Paragraph(_x(lang.pick("印章", "Official Stamp")), st.caption) if layout["official_stamp"] else ""
    table = Table([[place, when], [stamp, officer]], colWidths=[width * 0.45, width * 0.55],
                  rowHeights=[None, 18 * mm])
    table.setStyle(TableStyle(_BOX_STYLE))
    return table
