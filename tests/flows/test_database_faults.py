"""The database going away: `nianbao review` says so in Chinese (exit 3, no traceback, no
credentials) and leaves no partial run behind (a run is stored in one transaction).

- a server with nothing listening, a SQLite file in a missing folder: refused before the
  review starts (and before Prefect's start-up);
- PostgreSQL ends the connection while persist writes (`pg_terminate_backend` after the
  registry, documents and reports, before the outcomes): the stage and the command
  report it, the database is as before;
- SQLite locked by another program for longer than the busy timeout: the same.
"""

from __future__ import annotations

import socket
import sqlite3

import pytest
import sqlalchemy as sa

from flows import stages
from flows.cli import main
from models import store
from models.base import Base
from models.db import Database

YEAR = 2023


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _review(url, tmp_path, capsys, monkeypatch) -> tuple[int, str]:
    monkeypatch.setenv("NIANBAO_DATABASE_URL", url)
    capsys.readouterr()
    code = main(["review", "--year", str(YEAR), "--out", str(tmp_path / "out")])
    return code, capsys.readouterr().err


def _rows(url: str) -> dict[str, int]:
    """Rows per table (every nianbao table)."""
    db = Database.connect(url)
    try:
        db.create_schema()
        with db.sessions() as s:
            return {
                t.name: s.scalar(sa.select(sa.func.count()).select_from(t))
                for t in Base.metadata.sorted_tables
            }
    finally:
        db.dispose()


def _lose_connection(monkeypatch, url: str) -> None:
    """The server ends persist's connection just before it stores the agencies' outcomes
    (documents and reports are written by then)."""
    admin = sa.create_engine(url)
    record_outcomes = store.record_outcomes

    def dying(session, *args, **kwargs):
        pid = session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        with admin.begin() as connection:
            connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        admin.dispose()
        return record_outcomes(session, *args, **kwargs)

    monkeypatch.setattr(store, "record_outcomes", dying)


def test_server_not_listening(tmp_path, capsys, monkeypatch):
    port = _free_port()
    url = f"postgresql+psycopg://nianbao:s3cret@127.0.0.1:{port}/nianbao"
    code, err = _review(url, tmp_path, capsys, monkeypatch)
    assert code == 3
    assert f"无法连接数据库 127.0.0.1:{port}/nianbao：连接被拒绝" in err
    assert "审核没有开始，数据库未作任何修改" in err
    assert "Traceback" not in err and "s3cret" not in err
    assert not (tmp_path / "out" / str(YEAR)).exists()  # no page rendered


def test_sqlite_file_in_a_missing_folder(tmp_path, capsys, monkeypatch):
    path = tmp_path / "missing" / "nianbao.db"
    code, err = _review(f"sqlite:///{path}", tmp_path, capsys, monkeypatch)
    assert code == 3
    assert f"无法打开数据库文件 {path}（文件夹不存在或没有写权限）" in err
    assert "Traceback" not in err and not path.parent.exists()


def test_connection_lost_while_persisting_leaves_the_previous_state(
    sample_2023, server_database_url, monkeypatch
):
    agencies, outcomes, findings = sample_2023
    url = server_database_url
    first, _ = stages.persist(url, YEAR, agencies, outcomes, findings, {})
    before = _rows(url)

    _lose_connection(monkeypatch, url)
    with pytest.raises(stages.PersistError) as failed:
        stages.persist(url, YEAR, agencies, outcomes, findings, {})
    message = str(failed.value)
    assert "与数据库 127.0.0.1" in message and "的连接在运行中断开" in message
    assert "本次审核结果没有保存" in message and "nianbao:" not in message
    assert isinstance(failed.value.__cause__, sa.exc.OperationalError)

    assert _rows(url) == before  # not one row of the second run
    monkeypatch.undo()
    second, _ = stages.persist(url, YEAR, agencies, outcomes, findings, {})  # back: it works
    assert second != first


def test_connection_lost_during_review_command(
    prefect_harness, server_database_url, tmp_path, capsys, monkeypatch
):
    _lose_connection(monkeypatch, server_database_url)
    code, err = _review(server_database_url, tmp_path, capsys, monkeypatch)
    assert code == 3
    last = err.strip().splitlines()[-1]
    assert last.startswith("错误：与数据库 ") and "的连接在运行中断开" in last
    assert "本次审核结果没有保存" in last and "nianbao:nianbao" not in err
    assert "Traceback" not in err  # Prefect logs the failure in one line, then the message
    rows = _rows(server_database_url)
    assert rows["check_runs"] == rows["agencies"] == rows["findings"] == 0, rows
    assert not (tmp_path / "out" / str(YEAR) / "index.html").exists()


def test_sqlite_locked_by_another_program(sample_2023, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite only: a file lock held by another program")
    agencies, outcomes, findings = sample_2023
    stages.persist(database_url, YEAR, agencies, outcomes, findings, {})
    before = _rows(database_url)
    path = sa.engine.make_url(database_url).database
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # e.g. a database browser in the middle of an edit
    try:
        with pytest.raises(stages.PersistError, match="被另一个程序占用，等待超时"):
            stages.persist(f"{database_url}?timeout=0.2", YEAR, agencies, outcomes, findings, {})
    finally:
        other.rollback()
        other.close()
    assert _rows(database_url) == before
