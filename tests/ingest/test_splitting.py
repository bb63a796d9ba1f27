from ingest.splitting import BLANK, enumerate_splits, tokens, value


def colsum(_g, cells):
    return sum(value(c) for c in cells[:6]) == value(cells[6])


def test_run_together_row_has_one_reading_that_adds_up():
    assert enumerate_splits(tokens("21710000218"), (7,), colsum) == [
        ["217", "1", "0", "0", "0", "0", "218"]
    ]


def test_spaces_are_boundaries_but_not_every_boundary_has_one():
    assert enumerate_splits(tokens("10 0 0 0 01"), (7,), colsum) == [
        ["1", "0", "0", "0", "0", "0", "1"]
    ]


def test_leading_zero_starts_a_new_cell():
    assert enumerate_splits(tokens("0011"), (3,)) == [["0", "0", "11"]]


def test_ambiguous_row_keeps_every_reading():
    readings = enumerate_splits(tokens("270020130"), (7,), colsum)
    assert ["27", "0", "0", "2", "0", "1", "30"] in readings and len(readings) == 2


def test_too_few_digits_gives_no_reading():
    assert enumerate_splits(tokens("000000"), (7,)) == []


def test_blank_markers_and_negatives():
    assert tokens("- 3 / 无 -18") == [BLANK, "3", BLANK, BLANK, "-18"]
    assert ["2648", "-18", "538"] in enumerate_splits(tokens("2648-18538"), (3,))


def test_decimals_are_never_split():
    assert enumerate_splits(tokens("18651.06"), (1,)) == [["18651.06"]]


def test_groups_are_checked_as_soon_as_complete():
    def total(_g, cells):
        return sum(value(c) for c in cells[:4]) == value(cells[4])

    assert enumerate_splits(tokens("21317000001324019"), (5, 5, 5), total) == [
        ["2", "1", "3", "1", "7", "0", "0", "0", "0", "0", "13", "2", "4", "0", "19"]
    ]
