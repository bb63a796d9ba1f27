"""The agencies: deterministic, a valid hierarchy, a registry that loads."""

from __future__ import annotations

from collections import Counter

from ingest.registry import LEVELS, load_registry
from ingest.synthetic.generate import write_registry
from ingest.synthetic.province import host_for, make_agencies


def test_same_seed_same_agencies_other_seed_other_names():
    assert make_agencies(300, seed=4) == make_agencies(300, seed=4)
    assert [a.name for a in make_agencies(300, 4)] != [a.name for a in make_agencies(300, 5)]


def test_hierarchy_levels_and_unique_names():
    agencies = make_agencies(2000, seed=1)
    by_id = {a.agency_id: a for a in agencies}
    assert len(agencies) == 2000 == len(by_id) == len({a.name for a in agencies})
    levels = Counter(a.level for a in agencies)
    assert set(levels) == set(LEVELS) and levels["township"] > levels["province"]
    for a in agencies:
        if a.agency_id == "p":
            assert a.parent_id is None
            continue
        parent = by_id[a.parent_id]
        assert parent.kind == "government"
        assert parent.level == a.level if a.kind == "department" else parent.level != a.level
        assert a.supervisor_emails == (f"gkb@{a.parent_id}.example.cn",)
    assert any(a.name.endswith("教育厅") for a in agencies)
    assert host_for("c03-x02-jy") == "127.0.0.4" and host_for("p-jy") == "127.0.0.1"


def test_registry_loads(tmp_path):
    agencies = make_agencies(50, seed=2)
    path = write_registry(agencies, tmp_path / "registry.csv", lambda a: f"http://h/{a.agency_id}")
    loaded = load_registry(path)
    assert [a.agency_id for a in loaded] == [a.agency_id for a in agencies]
    assert loaded[3].contact_emails == agencies[3].contact_emails
    assert loaded[3].column_url == f"http://h/{agencies[3].agency_id}"
