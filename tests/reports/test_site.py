"""write_site: index plus one standalone page per agency, under safe file names."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from reports.contexts import AgencyRow, ProvinceIndexContext
from reports.names import page_name
from reports.render import render_agency_summary, write_pages, write_site

IDS = ["hongze-qu", "../../etc/passwd", "淮安/市 政府", "index", "CON", "a_b", "a/b", ".hidden", ""]


def site(make_ctx, report, ids):
    ctxs = [make_ctx(report, agency_id=i) for i in ids]
    index = ProvinceIndexContext(
        "江苏省淮安市", 2023, "run-1", datetime(2025, 4, 1), [AgencyRow.for_agency(c) for c in ctxs]
    )
    return index, ctxs


def test_writes_index_and_pages(tmp_path, make_ctx, hongze_2023):
    index, ctxs = site(make_ctx, hongze_2023, IDS)
    paths = write_site(tmp_path / "out", index, ctxs)
    assert paths[0] == tmp_path / "out" / "index.html"
    assert len(paths) == len(IDS) + 1 == len(set(paths))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in paths)
    for p in paths:
        assert p.parent == tmp_path / "out"
        assert re.fullmatch(r"[A-Za-z0-9_.-]+\.html", p.name) and not p.name.startswith(".")
        html = p.read_text(encoding="utf-8")
        assert "<style>" in html and "<link" not in html and " src=" not in html
    assert paths[1].name == "hongze-qu.html"
    index_html = paths[0].read_text(encoding="utf-8")
    for ctx in ctxs:
        assert f'href="{page_name(ctx.agency_id)}"' in index_html


@pytest.mark.parametrize("agency_id", ["index", "INDEX", "con", "a/b", "../x", "", "..", "淮安"])
def test_page_name_is_safe(agency_id):
    name = page_name(agency_id)
    assert name.lower() != "index.html" and "/" not in name and not name.startswith(".")
    assert re.fullmatch(r"[A-Za-z0-9_.-]+\.html", name)


def test_distinct_ids_get_distinct_pages():
    names = [page_name(i) for i in IDS]
    assert len(set(names)) == len(IDS)
    assert page_name("a_b") == "a_b.html" and page_name("a/b") != "a_b.html"


def test_duplicate_or_dangling_rejected_before_writing(tmp_path, make_ctx, hongze_2023):
    index, ctxs = site(make_ctx, hongze_2023, ["x", "x"])
    with pytest.raises(ValueError, match="duplicate"):
        write_site(tmp_path / "a", index, ctxs)
    index, ctxs = site(make_ctx, hongze_2023, ["x", "y"])
    with pytest.raises(ValueError, match="without an agency page"):
        write_site(tmp_path / "b", index, ctxs[:1])
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_write_pages_replaces_some_pages_only(tmp_path, make_ctx, hongze_2023):
    index, ctxs = site(make_ctx, hongze_2023, ["x", "y"])
    write_site(tmp_path, index, ctxs)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    later = make_ctx(hongze_2023, agency_id="y", run_id="run-2")
    assert write_pages(tmp_path, [later]) == [tmp_path / "y.html"]
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after["y.html"] == render_agency_summary(later).encode() != before["y.html"]
    assert {k: v for k, v in after.items() if k != "y.html"} == {
        k: v for k, v in before.items() if k != "y.html"
    }
    with pytest.raises(ValueError, match="duplicate"):
        write_pages(tmp_path, [later, later])
