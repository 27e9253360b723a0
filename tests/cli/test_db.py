"""The command line and the database file: --db that does not exist, --create, backup, restore, busy, newer schema, URLs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from butler_desk.cli.main import run
from butler_desk.services.maintenance import open_context
from butler_desk.services.staff import StaffService
from tests.storage.dbfiles import database_with_staff, main_file_tables, roster_file, row_counts


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.mark.parametrize("command", [
    ["export", "ledger", "--out", "{dir}/ledger.xlsx"],
    ["staff", "list"],
    ["backup", "--out", "{dir}/copy.sqlite3"],
    ["import", "roster", "{roster}"],
    ["restore", "{dir}/backup.sqlite3"],
])
def test_a_mistyped_db_is_refused_and_nothing_is_created(tmp_path, capsys, command):
    work = tmp_path / "work"
    work.mkdir()
    roster = roster_file(tmp_path / "roster.xlsx", rows=3)
    database_with_staff(tmp_path / "backup.sqlite3")
    before = _files(work)
    typo = work / "sub" / "typo.sqlite3"
    argv = [part.format(dir=tmp_path, roster=roster) for part in command] + ["--db", str(typo)]

    code = run(argv)

    err = capsys.readouterr().err
    assert code == 3
    assert str(typo) in err and "--create" in err
    assert _files(work) == before  # no database, no folder, no backup


def test_a_missing_file_named_by_the_environment_is_refused_too(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BUTLER_DESK_DB", str(tmp_path / "typo.sqlite3"))

    assert run(["staff", "list"]) == 3

    assert "BUTLER_DESK_DB" in capsys.readouterr().err
    assert _files(tmp_path) == set()


def test_import_with_create_starts_a_new_office_and_leaves_the_main_file_complete(tmp_path, capsys):
    db = tmp_path / "new-office.sqlite3"
    roster = roster_file(tmp_path / "roster.xlsx", rows=50)

    code = run(["import", "roster", str(roster), "--estate", "翠湖花园", "--db", str(db), "--create"])

    assert code == 0, capsys.readouterr().err
    assert row_counts(db)["units"] == 50
    wal = Path(f"{db}-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # checkpointed before the command ended
    assert "units" in main_file_tables(db)


def test_create_as_a_global_option_and_the_default_database_still_made_at_first_start(tmp_path, capsys,
                                                                                        _private_data_dir):
    assert run(["--create", "--db", str(tmp_path / "a.sqlite3"), "staff", "add", "张三"]) == 0
    assert run(["staff", "list"]) == 0  # no --db: the user-data folder's file, created as before

    assert (tmp_path / "a.sqlite3").exists()
    assert (_private_data_dir / "butler-desk.sqlite3").exists()


def test_backup_and_restore_by_the_command_line(tmp_path, capsys):
    db = database_with_staff(tmp_path / "ledger.sqlite3", "张三")
    copy = tmp_path / "copy.sqlite3"
    assert run(["backup", "--out", str(copy), "--db", str(db)]) == 0
    assert run(["staff", "add", "李四", "--db", str(db)]) == 0

    assert run(["restore", str(copy), "--db", str(db)]) == 0

    out = capsys.readouterr().out
    assert "已从" in out and "另存为" in out
    con = sqlite3.connect(db)
    assert [r[0] for r in con.execute("SELECT name FROM staff")] == ["张三"]
    con.close()


def test_restore_while_a_desk_has_the_database_open_exits_3_and_changes_nothing(tmp_path, capsys):
    db = database_with_staff(tmp_path / "ledger.sqlite3", "张三")
    backup = database_with_staff(tmp_path / "backup.sqlite3", "备份里的人")
    desk = open_context(db)
    try:
        code = run(["restore", str(backup), "--db", str(db)])
        StaffService(desk).add("李四", "客服管家")  # the open desk keeps saving into the real file
    finally:
        desk.db.dispose()

    assert code == 3
    assert "管家台正在使用这个数据库，请先关闭所有管家台窗口" in capsys.readouterr().err
    con = sqlite3.connect(db)
    assert [r[0] for r in con.execute("SELECT name FROM staff ORDER BY id")] == ["张三", "李四"]
    con.close()


def test_a_database_from_a_newer_program_is_refused_in_chinese_and_never_copied(tmp_path, capsys):
    db = database_with_staff(tmp_path / "ledger.sqlite3", "张三")
    con = sqlite3.connect(db)
    con.execute("UPDATE alembic_version SET version_num = '0099'")
    con.commit()
    con.close()
    before = db.read_bytes()

    codes = [run(["staff", "list", "--db", str(db)]) for _ in range(2)]

    err = capsys.readouterr().err
    assert codes == [3, 3]
    assert "这个数据库由更新版本的管家台创建" in err and "请先升级程序" in err
    assert "Can't locate" not in err
    assert not list(tmp_path.rglob("*before-upgrade*"))  # no copy made, on either try
    assert db.read_bytes() == before


def test_a_write_while_another_desk_holds_the_write_lock_exits_3_saying_busy(tmp_path, capsys):
    db = database_with_staff(tmp_path / "ledger.sqlite3", "张三")
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        code = run(["staff", "add", "李四", "--db", str(db)])  # waits the busy timeout, then gives up
    finally:
        other.rollback()
        other.close()

    err = capsys.readouterr().err
    assert code == 3
    assert "正忙" in err and "程序内部错误" not in err and "请从备份恢复" not in err


@pytest.mark.parametrize("command", [["backup", "--out", "{dir}/x.sqlite3"], ["restore", "{dir}/x.sqlite3"]])
def test_backup_and_restore_refuse_a_server_url(tmp_path, capsys, command):
    argv = [part.format(dir=tmp_path) for part in command] + ["--db", "postgresql+psycopg://butler@localhost/office"]

    assert run(argv) == 3

    err = capsys.readouterr().err
    assert "只适用于本机的数据库文件" in err and "pg_dump" in err


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder nobody can write, as a write-protected USB stick is: ``chattr +i`` (root ignores chmod)."""
    import shutil
    import subprocess

    folder = tmp_path / "U盘"
    folder.mkdir()
    database_with_staff(folder / "ledger.sqlite3", "张三")
    for leftover in folder.iterdir():
        if leftover.name != "ledger.sqlite3":
            shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(folder)]).returncode != 0:
        pytest.skip("chattr +i is not available here (needs root and a file system that supports it)")
    try:
        yield folder
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_a_database_in_a_read_only_folder_is_called_read_only_not_damaged_and_can_be_backed_up(
        read_only_folder, tmp_path, capsys):
    db = read_only_folder / "ledger.sqlite3"

    code = run(["staff", "add", "李四", "--db", str(db)])

    err = capsys.readouterr().err
    assert code == 3
    assert "只读" in err and "请从备份恢复" not in err and "损坏" not in err
    assert run(["backup", "--out", str(tmp_path / "copy.sqlite3"), "--db", str(db)]) == 0
    con = sqlite3.connect(tmp_path / "copy.sqlite3")
    assert [r[0] for r in con.execute("SELECT name FROM staff")] == ["张三"]
    con.close()
