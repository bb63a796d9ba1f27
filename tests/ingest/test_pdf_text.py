"""PDF text extraction: ruled tables become one tab-separated line per row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.errors import EmptyDocument, UnreadableDocument
from ingest.normalize import normalize
from ingest.parser import parse_file
from ingest.pdf_mupdf import _cells, _grid, _join, _tables, mupdf_pages
from ingest.pdf_text import _pdfplumber_pages, _row_lines, pdf_to_text
from ingest.splitting import BLANK

CORPUS = Path(__file__).parents[1] / "fixtures/corpus"
PDFS = ["001_huaian_shi_2024", "002_hongze_qu_2023", "003_hongze_qu_2024"]


def _blank_page_pdf() -> bytes:
    """A valid one-page PDF with no text on the page."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@pytest.mark.parametrize("name", PDFS)
def test_corpus_pdf_parses_to_truth(name: str) -> None:
    truth = json.loads((CORPUS / "truth" / f"{name}.pdf.json").read_text(encoding="utf-8"))
    report = parse_file(CORPUS / f"{name}.pdf").to_json()
    for key in ("year", "format", "t2", "t3", "t4"):
        assert report[key] == truth[key], key


def test_table_row_is_one_line_with_its_numbers() -> None:
    # 洪泽区 2023: the layout text put this row's numbers above its two-line label.
    text = pdf_to_text((CORPUS / "002_hongze_qu_2023.pdf").read_bytes())
    lines = text.splitlines()
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t4\t0\t0\t0\t0\t0\t4" in lines
    assert "（三）不予公开\t1.属于国家秘密\t1\t0\t0\t0\t0\t0\t1" in lines
    # Rows stay in reading order with the text around the table.
    assert (
        text.index("三、收到和处理政府信息公开申请情况")
        < text.index("国家秘密")
        < text.index("四、政府信息公开行政复议")
    )


def test_row_lines_merged_cells_dropped_blank_cells_marked() -> None:
    rows = [
        ["信息内容", "本年处理决定数量", None],
        [None, "（三）不予公开", "1.属于国家秘密", "", "0", "-", "1"],
        ["", "", "3.补正后申请内容仍不明确", "0", "0", "0", "0"],
        [None, "（六）其他处理", "", "2", "0", "0", "2"],
        [
            "（二）部分公开（区分处理的，只计这一情 形，不\n计其他情形）",
            None,
            None,
            "4",
            "0",
            "0",
            "4",
        ],
        ["", None],
    ]
    assert _row_lines(rows) == [
        "信息内容\t本年处理决定数量",
        f"（三）不予公开\t1.属于国家秘密\t{BLANK}\t0\t{BLANK}\t1",
        "3.补正后申请内容仍不明确\t0\t0\t0\t0",
        "（六）其他处理\t2\t0\t0\t2",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t4\t0\t0\t4",
        "",
    ]


def test_truncated_pdf_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "truncated.pdf"
    path.write_bytes((CORPUS / "002_hongze_qu_2023.pdf").read_bytes()[:2048])
    with pytest.raises(UnreadableDocument):
        pdf_to_text(path.read_bytes())
    with pytest.raises(UnreadableDocument):
        parse_file(path)


def test_pdf_without_text_layer_needs_ocr(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(_blank_page_pdf())
    with pytest.raises(EmptyDocument, match="OCR"):
        pdf_to_text(path.read_bytes())
    with pytest.raises(EmptyDocument):
        parse_file(path)


def _table_rows(pages: list[str]) -> list[str]:
    return [normalize(line) for page in pages for line in page.splitlines() if "\t" in line]


@pytest.mark.parametrize("name", PDFS)
def test_mupdf_table_rows_match_pdfplumber(name: str) -> None:
    # The PyMuPDF backend finds the same ruled tables and cells as pdfplumber did,
    # including the rows of a table that carries on over the next page.
    data = (CORPUS / f"{name}.pdf").read_bytes()
    pages = mupdf_pages(data)
    assert pages is not None
    rows = _table_rows(pages)
    assert len(rows) > 30
    assert rows == _table_rows(_pdfplumber_pages(data))


def test_grid_cells_merged_cell_leaves_none() -> None:
    # Three columns, two rows; the top-left cell spans both rows.
    hs = [[0.0, 0.0, 300.0], [20.0, 100.0, 300.0], [40.0, 0.0, 300.0]]
    vs = [[0.0, 0.0, 40.0], [100.0, 0.0, 40.0], [200.0, 0.0, 40.0], [300.0, 0.0, 40.0]]
    tables = _tables(_cells(_join(hs), _join(vs)))
    assert len(tables) == 1
    assert _grid(tables[0]) == [
        [(0.0, 0.0, 100.0, 40.0), (100.0, 0.0, 200.0, 20.0), (200.0, 0.0, 300.0, 20.0)],
        [None, (100.0, 20.0, 200.0, 40.0), (200.0, 20.0, 300.0, 40.0)],
    ]


def test_pdf_cut_short_is_unreadable() -> None:
    # MuPDF repairs a file cut in half and reads the pages it still finds; such a file
    # goes to pdfplumber, which refuses it, rather than giving half a report.
    data = (CORPUS / "002_hongze_qu_2023.pdf").read_bytes()
    assert mupdf_pages(data[: len(data) // 2]) is None
    with pytest.raises(UnreadableDocument):
        pdf_to_text(data[: len(data) // 2])


def test_pdf_with_owner_password_only_is_read() -> None:
    # Permissions-only encryption (empty user password) opens without a password.
    import pymupdf

    with pymupdf.open(CORPUS / "002_hongze_qu_2023.pdf") as doc:
        data = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="o", user_pw="")
        locked = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="o", user_pw="u")
    assert "国家秘密" in pdf_to_text(data)
    with pytest.raises(UnreadableDocument, match="密码"):
        pdf_to_text(locked)
