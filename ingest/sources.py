"""Local folder source: `<source>/<year>/<agency_id>.<ext>` (or `<source>/<agency_id>.<ext>`).

Returns, per registered agency, the documents found for the year; files whose name
matches no registered agency are returned separately so the run can report them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest.registry import Agency

DOCUMENT_SUFFIXES = {".txt", ".html", ".htm", ".shtml", ".pdf", ".docx", ".doc", ".wps"}


@dataclass(frozen=True)
class Found:
    documents: dict[str, list[Path]]  # agency_id -> files (sorted)
    unregistered: list[Path]


def find_documents(source: Path, year: int, agencies: list[Agency]) -> Found:
    source = Path(source)
    folder = source / str(year) if (source / str(year)).is_dir() else source
    ids = {a.agency_id for a in agencies}
    documents: dict[str, list[Path]] = {a.agency_id: [] for a in agencies}
    unregistered: list[Path] = []
    if not folder.is_dir():
        return Found(documents, unregistered)
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        stem = path.name.split(".")[0]
        if stem in ids:
            documents[stem].append(path)
        elif path.suffix.lower() in DOCUMENT_SUFFIXES:
            unregistered.append(path)
    return Found(documents, unregistered)
