"""Atomic file replacement for everything the review writes (pages, ledger, outbox).

`write_atomic(path, data)`: the bytes go to a temporary file beside `path` and
`os.replace` puts them in place. A reader, or a run killed mid-write, sees the old file
or the new one, never half of one; a kill leaves at most a hidden `.<name>.*.tmp` file.
(No fsync: this guards against a killed process, not against a power cut.)
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_atomic"]


def write_atomic(path: str | Path, data: bytes | str) -> Path:
    """Replace `path` with `data` (str is written as UTF-8); creates the parent folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
