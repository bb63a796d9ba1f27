"""A synthetic province on disk: registry, report files, ground truth.

Contract of `generate(out, agencies, years, seed)`:
- `out/registry.csv`: the agencies (`province.make_agencies`), without URLs;
- `out/reports/<year>/<agency_id>.<ext>`: each agency's report of each year, the layout
  `ingest.sources.find_documents` reads; the format drawn per report (`render.SHARES`);
- `out/truth.json`: per report its file, format, published date and the injected error
  (about `error_share` of the reports, kinds drawn among those that apply), with place
  and expected rules (`truth`);
- deterministic: the same arguments give byte-identical registry, truth and text files
  (DOCX and PDF embed their creation time).
"""

from __future__ import annotations

import copy
import csv
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ingest.registry import Agency

from .bases import SAMPLE, load_bases
from .inject import CATALOGUE, candidates
from .province import make_agencies
from .render import choose_kind, render
from .reports import agency_reports
from .truth import Entry, Truth

FIRST_YEAR = 2021  # the 2021 format; earlier years would need the trial layout
LAST_YEAR = 2024
ERROR_SHARE = 0.3
REGISTRY_COLUMNS = (
    "agency_id",
    "name",
    "region",
    "level",
    "kind",
    "parent_id",
    "supervisor_emails",
    "aliases",
    "contact_emails",
    "column_url",
)


@dataclass(frozen=True)
class Province:
    out: Path
    registry: Path
    truth: Path
    agencies: list[Agency]
    years: list[int]
    reports: int
    injected: int


def year_range(years: int, last_year: int = LAST_YEAR) -> list[int]:
    first = last_year - years + 1
    if years < 1 or first < FIRST_YEAR:
        raise ValueError(
            f"年度须在 {FIRST_YEAR}–{last_year} 之间（--years 最多 {last_year - FIRST_YEAR + 1}）"
        )
    return list(range(first, last_year + 1))


def write_registry(
    agencies: list[Agency], path: Path, column_url: Callable[[Agency], str] | None = None
) -> Path:
    """The registry CSV (`ingest.registry` columns; `column_url` when served)."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(REGISTRY_COLUMNS)
        for a in agencies:
            w.writerow(
                [
                    a.agency_id,
                    a.name,
                    a.region,
                    a.level,
                    a.kind,
                    a.parent_id or "",
                    ";".join(a.supervisor_emails),
                    ";".join(a.aliases),
                    ";".join(a.contact_emails),
                    column_url(a) if column_url else "",
                ]
            )
    return Path(path)


def agency_files(
    out: Path, agency: Agency, years: list[int], seed: int, error_share: float, bases_folder: Path
) -> list[Entry]:
    """One agency's reports of `years` written under `out`; their truth entries."""
    bases = load_bases(bases_folder)
    rng = random.Random(f"agency:{seed}:{agency.agency_id}")
    base = rng.choice(bases.reports)
    entries: list[Entry] = []
    consequences: set[str] = set()
    previous_kind = ""
    for i, report in enumerate(agency_reports(agency, years, base, bases.pools, seed)):
        published = copy.deepcopy(report)
        error = None
        if rng.random() < error_share:
            injection = CATALOGUE[rng.choice(candidates(published, i > 0, previous_kind))]
            place = injection.apply(published, rng)
            error = {
                "kind": injection.kind,
                "target": injection.target,
                "allowed": sorted(injection.allowed),
                "place": {"table": place.table, "where": place.where, "cells": list(place.cells)},
            }
        kind = choose_kind(rng)
        suffix, data = render(published, kind)
        rel = Path("reports") / str(report.year) / f"{agency.agency_id}{suffix}"
        (out / rel).write_bytes(data)
        entries.append(
            Entry(
                agency.agency_id,
                report.year,
                rel.as_posix(),
                kind,
                report.published_date,
                error,
                sorted(consequences),
            )
        )
        consequences = set(CATALOGUE[error["kind"]].next_year) if error else set()
        previous_kind = error["kind"] if error else ""
    return entries


def _chunk(args: tuple) -> list[Entry]:
    out, agencies, years, seed, error_share, bases_folder = args
    return [
        e for a in agencies for e in agency_files(out, a, years, seed, error_share, bases_folder)
    ]


def generate(
    out: Path,
    agencies: int,
    years: int,
    seed: int = 0,
    last_year: int = LAST_YEAR,
    error_share: float = ERROR_SHARE,
    progress: Callable[[int, int], None] | None = None,
    bases_folder: Path = SAMPLE,
    workers: int = 1,
) -> Province:
    """Write the province under `out` (see the module contract); `workers` > 1 writes
    the agencies' files in that many processes (the same files: each agency has its
    own random stream)."""
    out = Path(out)
    year_list = year_range(years, last_year)
    people = make_agencies(agencies, seed)
    load_bases(bases_folder)  # fail early when the sample is missing
    for y in year_list:
        (out / "reports" / str(y)).mkdir(parents=True, exist_ok=True)
    total = len(people) * len(year_list)
    size = 100
    chunks = [
        (out, people[i : i + size], year_list, seed, error_share, bases_folder)
        for i in range(0, len(people), size)
    ]
    entries: list[Entry] = []
    if workers > 1 and len(chunks) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers) as pool:
            for done in pool.map(_chunk, chunks):
                entries += done
                if progress is not None:
                    progress(len(entries), total)
    else:
        for chunk in chunks:
            entries += _chunk(chunk)
            if progress is not None:
                progress(len(entries), total)
    registry = write_registry(people, out / "registry.csv")
    truth = Truth(seed, year_list, error_share, entries)
    truth.write(out / "truth.json")
    return Province(
        out,
        registry,
        out / "truth.json",
        people,
        year_list,
        len(entries),
        sum(e.error is not None for e in entries),
    )
