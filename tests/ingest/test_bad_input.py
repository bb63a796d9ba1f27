"""Bad input ends in a recorded, explained outcome (an IngestError), never a crash."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.errors import EmptyDocument, IngestError, NotAnnualReport, UnreadableDocument, WrongYear
from ingest.normalize import normalize
from ingest.outcome import read_agency
from ingest.parser import parse_file, parse_text


def test_empty_file(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(b"  \n")
    with pytest.raises(EmptyDocument):
        parse_file(p)


def test_binary_garbage_named_html(tmp_path):
    p = tmp_path / "a.html"
    p.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(UnreadableDocument):
        parse_file(p)


def test_corrupt_pdf(tmp_path, corpus):
    p = tmp_path / "a.pdf"
    p.write_bytes((corpus / "001_huaian_shi_2024.pdf").read_bytes()[:3000])
    with pytest.raises(UnreadableDocument):
        parse_file(p)


def test_not_an_annual_report(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("关于开展春季植树活动的通知\n各单位：请于3月12日前报名。", encoding="utf-8")
    with pytest.raises(NotAnnualReport):
        parse_file(p)


def test_gbk_text(tmp_path, corpus):
    p = tmp_path / "a.txt"
    p.write_bytes(
        (corpus / "017_pingtan_gaj_2022.txt").read_text(encoding="utf-8").encode("gb18030")
    )
    assert parse_file(p).t3["一"] == [1, 0, 0, 0, 0, 0, 1]


def test_wrong_year(corpus):
    with pytest.raises(WrongYear) as info:
        parse_file(corpus / "017_pingtan_gaj_2022.txt", expect_year=2023)
    assert info.value.found == 2022 and "2022" in info.value.reason


def test_outcomes_name_the_reason(tmp_path, corpus):
    empty = tmp_path / "x.txt"
    empty.write_bytes(b"")
    assert read_agency("x", [], 2022).status == "missing"
    assert read_agency("x", [empty], 2022).status == "empty"
    assert read_agency("x", [corpus / "017_pingtan_gaj_2022.txt"], 2023).status == "wrong_year"
    ok = read_agency("x", [empty, corpus / "017_pingtan_gaj_2022.txt"], 2022)
    assert ok.status == "parsed" and ok.report.year == 2022 and len(ok.sha256) == 64


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.sampled_from(
            list("一二三四五六、（）0123456789 .\n总计本年新收结转予以公开年度报告2024自然人")
        ),
        max_size=400,
    )
)
def test_parser_raises_only_its_own_errors(text):
    try:
        parse_text(normalize(text), "fuzz.txt")
    except IngestError:
        pass


def test_password_protected_pdf(tmp_path, corpus):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(corpus / "001_huaian_shi_2024.pdf").pages[:1]:
        writer.add_page(page)
    writer.encrypt("secret")
    p = tmp_path / "locked.pdf"
    with p.open("wb") as f:
        writer.write(f)
    with pytest.raises(UnreadableDocument, match="密码"):
        parse_file(p)


def test_docx_that_is_not_a_zip(tmp_path):
    p = tmp_path / "a.docx"
    p.write_text("这不是 Word 文档", encoding="utf-8")
    with pytest.raises(UnreadableDocument, match="ZIP"):
        parse_file(p)


def test_zip_bomb_disguised_as_docx(tmp_path):
    import zipfile

    p = tmp_path / "bomb.docx"
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"<" + b"0" * (150 * 1024 * 1024))
    assert p.stat().st_size < 1024 * 1024
    with pytest.raises(UnreadableDocument, match="压缩炸弹"):
        parse_file(p)


def test_200_mb_file_is_refused_without_reading(tmp_path):
    p = tmp_path / "huge.html"
    with p.open("wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: costs no disk
    with pytest.raises(UnreadableDocument, match="过大"):
        parse_file(p)


def test_scanned_pdf_needs_ocr(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    p = tmp_path / "scan.pdf"
    with p.open("wb") as f:
        writer.write(f)
    with pytest.raises(EmptyDocument, match="OCR"):
        parse_file(p)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    data=st.binary(max_size=2048),
    suffix=st.sampled_from([".txt", ".html", ".pdf", ".docx", ".doc"]),
)
def test_any_bytes_end_in_our_error_or_a_report(tmp_path, data, suffix):
    p = tmp_path / f"fuzz{suffix}"
    p.write_bytes(data)
    try:
        parse_file(p)
    except IngestError:
        pass
