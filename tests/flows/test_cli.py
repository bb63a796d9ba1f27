"""The machine-readable contract: `nianbao parse --json` and `nianbao check --json`."""

import json

from flows.cli import main
from flows.settings import PROJECT_ROOT
from models.canonical import CANONICAL_KEYS

CORPUS = PROJECT_ROOT / "tests" / "fixtures" / "corpus"


def _lines(capsys):
    return [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")
    ]


def test_parse_json_lines(capsys):
    files = [str(CORPUS / "009_pingtan_zone_2024.txt"), str(CORPUS / "002_hongze_qu_2023.txt")]
    assert main(["parse", "--json", *files]) == 0
    rows = _lines(capsys)
    assert [r["file"] for r in rows] == ["009_pingtan_zone_2024.txt", "002_hongze_qu_2023.txt"]
    assert rows[0]["t3"]["一"] == [217, 1, 0, 0, 0, 0, 218]
    assert set(rows[0]) >= set(CANONICAL_KEYS)


def test_check_json_findings(capsys, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    files = [
        str(CORPUS / "002_hongze_qu_2023.txt"),
        str(CORPUS / "009_pingtan_zone_2024.txt"),
        str(empty),
    ]
    assert main(["check", "--json", *files]) == 1  # one file could not be read
    rows = _lines(capsys)
    errors = {(r["file"], r["rule"], r["where"]) for r in rows if r.get("severity") == "error"}
    assert errors == {
        ("002_hongze_qu_2023.txt", "T4-TOTAL", "表四 行政复议"),
        ("002_hongze_qu_2023.txt", "T4-TOTAL", "表四 复议后起诉"),
    }
    assert {"file": "empty.txt", "outcome": "empty", "reason": "文件为空"} in rows
    assert all(
        {"file", "rule", "severity", "where", "message"} <= set(r) for r in rows if "rule" in r
    )
