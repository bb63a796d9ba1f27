"""The rules on the synthetic province: clean reports give no finding; every injected
error is found by its target rule, at its place, with nothing outside its allowed rules."""

from __future__ import annotations

import copy
import random

from expectations.history import AgencyInfo
from ingest.parser import parse_file
from ingest.registry import load_registry
from ingest.synthetic.inject import CATALOGUE, candidates
from ingest.synthetic.render import SHARES, render
from ingest.synthetic.truth import Entry, Truth, judge


def _info(agency):
    return AgencyInfo(agency.name, agency.level, agency.kind)


def _findings(found):
    return [(f.report_id, f.rule, f.severity, f.cells, f.where) for f in found]


def test_clean_province_has_no_finding(clean_province, checker):
    truth = Truth.read(clean_province.truth)
    registry = {a.agency_id: a for a in load_registry(clean_province.registry)}
    parsed = {(e.agency_id, e.year): parse_file(clean_province.out / e.file) for e in truth.reports}
    first, last = clean_province.years
    ids = [e.agency_id for e in truth.for_year(last)]
    reports = [parsed[(i, last)] for i in ids] + [parsed[(i, first)] for i in ids]
    keys = [f"{i}/{last}" for i in ids] + [f"{i}/{first}" for i in ids]
    previous = {f"{i}/{last}": parsed[(i, first)] for i in ids}
    contexts = _contexts(keys, previous, [_info(registry[k.split("/")[0]]) for k in keys])
    found = checker.check(reports, keys, contexts=contexts)
    assert [(f.report_id, f.rule, f.where) for f in found] == []


def _contexts(ids, previous, agencies):
    from expectations.history import contexts_for

    return contexts_for(ids, previous=previous, agencies=agencies)


def test_every_kind_is_found_at_its_place_and_nothing_else(clean_province, checker):
    """Each kind injected into a report of the last year (its previous clean), rendered in
    a rotating format and parsed back."""
    truth = Truth.read(clean_province.truth)
    registry = {a.agency_id: a for a in load_registry(clean_province.registry)}
    first, last = clean_province.years
    rng = random.Random(5)
    entries, reports, keys, previous, infos = [], [], [], {}, []
    agencies = [e.agency_id for e in truth.for_year(last)]
    for n, kind in enumerate(CATALOGUE):
        agency = agencies[n % len(agencies)]
        clean = parse_file(clean_province.out / _file(truth, agency, last))
        clean.sections = _bodies(clean)
        assert kind in candidates(clean, has_previous=True), kind
        report = copy.deepcopy(clean)
        injection = CATALOGUE[kind]
        place = injection.apply(report, rng)
        fmt = list(SHARES)[n % len(SHARES)]
        suffix, data = render(report, fmt)
        path = clean_province.out / f"injected-{kind}{suffix}"
        path.write_bytes(data)
        key = f"{kind}/{agency}"
        error = {
            "kind": kind,
            "target": injection.target,
            "allowed": sorted(injection.allowed),
            "place": {"table": place.table, "where": place.where, "cells": list(place.cells)},
        }
        entries.append(Entry(key, last, path.name, fmt, None, error))
        reports.append(parse_file(path))
        keys.append(key)
        previous[key] = parse_file(clean_province.out / _file(truth, agency, first))
        infos.append(_info(registry[agency]))
    found = checker.check(reports, keys, contexts=_contexts(keys, previous, infos))
    result = judge(entries, _findings(found))
    assert result.missed == []
    assert result.found == result.at_place == len(CATALOGUE)
    assert result.false_examples == []


def _file(truth, agency, year):
    return next(e.file for e in truth.reports if e.agency_id == agency and e.year == year)


def _bodies(report):
    """Parsed parts without their printed headings, as the generator writes them."""
    out = {}
    for part, text in report.sections.items():
        heading = report.headings.get(part, "")
        out[part] = text[len(heading) :].strip() if text.startswith(heading) else text
    return out


def test_previous_years_error_allows_its_next_year_consequence(tmp_path):
    from ingest.synthetic.generate import generate

    province = generate(tmp_path, 40, 3, seed=2, error_share=0.5)
    truth = Truth.read(province.truth)
    by_key = {(e.agency_id, e.year): e for e in truth.reports}
    for e in truth.reports:
        before = by_key.get((e.agency_id, e.year - 1))
        expected = CATALOGUE[before.error["kind"]].next_year if before and before.error else set()
        assert set(e.allowed) == set(expected)
    assert any(e.error for e in truth.reports)
    assert all(e.error["kind"] != "t3-carry" for e in truth.for_year(truth.years[0]) if e.error)
