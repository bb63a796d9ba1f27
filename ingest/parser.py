"""Document → CanonicalReport (DESIGN.md). Values as published; never repaired.

`parse_file(path, expect_year=None)` raises an IngestError subclass when the file
cannot give a report (unreadable, empty, not an annual report, another year).
"""

from __future__ import annotations

import re
from pathlib import Path

from ingest import metadata
from ingest.documents import RawDocument, load
from ingest.errors import EmptyDocument, NotAnnualReport, WrongYear
from ingest.normalize import normalize
from ingest.sections import find_headings, in_order, section_texts
from ingest.t2 import parse_t2
from ingest.t3 import parse_t3
from ingest.t4 import parse_t4
from models.canonical import T3_ROWS_2021, T3_ROWS_SINGLE_SIX, CanonicalReport

_BODY_MARK = "==================== 正文 ===================="


def _crawler_header(text: str) -> tuple[str | None, str | None, str]:
    """Crawler text files start with `标题:`/`发布时间:` lines before the body."""
    if _BODY_MARK not in text[:3000]:
        return None, None, text
    head, body = text.split(_BODY_MARK, 1)
    title = re.search(r"^标题\s*:\s*(.+)$", head, re.M)
    date = re.search(r"^发布时间\s*:\s*(.+)$", head, re.M)
    return (
        title.group(1).strip() if title else None,
        date.group(1).strip() if date else None,
        body,
    )


def parse_file(path: Path, expect_year: int | None = None) -> CanonicalReport:
    return parse_document(load(Path(path)), expect_year)


def parse_document(doc: RawDocument, expect_year: int | None = None) -> CanonicalReport:
    title, meta_date, body = _crawler_header(doc.text)
    title = title or doc.title
    meta_date = meta_date or doc.meta_date
    text = normalize(body)
    if len(text.strip()) < 20:
        raise EmptyDocument("文件没有可用的文字内容")
    report = parse_text(
        text, doc.path.name, title=normalize(title) if title else None, meta_date=meta_date
    )
    if expect_year is not None and report.year is not None and report.year != expect_year:
        raise WrongYear(
            f"报告年度为{report.year}年，不是所审核的{expect_year}年", report.year, expect_year
        )
    return report


def parse_text(
    text: str, file: str, title: str | None = None, meta_date: str | None = None
) -> CanonicalReport:
    """Parse normalised report text."""
    agency, year, title_line = metadata.title_and_year(text, title)
    headings = find_headings(text)
    fmt = metadata.detect_format(text)
    report = CanonicalReport(file=file, agency=agency, year=year, format=fmt, title=title_line)
    report.published_date = metadata.published_date(text, meta_date)
    report.headings = {s: h.text for s, h in headings.items()}
    report.sections_present = [s for s in ("一", "二", "三", "四", "五", "六") if s in headings]
    report.section_order_ok = in_order(headings)
    report.sections = section_texts(text, headings)
    report.preamble = text[: min((h.start for h in headings.values()), default=0)]

    t3_start = headings["三"].end if "三" in headings else 0
    t3_end = (
        headings["四"].start
        if "四" in headings and headings["四"].start > t3_start
        else (
            headings["五"].start
            if "五" in headings and headings["五"].start > t3_start
            else len(text)
        )
    )
    t3 = parse_t3(text, t3_start, t3_end)
    if t3 is None and title_line is None:
        raise NotAnnualReport("未找到政府信息公开工作年度报告的标题和表三，文件不是年度报告")
    if t3 is None and len(headings) < 3:
        raise NotAnnualReport("未找到年度报告的章节和表格，文件不是政府信息公开工作年度报告")
    if t3 is not None:
        rows = (
            T3_ROWS_2021 if any(k.startswith("三.六.") for k in t3.values) else T3_ROWS_SINGLE_SIX
        )
        report.t3 = {r: t3.values.get(r) for r in rows}
        report.missing_rows += [f"t3.{r}" for r in rows if t3.values.get(r) is None]
        report.provenance.update({f"t3.{k}": v for k, v in t3.provenance.items()})
        report.labels.update({f"t3.{k}": v for k, v in t3.labels.items()})
        report.blank_cells += t3.blank_cells
        for row, why in t3.ambiguous.items():
            report.ambiguous_cells.append(f"t3.{row}")
            report.ambiguity_notes[f"t3.{row}"] = why

    if "四" in headings:
        t4_end = (
            headings["五"].start
            if "五" in headings and headings["五"].start > headings["四"].start
            else len(text)
        )
        t4 = parse_t4(text, headings["四"].end, t4_end)
        if t4 is not None:
            report.t4 = t4.values
            report.provenance["t4"] = t4.provenance
            report.blank_cells += t4.blank_cells
            if t4.ambiguous:
                report.ambiguous_cells.append("t4")
                report.ambiguity_notes["t4"] = t4.ambiguous

    if "二" in headings:
        t2_end = (
            headings["三"].start
            if "三" in headings and headings["三"].start > headings["二"].start
            else len(text)
        )
        t2 = parse_t2(text, headings["二"].end, t2_end, fmt, text)
        if t2 is not None:
            report.t2 = t2.values
            report.provenance.update({f"t2.{k}": v for k, v in t2.provenance.items()})
            report.blank_cells += t2.blank_cells
            report.missing_rows += [f"t2.{k}" for k in t2.missing]
            for row, why in t2.ambiguous.items():
                report.ambiguous_cells.append(f"t2.{row}")
                report.ambiguity_notes[f"t2.{row}"] = why
    return report
