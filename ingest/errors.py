"""Ingestion errors. Every one carries a stable `outcome` code and a Chinese reason.

IngestError
├── UnreadableDocument   corrupt, binary, wrong encoding, too large
├── EmptyDocument        no usable text (also a scanned PDF with no text layer)
├── NotAnnualReport      text, but not a 政府信息公开工作年度报告
└── WrongYear            an annual report for another year than asked
"""

from __future__ import annotations


class IngestError(Exception):
    outcome = "failed"

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class UnreadableDocument(IngestError):
    outcome = "unreadable"


class EmptyDocument(IngestError):
    outcome = "empty"


class NotAnnualReport(IngestError):
    outcome = "not_a_report"


class WrongYear(IngestError):
    outcome = "wrong_year"

    def __init__(self, reason: str, found: int | None, wanted: int):
        super().__init__(reason)
        self.found = found
        self.wanted = wanted
