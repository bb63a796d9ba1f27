"""Agency, report year, published date and format version of a report."""

from __future__ import annotations

import re
from datetime import date

_TITLE = re.compile(
    r"(?P<agency>[\u4e00-\u9fff()（）]{2,40}?)?\s*(?:关于报送)?\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*"
    r"(?:政府信息公开|政务公开)(?:工作)?(?:年度)?(?:工作)?报告"
)
# PDF text can print the year after the title when it sits in another font run.
_TITLE_YEAR_AFTER = re.compile(
    r"(?P<agency>[\u4e00-\u9fff()（）]{2,40}?)\s+年度?\s*(?:政府信息公开|政务公开)(?:工作)?(?:年度)?(?:工作)?"
    r"报告\s*(?P<year>(?:19|20)\d{2})(?!\s*年)"
)
_META_DATE = re.compile(
    r"(?:发布时间|发布日期|发文日期|时间)\s*[:：]\s*(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})"
)
_CN_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")

SIGNATURES_2019 = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "第二十条第(九)项",
    "政府集中采购",
)
SIGNATURES_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额")


def title_and_year(
    text: str, title: str | None = None
) -> tuple[str | None, int | None, str | None]:
    """(agency, year, title line) from the title, else from the first lines of the body."""
    candidates = [title] if title else []
    candidates.append(re.sub(r"\s+", " ", text[:4000]).strip()[:600])
    for cand in candidates:
        flat = cand.replace("\n", " ") if cand else ""
        m = _TITLE.search(flat) or _TITLE_YEAR_AFTER.search(flat)
        if m:
            agency = (m.group("agency") or "").strip() or None
            if agency is None:
                agency = _agency_line_before(cand, m.start())
            return agency, int(m.group("year")), m.group(0).strip()
    return None, None, None


def _agency_line_before(text: str, pos: int) -> str | None:
    before = text[:pos].strip().splitlines()
    if before:
        line = before[-1].strip()
        if 2 <= len(line) <= 30 and re.fullmatch(r"[\u4e00-\u9fff()（）]+", line):
            return line
    return None


def published_date(text: str, meta_date: str | None = None) -> str | None:
    """Stated publication date: page metadata, else the date under the signature."""
    if meta_date:
        m = re.search(r"(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})", meta_date)
        if m:
            return _iso(*m.groups())
    m = _META_DATE.search(text[:3000])
    if m:
        return _iso(*m.groups())
    tail = text[-160:]
    dates = list(_CN_DATE.finditer(tail))
    if dates:
        return _iso(*dates[-1].groups())
    return None


def _iso(y: str, m: str, d: str) -> str | None:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def detect_format(text: str) -> str:
    """'2019trial' or '2021' by the 表二 signatures (RULES.md §2.5), else 'pre2019'."""
    flat = re.sub(r"\s+", "", text)
    trial = sum(sig in flat for sig in SIGNATURES_2019)
    modern = sum(sig in flat for sig in SIGNATURES_2021)
    if trial and trial >= modern:
        return "2019trial"
    if modern:
        return "2021"
    if "勾稽关系" in flat or "本年新收政府信息公开申请" in flat:
        return "2021"
    return "pre2019"
