"""Round trip: truth values written in the official layout, in every format, parse back exactly.

DOCX (merged cells like the template), HTML (rowspan/colspan; UTF-8, GBK declared in
<meta>, GB18030 undeclared), PDF (printed by headless Chromium), and legacy Word 97
.doc/.wps (tests/fixtures/roundtrip/*.doc: the DOCX of 004 and 009 saved as Word 97 by
LibreOffice).
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.parser import parse_file
from models.canonical import CANONICAL_KEYS, CanonicalReport
from reports.official import to_docx, to_html

sys.path.insert(0, str(Path(__file__).parent))
from conftest import CORPUS, truths  # noqa: E402

ROUNDTRIP = CORPUS.parent / "roundtrip"
TRUTHS = truths("txt")
COMPARED = ("year", "format", "t2", "t3", "t4")


def _report(truth: dict) -> CanonicalReport:
    return CanonicalReport(**{k: truth[k] for k in CANONICAL_KEYS})


def _same(path: Path, truth: dict) -> list[str]:
    got = parse_file(path).to_json()
    return [k for k in COMPARED if got[k] != truth[k]]


@pytest.mark.parametrize(
    "variant, render",
    [
        ("utf8.html", lambda r: to_html(r)),
        ("gbk.html", lambda r: to_html(r, "gbk")),
        ("gb18030-undeclared.html", lambda r: to_html(r, "gb18030", declare=False)),
        ("docx", to_docx),
    ],
)
def test_every_truth_round_trips(tmp_path, variant, render):
    wrong = {}
    for truth in TRUTHS:
        path = tmp_path / f"{truth['file']}.{variant}"
        path.write_bytes(render(_report(truth)))
        if diff := _same(path, truth):
            wrong[truth["file"]] = diff
    assert not wrong


def test_docx_published_date_from_signature(tmp_path):
    truth = json.loads((CORPUS / "truth" / "009_pingtan_zone_2024.json").read_text())
    path = tmp_path / "a.docx"
    path.write_bytes(to_docx(_report(truth)))
    assert parse_file(path).published_date == "2025-03-10"


CHROMIUM = shutil.which("chromium")


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian chromium is not installed (.ci/run installs it)"
)
@pytest.mark.parametrize(
    "name", ["009_pingtan_zone_2024", "004_pingtan_zone_2019", "002_hongze_qu_2023"]
)
def test_pdf_printed_by_chromium_round_trips(tmp_path, name):
    truth = json.loads((CORPUS / "truth" / f"{name}.json").read_text())
    page = tmp_path / "page.html"
    page.write_bytes(to_html(_report(truth)))
    pdf = tmp_path / f"{name}.pdf"
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert _same(pdf, truth) == []


HAS_CONVERTER = any(shutil.which(t) for t in ("soffice", "antiword", "catdoc"))


@pytest.mark.skipif(
    not shutil.which("soffice"), reason="LibreOffice is not installed (.ci/run installs it)"
)
@pytest.mark.parametrize("name", ["009_pingtan_zone_2024", "004_pingtan_zone_2019"])
@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_legacy_word_round_trips(tmp_path, name, suffix):
    truth = json.loads((CORPUS / "truth" / f"{name}.json").read_text())
    path = tmp_path / f"{name}{suffix}"
    shutil.copy(ROUNDTRIP / f"{name}.doc", path)
    assert _same(path, truth) == []
