"""The raw archive: every fetched body on disk, content-addressed by sha256.

Layout: `<root>/<sha[:2]>/<sha>`. Writing the same bytes again writes nothing.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


class Archive:
    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> tuple[str, Path]:
        """(sha256, path) of `data`, stored once (atomic rename, safe across threads)."""
        sha = hashlib.sha256(data).hexdigest()
        path = self.path(sha)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        return sha, path

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()
