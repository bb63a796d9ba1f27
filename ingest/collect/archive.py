"""The raw archive: every fetched body on disk, content-addressed by sha256.

Layout: `<root>/<sha[:2]>/<sha>`. Writing the same bytes again writes nothing.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC


class Archive:
    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> tuple[str, Path]:
        """(sha256, path) of `data`, stored once (atomic rename, safe across threads and
        processes: each writer has its own temporary name)."""
        sha = hashlib.sha256(data).hexdigest()
        path = self.path(sha)
        if not path.exists():
            tmp = path.parent / f".tmp-{sha[:16]}-{os.getpid()}-{threading.get_ident()}"
            try:
                fd = os.open(tmp, _CREATE, 0o644)
            except FileNotFoundError:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(tmp, _CREATE, 0o644)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(tmp, path)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
        return sha, path

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()
