"""Table views: marking, number text, finding views."""

from __future__ import annotations

from models.finding import Finding
from reports.contexts import FindingView
from reports.table_html import row_label, value_cells
from reports.tables import Cell, Mark, Row, cell_marks, number_text, t4_rows


def test_cell_marks_dedupe_rules_and_take_worst():
    fs = [
        FindingView("A", "a", "info", "b", "w", "m", cells=("t4.0", "t4.1")),
        FindingView("B", "b", "error", "b", "w", "m", cells=("t4.1",)),
        FindingView("A", "a", "warning", "b", "w", "m", cells=("t4.1",)),
    ]
    marks = cell_marks(fs)
    assert set(marks) == {"t4.0", "t4.1"}
    assert marks["t4.0"].severity == "info" and marks["t4.0"].title == "A"
    assert marks["t4.1"].severity == "error" and marks["t4.1"].rules == ("A", "B")


def test_number_text():
    assert [number_text(v) for v in (0, 7545.0, 7730.28, 24252.311082, -18, None)] == [
        "0",
        "7545",
        "7730.28",
        "24252.311082",
        "-18",
        "—",
    ]


def test_short_t4_is_padded_not_dropped():
    rows = t4_rows([1, 2, 3], {})
    assert [c.text for c in rows[0].cells] == ["1", "2", "3", "—", "—"]
    assert rows[2].cells[-1].key == "t4.14"


def test_finding_view_from_finding():
    f = Finding("r", "T4-TOTAL", "error", "w", "m", "p", "e", "ev", ("t4.4",))
    v = FindingView.from_finding(f, "title", "basis")
    assert (
        v.rule,
        v.title,
        v.severity,
        v.basis,
        v.where,
        v.message,
        v.published,
        v.expected,
        v.evidence,
        v.cells,
        v.severity_label,
    ) == ("T4-TOTAL", "title", "error", "basis", "w", "m", "p", "e", "ev", ("t4.4",), "错误")


def test_cell_markup_is_escaped_and_marked():
    """The filters write what the template's macros wrote (reports.table_html)."""
    mark = Mark(("R<1>", "R&2"), "error")
    cells = (Cell("t2.a\"b'.0", "<7>"), Cell("t4.1", "8", mark))
    assert value_cells(cells) == (
        '<td class="num" data-cell="t2.a&#34;b&#39;.0">&lt;7&gt;</td>'
        '<td class="num flag flag-error" data-cell="t4.1" title="R&lt;1&gt;, R&amp;2">8</td>'
    )
    assert value_cells(()) == ""
    row = Row("t3.三.六.1", "其他<a>", (), mark, level=2)
    assert row_label(row) == (
        '<th scope="row" class="lvl-2 flag flag-error" data-cell="t3.三.六.1"'
        ' title="R&lt;1&gt;, R&amp;2">其他&lt;a&gt;</th>'
    )
    assert row_label(Row("", "规章", ()), 3) == (
        '<th scope="rowgroup" class="lvl-0" rowspan="3">规章</th>'
    )
