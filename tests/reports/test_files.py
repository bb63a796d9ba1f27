"""Atomic replacement: a write that fails half-way leaves the old file whole."""

import os

import pytest

from reports import files
from reports.files import write_atomic


def test_replaces_and_creates_the_folder(tmp_path):
    path = tmp_path / "out" / "2023" / "index.html"
    assert write_atomic(path, "<p>旧</p>") == path
    write_atomic(path, b"<p>new</p>")
    assert path.read_bytes() == b"<p>new</p>"
    assert os.listdir(path.parent) == ["index.html"]


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "a.eml"
    write_atomic(path, "old")

    def interrupted(src, dst):
        raise KeyboardInterrupt  # killed between writing the temporary file and the rename

    monkeypatch.setattr(files.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, "new " * 10_000)
    assert path.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["a.eml"]  # the temporary file is gone
