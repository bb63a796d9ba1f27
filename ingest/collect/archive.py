"""The raw archive: every fetched body on disk, content-addressed by sha256.

Layout: `<root>/<sha[:2]>/<sha>`. Writing the same bytes again writes nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from pathlib import Path

_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC


class Archive:
    def __init__(self, root: Path):
        self.root = Path(root)
        self._root = os.fspath(self.root)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> tuple[str, Path]:
        """(sha256, path) of `data`, stored once (atomic rename, safe across threads and
        processes: each writer has its own temporary name). Plain `os` calls on string
        paths: this runs for every body fetched."""
        sha = hashlib.sha256(data).hexdigest()
        folder = os.path.join(self._root, sha[:2])
        target = os.path.join(folder, sha)
        if not os.path.exists(target):
            tmp = os.path.join(folder, f".tmp-{sha[:16]}-{os.getpid()}-{threading.get_ident()}")
            try:
                fd = os.open(tmp, _CREATE, 0o644)
            except FileNotFoundError:
                os.makedirs(folder, exist_ok=True)
                fd = os.open(tmp, _CREATE, 0o644)
            try:
                try:
                    view = memoryview(data)
                    while view:
                        view = view[os.write(fd, view) :]
                finally:
                    os.close(fd)
                os.replace(tmp, target)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
                raise
        return sha, Path(target)

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()
