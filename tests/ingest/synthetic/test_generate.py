"""The province on disk: deterministic, the find_documents layout, files that parse back."""

from __future__ import annotations

import random
import re

from ingest.normalize import normalize
from ingest.parser import parse_file
from ingest.registry import load_registry
from ingest.sources import find_documents
from ingest.synthetic.bases import load_bases
from ingest.synthetic.docx_fast import to_docx_fast
from ingest.synthetic.generate import generate
from ingest.synthetic.province import make_agencies
from ingest.synthetic.render import SHARES, render
from ingest.synthetic.reports import agency_reports
from ingest.synthetic.truth import Truth
from reports.official import to_docx

COMPARED = ("agency", "year", "format", "published_date", "t2", "t3", "t4", "sections_present")


def _reports(n=6, seed=3):
    bases = load_bases()
    agencies = make_agencies(n, seed)
    return [
        r
        for i, a in enumerate(agencies)
        for r in agency_reports(
            a, [2023, 2024], bases.reports[i % len(bases.reports)], bases.pools, seed
        )
    ]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", normalize(text))


def test_same_seed_same_files(tmp_path, clean_province):
    again = generate(tmp_path / "again", 20, 2, seed=11, error_share=0.0)
    first = clean_province.out
    for name in ("registry.csv", "truth.json"):
        assert (again.out / name).read_bytes() == (first / name).read_bytes()
    truth = Truth.read(first / "truth.json")
    for e in truth.reports:
        if e.format in ("txt", "html", "html-gbk"):
            assert (again.out / e.file).read_bytes() == (first / e.file).read_bytes()


def test_layout_is_what_find_documents_reads(clean_province):
    agencies = load_registry(clean_province.registry)
    for year in clean_province.years:
        found = find_documents(clean_province.out / "reports", year, agencies)
        assert not found.unregistered
        assert all(len(paths) == 1 for paths in found.documents.values())


def test_chain_keeps_the_statutory_identities():
    for prev, report in zip(_reports()[::2], _reports()[1::2], strict=True):
        t3 = report.t3
        assert all(sum(v[:6]) == v[6] for v in t3.values())
        leaves = [r for r in t3 if r.startswith("三.") and r != "三.七"]
        assert [sum(t3[r][c] for r in leaves) for c in range(7)] == t3["三.七"]
        assert [a + b for a, b in zip(t3["一"], t3["二"], strict=True)] == [
            a + b for a, b in zip(t3["三.七"], t3["四"], strict=True)
        ]
        assert t3["二"] == prev.t3["四"]
        made, repealed, valid = report.t2["行政规范性文件"]
        assert valid == prev.t2["行政规范性文件"][2] + made - repealed


def test_every_format_parses_back_to_the_generated_values(tmp_path):
    reports = _reports(n=3)
    for i, kind in enumerate(SHARES):
        for report in reports[i % 2 :: 2]:
            suffix, data = render(report, kind)
            path = tmp_path / f"{report.file}-{kind}{suffix}"
            path.write_bytes(data)
            got = parse_file(path)
            for key in COMPARED:
                assert getattr(got, key) == getattr(report, key), (kind, key)
            assert _flat(report.sections["五"]) in _flat(got.sections["五"]), kind


def test_fast_docx_reads_like_the_official_renderer(tmp_path):
    report = _reports(n=1)[1]
    report.t4 = None  # another layout: a template of its own
    for name, data in (("fast", to_docx_fast(report)), ("official", to_docx(report))):
        (tmp_path / f"{name}.docx").write_bytes(data)
    fast, official = (parse_file(tmp_path / f"{n}.docx") for n in ("fast", "official"))
    assert fast.to_json() | {"file": ""} == official.to_json() | {"file": ""}
    assert fast.sections == official.sections and fast.preamble == official.preamble


def test_sentences_differ_between_agencies_and_years():
    reports = _reports(n=4, seed=random.randint(0, 1000))
    texts = [r.sections["一"] for r in reports]
    assert len(set(texts)) == len(texts)
