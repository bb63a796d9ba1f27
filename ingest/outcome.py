"""Read one agency's document(s) for a year into an outcome the run can record.

Every agency ends with exactly one outcome: parsed, or a Chinese reason why not
(missing, unreadable, empty, not an annual report, another year, failed).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import IngestError
from ingest.parser import parse_file
from models.canonical import CanonicalReport
from models.publication import Publication

STATUS_TEXT = {
    "parsed": "已解析",
    "missing": "未找到报告",
    "unreadable": "文件无法读取",
    "empty": "文件无内容",
    "not_a_report": "不是年度报告",
    "wrong_year": "年度不符",
    "failed": "解析失败",
}


@dataclass
class ParseOutcome:
    agency_id: str
    status: str
    reason: str
    path: Path | None = None
    sha256: str | None = None
    size: int | None = None
    report: CanonicalReport | None = None
    publication: Publication | None = None  # from web collection: the PUB rules' context

    @property
    def status_text(self) -> str:
        return STATUS_TEXT.get(self.status, self.status)


def _digest(path: Path) -> tuple[str | None, int | None]:
    try:
        h = hashlib.sha256()
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest(), path.stat().st_size
    except OSError:
        return None, None


def read_agency(agency_id: str, paths: list[Path], year: int) -> ParseOutcome:
    """The first document that parses as this year's report wins; else the first failure."""
    if not paths:
        return ParseOutcome(agency_id, "missing", f"来源中没有该机构{year}年度的报告文件")
    first_failure: ParseOutcome | None = None
    for path in paths:
        sha, size = _digest(path)
        try:
            report = parse_file(path, expect_year=year)
        except IngestError as exc:
            outcome = ParseOutcome(agency_id, exc.outcome, exc.reason, path, sha, size)
        except Exception as exc:  # a parser bug must not stop the run
            outcome = ParseOutcome(
                agency_id, "failed", f"解析程序出错：{type(exc).__name__}: {exc}", path, sha, size
            )
        else:
            if report.year is None:
                report.year = year
            return ParseOutcome(agency_id, "parsed", "已解析", path, sha, size, report)
        first_failure = first_failure or outcome
    return first_failure
