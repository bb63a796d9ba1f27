"""The check batch: columns, nulls for omitted rows, the two 表三 （六） layouts, gaps."""

from __future__ import annotations

import math

import pytest

from expectations.features import build_frame, sections_in_order, t3_expected_rows, table_gaps
from expectations.layout import CELLS, T3_ROWS, t2_column, t3_column, t4_column
from models.canonical import T3_ROWS_2021, T3_ROWS_SINGLE_SIX

BASE_2021 = "009_pingtan_zone_2024.json"
BASE_2019 = "014_pingtan_shs_2020.json"


def _row(frame, i=0):
    return frame.iloc[i]


def test_cell_columns_are_ascii_unique_and_map_back():
    assert len(CELLS) == 10 + 7 * len(T3_ROWS) + 15
    assert all(name.isascii() and name.isidentifier() for name in CELLS)
    assert t3_column("三.七", 0) == "t3_3_7_natural"
    cell = CELLS["t3_3_7_natural"]
    assert (cell.table, cell.row, cell.index, cell.key) == ("t3", "三.七", 0, "t3.三.七.0")
    assert cell.where == "表三 第三项（七）总计 列 自然人"
    assert CELLS[t4_column(4)].where == "表四 行政复议 总计"
    assert CELLS[t4_column(14)].key == "t4.14"
    assert CELLS[t2_column("规章", 2)].where == "表二 规章 现行有效件数"
    assert CELLS[t2_column("行政事业性收费")].key == "t2.行政事业性收费"


def test_one_row_per_report(truth_report):
    reports = [truth_report(BASE_2021), truth_report(BASE_2019)]
    frame = build_frame(reports, ["a", "b"])
    assert list(frame["report_id"]) == ["a", "b"]
    assert set(CELLS) <= set(frame.columns)
    assert list(frame["year"]) == [2024.0, 2020.0]
    assert list(frame["format"]) == ["2021", "2019trial"]
    assert _row(frame)[t3_column("一", 6)] == 218
    assert _row(frame)[t4_column(14)] == 19
    assert _row(frame)[t2_column("行政事业性收费")] == 18651.06


def test_unused_six_variant_is_zero_and_omitted_rows_null(truth_report):
    split, single, neither = (
        truth_report(BASE_2021),
        truth_report(BASE_2019),
        truth_report(BASE_2021),
    )
    neither.t3 = {k: v for k, v in neither.t3.items() if not k.startswith("三.六")}
    split.t3["三.三.2"] = None
    frame = build_frame([split, single, neither], ["split", "single", "neither"])
    assert _row(frame, 0)[t3_column("三.六", 0)] == 0
    assert _row(frame, 1)[t3_column("三.六.1", 6)] == 0
    assert math.isnan(_row(frame, 2)[t3_column("三.六", 0)])
    assert math.isnan(_row(frame, 2)[t3_column("三.六.2", 0)])
    assert math.isnan(_row(frame, 0)[t3_column("三.三.2", 3)])


def test_2019_trial_table_two_is_not_in_the_cells(truth_report):
    frame = build_frame([truth_report(BASE_2019)], ["r"])
    assert all(math.isnan(_row(frame)[c]) for c in CELLS if c.startswith("t2_"))


def test_nonnumeric_cells_are_null_and_counted(truth_report):
    report = truth_report(BASE_2021)
    report.t3["一"][1] = "1"
    report.t4[0] = True
    frame = build_frame([report], ["r"])
    assert math.isnan(_row(frame)[t3_column("一", 1)])
    assert _row(frame)["cells_nonnumeric"] == 2


def test_missing_tables_and_gaps(truth_report):
    report = truth_report(BASE_2021)
    report.t4 = None
    report.t2["规章"] = None
    report.t3["一"] = [1, 2, 3]
    report.missing_rows = ["t3.三.三.8"]
    gaps = table_gaps(report)
    assert gaps == {
        "t2": [("t2.规章", "missing")],
        "t3": [("t3.一", "incomplete"), ("t3.三.三.8", "missing")],
        "t4": [],
    }
    frame = build_frame([report], ["r"])
    assert (_row(frame)["t4_present"], _row(frame)["t2_gaps"], _row(frame)["t3_gaps"]) == (
        False,
        1,
        2,
    )


def test_expected_t3_rows_follow_the_format(truth_report):
    assert t3_expected_rows(truth_report(BASE_2021)) == T3_ROWS_2021
    assert t3_expected_rows(truth_report(BASE_2019)) == T3_ROWS_SINGLE_SIX
    hongze = truth_report("002_hongze_qu_2023.json")  # 2021 format, single （六）
    assert t3_expected_rows(hongze) == T3_ROWS_2021
    assert table_gaps(hongze)["t3"] == [(f"t3.三.六.{i}", "missing") for i in (1, 2, 3)]


def test_sections(truth_report):
    report = truth_report(BASE_2021)
    assert sections_in_order(report)
    report.sections_present = ["一", "三", "二"]
    frame = build_frame([report], ["r"])
    assert (_row(frame)["sections_missing"], _row(frame)["sections_in_order"]) == (3, False)


def test_ids_must_match_reports(truth_report):
    with pytest.raises(ValueError):
        build_frame([truth_report(BASE_2021)], ["a", "b"])
