"""Conformance suite (as Arelle's for XBRL): every rule has cases that must pass and fail.

Each `cases/<RULE-ID>.yaml` lists cases built from real corpus documents, parsed by
the real parser, optionally with minimal edits (format: README.md beside this file).

- `test_case`: one parametrised test per case. A `pass` case: the rule gives no
  finding on the case's report. A `fail` case: every rule of `produces` gives one
  (at `severity`, if stated).
- `test_every_rule_has_cases` (meta-test): every registered rule has a case file, a
  pass case, a fail case and a basis, ids are unique, and every case file names a
  registered rule.

Cost: GX costs ~35 ms per expectation per validation call whatever the batch size, so
all cases share one call; a case that states `peers` judges a batch-level rule
(SIM-PEER) and gets its own batch (base + peers), validated by a checker holding only
the rules it judges.
"""

from __future__ import annotations

import copy
import inspect
import re
from collections import defaultdict
from dataclasses import dataclass, field, fields
from pathlib import Path

import pytest
import yaml

from expectations import registry
from models.canonical import CanonicalReport
from models.publication import Publication

HERE = Path(__file__).parent
CASES_DIR = HERE / "cases"
CORPUS = HERE.parents[1] / "fixtures" / "corpus"

CASE_KEYS = {
    "name",
    "expect",
    "base",
    "previous",
    "peers",
    "edits",
    "previous_edits",
    "text_replace",
    "publication",
    "produces",
    "severity",
    "note",
}
FILE_KEYS = {"rule", "cases"}
REPORT_FIELDS = {f.name for f in fields(CanonicalReport)}


@dataclass(frozen=True)
class Case:
    """One case of one case file (README.md documents every key)."""

    file: str  # case file name, "T3-BALANCE.yaml"
    rule: str  # the file's rule
    name: str
    expect: str  # pass | fail
    base: str | None
    previous: str | None = None
    peers: tuple[str, ...] | None = None  # None: not stated (shares the common batch)
    edits: dict = field(default_factory=dict)
    previous_edits: dict = field(default_factory=dict)
    text_replace: tuple[tuple[str, str], ...] = ()
    publication: dict | None = None
    produces: tuple[str, ...] = ()
    severity: str | None = None
    problems: tuple[str, ...] = ()  # format errors: the case fails with them

    @property
    def id(self) -> str:
        return f"{self.rule}::{self.name}"


def _case(path: Path, rule: str, raw: object) -> Case:
    problems: list[str] = []
    if not isinstance(raw, dict):
        return Case(path.name, rule, str(raw), "fail", None, problems=("a case is not a mapping",))
    if unknown := sorted(set(raw) - CASE_KEYS):
        problems.append(f"unknown keys {unknown}")
    expect = raw.get("expect")
    if expect not in ("pass", "fail"):
        problems.append(f"expect must be pass or fail, not {expect!r}")
    publication = raw.get("publication")
    base = raw.get("base")
    if base is None and not (publication and publication.get("found") is False):
        problems.append("base is required (except for a publication with found: false)")
    produces = tuple(raw.get("produces") or ())
    if expect == "fail" and rule not in produces:
        problems.append(f"a fail case must list its own rule {rule} in produces")
    if expect == "pass" and produces:
        problems.append("a pass case produces nothing")
    peers = raw.get("peers")
    return Case(
        file=path.name,
        rule=rule,
        name=str(raw.get("name") or "(unnamed)"),
        expect=str(expect),
        base=base,
        previous=raw.get("previous"),
        peers=None if peers is None else tuple(peers),
        edits=dict(raw.get("edits") or {}),
        previous_edits=dict(raw.get("previous_edits") or {}),
        text_replace=tuple(tuple(pair) for pair in raw.get("text_replace") or ()),
        publication=publication,
        produces=produces,
        severity=raw.get("severity"),
        problems=tuple(problems),
    )


def load_case_files() -> dict[str, tuple[str | None, list[Case]]]:
    """Case file name -> (its rule, its cases); format errors ride on the cases."""
    out: dict[str, tuple[str | None, list[Case]]] = {}
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        rule = data.get("rule") if isinstance(data, dict) else None
        problems = []
        if not isinstance(data, dict) or set(data) - FILE_KEYS:
            problems.append(f"top-level keys must be {sorted(FILE_KEYS)}")
        if rule != path.stem:
            problems.append(f"rule {rule!r} does not match the file name {path.stem!r}")
        cases = [_case(path, str(rule), raw) for raw in (data or {}).get("cases") or []]
        names = [c.name for c in cases]
        if dup := sorted({n for n in names if names.count(n) > 1}):
            problems.append(f"duplicate case names {dup}")
        if problems:
            cases = [
                Case(**{**c.__dict__, "problems": c.problems + tuple(problems)}) for c in cases
            ] or [Case(path.name, str(rule), "(no cases)", "fail", None, problems=tuple(problems))]
        out[path.name] = (rule, cases)
    return out


CASE_FILES = load_case_files()
ALL_CASES = [case for _, cases in CASE_FILES.values() for case in cases]


# Building a case's reports -------------------------------------------------


def _parse(name: str, text_replace, tmp: Path) -> CanonicalReport:
    from ingest.parser import parse_file

    path = CORPUS / name
    if not path.is_file():
        raise AssertionError(f"{name}: not a document in {CORPUS}")
    if not text_replace:
        return parse_file(path)
    text = path.read_text(encoding="utf-8")
    for old, new in text_replace:
        if old not in text:
            raise AssertionError(f"{name}: text_replace finds no {old!r}")
        text = text.replace(old, new)
    edited = tmp / path.name  # same name and suffix: the parser reads it as the original
    edited.write_text(text, encoding="utf-8")
    return parse_file(edited)


_ROW_KEY = re.compile(r"^(t2|t3)\.(.+?)(?:\.(\d+))?$")


def apply_edit(report: CanonicalReport, key: str, value: object) -> None:
    """Set one cell (`t3.四.0`, `t4.4`, `t2.规章.0`), row (`t3.三.六`, `t2.行政许可`),
    table (`t4`) or report field (`year`, `sections_present`) of a parsed report."""
    if key in REPORT_FIELDS:
        setattr(report, key, copy.deepcopy(value))
        return
    if key.startswith("t4."):
        index = int(key[3:])
        if report.t4 is None or index >= len(report.t4):
            raise AssertionError(f"edit {key}: 表四 has no cell {index}")
        report.t4[index] = value
        return
    match = _ROW_KEY.match(key)
    table = getattr(report, match.group(1)) if match else None
    if table is None:
        raise AssertionError(f"edit {key}: no such table, row or field")
    row, index = match.group(2), match.group(3)
    if row not in table and index is not None and f"{row}.{index}" in table:
        row, index = f"{row}.{index}", None  # a row whose name ends in a number: 三.三.1
    if index is None:
        table[row] = copy.deepcopy(value)
        return
    cells = table.get(row)
    if not isinstance(cells, list) or int(index) >= len(cells):
        raise AssertionError(f"edit {key}: row {row} has no cell {index}")
    cells[int(index)] = value


def build_report(name: str, edits: dict, text_replace, tmp: Path) -> CanonicalReport:
    report = _parse(name, text_replace, tmp)
    for key, value in edits.items():
        apply_edit(report, key, value)
    return report


def build_publication(case: Case, report: CanonicalReport) -> Publication | None:
    if case.publication is None:
        return None
    from expectations.deadlines import statutory_deadline

    given = dict(case.publication)
    year = given.setdefault("year", report.year)
    given.setdefault("agency_id", Path(case.base or case.id).stem)
    if given.get("found") and "published_date" not in given:
        given["published_date"] = report.published_date
    if "deadline" not in given and given.get("kind") and year is not None:
        deadline = statutory_deadline(given["kind"], year)
        given["deadline"] = deadline.isoformat() if deadline else None
    return Publication(**given)


@dataclass
class Batch:
    ids: list[str] = field(default_factory=list)
    reports: list[CanonicalReport] = field(default_factory=list)
    publications: list[Publication | None] = field(default_factory=list)
    previous: dict[str, CanonicalReport] = field(default_factory=dict)
    rules: set[str] | None = None  # None: the full registry

    def add(self, rid, report, publication=None, previous=None):
        self.ids.append(rid)
        self.reports.append(report)
        self.publications.append(publication)
        if previous is not None:
            self.previous[rid] = previous


def run_batch(batch: Batch, checker) -> list:
    from expectations.validate import Checker, check_reports

    kwargs: dict[str, object] = {}
    if any(p is not None for p in batch.publications):
        kwargs["publications"] = batch.publications
    if batch.previous:
        if "previous" not in inspect.signature(check_reports).parameters:
            raise AssertionError("a case gives `previous` but check_reports takes no `previous`")
        kwargs["previous"] = batch.previous
    if batch.rules is not None:
        checker = Checker([r for r in registry.all_rules() if r.id in batch.rules])
    return check_reports(batch.reports, batch.ids, checker=checker, **kwargs)


@pytest.fixture(scope="module")
def outcomes(checker, tmp_path_factory) -> dict[str, object]:
    """Case id -> its report's findings, or the exception its setup raised."""
    shared = Batch()
    alone: list[tuple[str, Batch]] = []
    out: dict[str, object] = {}
    for n, case in enumerate(c for c in ALL_CASES if not c.problems):
        tmp = tmp_path_factory.mktemp(f"case{n}")
        try:
            report = (
                build_report(case.base, case.edits, case.text_replace, tmp)
                if case.base
                else CanonicalReport(file=case.id)
            )
            previous = None
            if case.previous:
                prev_tmp = tmp_path_factory.mktemp(f"case{n}-previous")
                previous = build_report(case.previous, case.previous_edits, (), prev_tmp)
            publication = build_publication(case, report)
        except Exception as exc:  # the case, not the run, fails
            out[case.id] = exc
            continue
        if case.peers is None:
            shared.add(case.id, report, publication, previous)
            continue
        batch = Batch(rules={case.rule, *case.produces})
        batch.add(case.id, report, publication, previous)
        for peer in case.peers:
            batch.add(f"{case.id}::peer::{peer}", build_report(peer, {}, (), tmp))
        alone.append((case.id, batch))
    found: dict[str, list] = defaultdict(list)
    for batch in ([shared] if shared.ids else []) + [b for _, b in alone]:
        for f in run_batch(batch, checker):
            found[f.report_id].append(f)
    for case in ALL_CASES:
        out.setdefault(case.id, found.get(case.id, []))
    return out


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.id)
def test_case(case: Case, outcomes):
    if case.problems:
        pytest.fail(f"{case.file}: {case.name}: {'; '.join(case.problems)}", pytrace=False)
    result = outcomes[case.id]
    if isinstance(result, Exception):
        raise result
    got = {(f.rule, f.severity) for f in result}
    rules = {rule for rule, _ in got}
    shown = "\n".join(f"  {f.rule} {f.severity} {f.where}: {f.message}" for f in result)
    if case.expect == "pass":
        if case.rule in rules:
            pytest.fail(f"{case.rule} must not fire; findings:\n{shown}", pytrace=False)
    elif missing := [r for r in case.produces if r not in rules]:
        pytest.fail(f"{missing} must fire; findings:\n{shown or '  (none)'}", pytrace=False)
    elif case.severity and (case.rule, case.severity) not in got:
        pytest.fail(f"{case.rule} must be {case.severity}; findings:\n{shown}", pytrace=False)


# Meta-test -----------------------------------------------------------------


def coverage_problems() -> list[str]:
    """What the registry and the case files lack, one line per rule (empty: complete)."""
    rules = [rule for module in registry.RULE_MODULES for rule in module.RULES]
    ids = [rule.id for rule in rules]
    problems = [f"{i}: duplicate rule id" for i in sorted({i for i in ids if ids.count(i) > 1})]
    files = {rule: cases for rule, cases in CASE_FILES.values()}
    for rule in rules:
        lacks = [] if (rule.basis or "").strip() else ["basis"]
        cases = files.get(rule.id)
        if cases is None:
            lacks.append(f"case file cases/{rule.id}.yaml")
        else:
            valid = [c for c in cases if not c.problems]
            lacks += [
                f"{e} case" for e in ("pass", "fail") if not any(c.expect == e for c in valid)
            ]
        if lacks:
            problems.append(f"{rule.id}: no {', no '.join(lacks)}")
    for name, (rule, _) in sorted(CASE_FILES.items()):
        if rule not in ids:
            problems.append(f"{name}: names {rule!r}, which is not a registered rule")
    return problems


def test_every_rule_has_cases():
    problems = coverage_problems()
    if problems:
        pytest.fail("conformance gaps:\n" + "\n".join(problems), pytrace=False)
