"""The digest email's HTML and an agency summary, opened in headless Chromium (Debian's
`/usr/bin/chromium` with fonts-noto-cjk): the page renders, Chinese has a font, and the
findings are in the rendered DOM."""

from __future__ import annotations

import dataclasses
import shutil
import struct
import subprocess
from datetime import datetime
from email.headerregistry import Address
from pathlib import Path

import pytest

from reports.contexts import CountRow, OpenAgency, ProgressContext, TrendPoint
from reports.mail import compose
from reports.render import render_agency_summary, render_progress

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (apt-get install chromium)"
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def _chromium(page: Path, tmp: Path, *args: str) -> str:
    profile = tmp / f"profile-{page.stem}-{len(args)}"
    done = subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def _digest_html(hongze_findings) -> str:
    ctx = ProgressContext(
        scope="淮安市",
        year=2023,
        run_id="7",
        generated_at=datetime(2024, 3, 1, 9, 0),
        by_region=[CountRow("淮安市洪泽区", 1, 2, 1)],
        by_rule=[CountRow("T4-TOTAL", 0, 2, 0), CountRow("FMT-TABLES", 1, 0, 0)],
        trend=[TrendPoint("2024-02-05", 4, 0), TrendPoint("2024-02-20", 4, 3)],
        open_agencies=[
            OpenAgency("ha-hongze", "淮安市洪泽区人民政府", "淮安市洪泽区", 1, 0, "2024-02-05", "")
        ],
        agencies=2,
    )
    message = compose(
        sender=Address("省政务公开办", "gkb", "example.cn"),
        to=Address("", "sup", "example.cn"),
        subject="【年报审核】淮安市 2023年度报告审核与整改进展",
        html=render_progress(ctx),
        text="-",
    )
    return message.get_body(("html",)).get_content()


def test_cjk_font_is_installed():
    if not shutil.which("fc-match"):
        pytest.skip("fontconfig (fc-match) is not installed")
    found = subprocess.run(["fc-match", "Noto Sans CJK SC"], capture_output=True, text=True)
    assert "Noto Sans CJK" in found.stdout, "fonts-noto-cjk is missing: Chinese renders as boxes"


def test_digest_and_agency_summary_render(tmp_path, hongze_2023, hongze_findings, make_ctx):
    views = [
        dataclasses.replace(
            f,
            status="fixed",
            found_on="2024-02-05",
            notified_on="2024-02-05",
            fixed_on="2024-02-20",
        )
        if f.rule == "T4-TOTAL"
        else dataclasses.replace(f, found_on="2024-02-05", notified_on="2024-02-05")
        for f in hongze_findings
    ]
    pages = {
        "digest": (
            _digest_html(hongze_findings),
            ["淮安市洪泽区人民政府", "整改率变化", "T4-TOTAL"],
        ),
        "agency": (
            render_agency_summary(make_ctx(hongze_2023, views)),
            ["表四 行政复议", "已整改", "2024-02-20", "待整改"],
        ),
    }
    for name, (html, texts) in pages.items():
        page = tmp_path / f"{name}.html"
        page.write_text(html, encoding="utf-8")
        shot = tmp_path / f"{name}.png"
        _chromium(page, tmp_path, f"--screenshot={shot}", "--window-size=1200,1600")
        width, height = _png_size(shot)
        assert (width, height) == (1200, 1600)
        assert shot.stat().st_size > 30_000, f"{name}: the screenshot looks blank"
        dom = _chromium(page, tmp_path, "--dump-dom")
        for text in texts:
            assert text in dom, f"{name}: {text!r} not in the rendered DOM"
