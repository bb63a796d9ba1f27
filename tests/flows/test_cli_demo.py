"""`nianbao demo-province`: the files it writes and its refusals."""

from __future__ import annotations

from flows.cli import main
from ingest.registry import load_registry
from ingest.synthetic.truth import Truth


def test_demo_province_writes_registry_reports_and_truth(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo-province", "--agencies", "6", "--years", "2", "--out", str(out)]) == 0
    assert "已生成示范省：6 个机构" in capsys.readouterr().out
    assert len(load_registry(out / "registry.csv")) == 6
    truth = Truth.read(out / "truth.json")
    assert truth.years == [2023, 2024] and len(truth.reports) == 12
    assert all((out / e.file).is_file() for e in truth.reports)


def test_demo_province_refuses_bad_arguments(tmp_path, capsys):
    out = str(tmp_path / "demo")
    assert main(["demo-province", "--out", out]) == 2
    assert main(["demo-province", "--agencies", "3", "--years", "9", "--out", out]) == 2
    assert "年度须在" in capsys.readouterr().err
