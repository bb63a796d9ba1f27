"""Legacy Word (.doc) and WPS files to text through Debian's converters.

Measured on the official template (merged cells) saved as Word 97: LibreOffice
(`soffice --convert-to docx`, ~2.5 s a file) keeps every table cell, so the DOCX
reader takes over; antiword (~3 ms) drops the merged 表三 entirely and catdoc garbles
parts of 表二 and 表四. So LibreOffice is used when installed, antiword then catdoc
only as fallbacks. Without any of them the outcome names what to install.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ingest.errors import EmptyDocument, UnreadableDocument

TIMEOUT_SECONDS = 30
INSTALL_HINT = (
    "请安装 LibreOffice（Debian：apt-get install libreoffice-writer-nogui）或 antiword/catdoc"
)
SOFFICE_TIMEOUT_SECONDS = 120


def _run(argv: list[str]) -> str | None:
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired as exc:
        raise UnreadableDocument(f"转换 Word 文档超时（{TIMEOUT_SECONDS} 秒）") from exc
    if proc.returncode != 0 or not proc.stdout.strip():
        return None
    return proc.stdout.decode("utf-8", errors="replace")


def _table_rows(text: str) -> str:
    """antiword prints table rows as `|a |b |`: make them tab-separated lines."""
    out = []
    for line in text.splitlines():
        if line.startswith("|") and line.rstrip().endswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            out.append("\t".join(c for c in cells if c))
        else:
            out.append(line)
    return "\n".join(out)


def _via_libreoffice(soffice: str, path: Path) -> bytes | None:
    """Convert to DOCX with a private profile (concurrent runs must not share one)."""
    profile = path.parent / "profile"
    argv = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--convert-to",
        "docx",
        "--outdir",
        str(path.parent),
        str(path),
    ]
    try:
        subprocess.run(argv, capture_output=True, timeout=SOFFICE_TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired as exc:
        raise UnreadableDocument(f"LibreOffice 转换超时（{SOFFICE_TIMEOUT_SECONDS} 秒）") from exc
    out = path.with_suffix(".docx")
    return out.read_bytes() if out.exists() and out.stat().st_size else None


def doc_to_text(data: bytes, suffix: str = ".doc") -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    antiword, catdoc = shutil.which("antiword"), shutil.which("catdoc")
    if soffice:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"document{suffix}"
            path.write_bytes(data)
            converted = _via_libreoffice(soffice, path)
        if converted is not None:
            from ingest.docx_text import docx_to_text

            return docx_to_text(converted)
        if not antiword and not catdoc:
            raise UnreadableDocument(f"{suffix} 文件无法转换（文件损坏或不是 Word/WPS 文档）")
    if not antiword and not catdoc:
        raise UnreadableDocument(f"无法读取{suffix}格式：本机没有 Word 转换工具，{INSTALL_HINT}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"document{suffix}"
        path.write_bytes(data)
        text = None
        if antiword:
            text = _run([antiword, "-m", "UTF-8.txt", "-w", "0", str(path)])
            if text:
                text = _table_rows(text)
        if not text and catdoc:
            text = _run([catdoc, "-d", "utf-8", "-w", str(path)])
    if text is None:
        raise UnreadableDocument(f"{suffix} 文件无法转换为文字（文件损坏或不是 Word 文档）")
    text = re.sub(r"\[pic\]", "", text)
    if not text.strip():
        raise EmptyDocument(f"{suffix} 文档没有文字内容")
    return text
