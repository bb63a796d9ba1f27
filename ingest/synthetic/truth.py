"""Ground truth of a synthetic province (`truth.json`) and the judge of findings against it.

`truth.json`:

```
{"seed": 7, "years": [2023, 2024], "error_share": 0.3,
 "reports": [{"agency_id": "c01-jy", "year": 2024, "file": "reports/2024/c01-jy.docx",
              "format": "docx", "published": "2025-01-17",
              "error": {"kind": "t3-balance", "target": "T3-BALANCE", "allowed": [],
                        "place": {"table": "表三", "where": "表三 四 列 自然人",
                                  "cells": ["t3.四.0", "t3.四.6"]}} | null,
              "allowed": ["T3-CARRY-XYEAR"]}]}
```

`allowed` (beside `error`) lists rules this report may show because of the error
injected into the same agency's previous report (`Injection.next_year`).

`judge(entries, findings)`: an injected error is *found* when a finding of its target
rule names that agency (and *at its place* when the finding's cells include one of the
place's cells, or the place has no cells); any other finding is *false* unless its rule
is in the error's `allowed` or the entry's `allowed`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Entry:
    agency_id: str
    year: int
    file: str
    format: str
    published: str | None
    error: dict | None = None
    allowed: list[str] = field(default_factory=list)

    @property
    def target(self) -> str:
        return self.error["target"] if self.error else ""

    def permitted(self) -> set[str]:
        return set(self.allowed) | set(self.error["allowed"] if self.error else ())


@dataclass
class Truth:
    seed: int
    years: list[int]
    error_share: float
    reports: list[Entry]

    def for_year(self, year: int) -> list[Entry]:
        return [e for e in self.reports if e.year == year]

    def write(self, path: Path) -> None:
        data = {**asdict(self), "reports": [asdict(e) for e in self.reports]}
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> Truth:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(
            data["seed"], data["years"], data["error_share"], [Entry(**e) for e in data["reports"]]
        )


@dataclass
class Detection:
    injected: int = 0
    found: int = 0
    at_place: int = 0
    missed: list[tuple[str, int, str]] = field(default_factory=list)  # agency, year, kind
    false: Counter = field(default_factory=Counter)  # (rule, severity) -> count
    false_examples: list[tuple[str, str, str]] = field(default_factory=list)  # agency, rule, where
    by_kind: Counter = field(default_factory=Counter)  # kind -> injected

    @property
    def false_errors(self) -> int:
        return sum(n for (_, severity), n in self.false.items() if severity == "error")

    @property
    def false_total(self) -> int:
        return sum(self.false.values())


def judge(entries: Iterable[Entry], findings: Iterable[tuple[str, str, str, Iterable[str], str]]):
    """Compare findings (agency id, rule, severity, cells, where) with the truth entries."""
    entries = list(entries)
    by_agency: dict[str, list[tuple[str, str, set[str], str]]] = {}
    for agency_id, rule, severity, cells, where in findings:
        by_agency.setdefault(agency_id, []).append((rule, severity, set(cells or ()), where))
    result = Detection()
    for e in entries:
        got = by_agency.get(e.agency_id, [])
        if e.error:
            result.injected += 1
            result.by_kind[e.error["kind"]] += 1
            hits = [f for f in got if f[0] == e.target]
            place = set(e.error["place"].get("cells") or ())
            if hits:
                result.found += 1
                result.at_place += any(not place or place & f[2] for f in hits)
            else:
                result.missed.append((e.agency_id, e.year, e.error["kind"]))
        permitted = e.permitted() | {e.target}
        for rule, severity, _, where in got:
            if rule not in permitted:
                result.false[(rule, severity)] += 1
                if len(result.false_examples) < 20:
                    result.false_examples.append((e.agency_id, rule, where))
    return result
