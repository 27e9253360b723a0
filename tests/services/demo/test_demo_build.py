"""The demo build is all or nothing: built beside the target, renamed into place, a killed build's leftovers removed."""

from __future__ import annotations

import os
import sqlite3

import pytest

from butler_desk.domain.errors import BadInput
from butler_desk.services.demo.estate import BUILDING, LEASE_SUFFIX, build_demo_estate
from butler_desk.storage.files import Lease


def _counts(path):
    con = sqlite3.connect(path)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("units", "requests", "documents")}
    finally:
        con.close()


def test_a_new_demo_is_one_whole_file_with_nothing_beside_it(tmp_path):
    target = tmp_path / "demo.sqlite3"
    stats = build_demo_estate(target, units=60)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "backups") == ["demo.sqlite3"]
    counts = _counts(target)  # the main file alone holds everything: no write-ahead log was left
    assert counts["units"] == stats.units == 60
    assert counts["requests"] > 0 and counts["documents"] == 2


@pytest.mark.skipif(os.name == "nt", reason="the lock check uses POSIX flock semantics")
def test_a_killed_builds_leftovers_go_at_the_next_build_and_a_running_ones_stay(tmp_path):
    target = tmp_path / "demo.sqlite3"
    dead = tmp_path / f".demo.sqlite3{BUILDING}0123456789ab"
    # The killed build's file, its log, its desk lock and its lease, which nobody holds any more.
    for path in (dead, tmp_path / f"{dead.name}-wal", tmp_path / f"{dead.name}.lock",
                 tmp_path / f"{dead.name}{LEASE_SUFFIX}"):
        path.write_bytes(b"half a demo")
    running = Lease(tmp_path / f".demo.sqlite3{BUILDING}ba9876543210{LEASE_SUFFIX}")  # another build, still at work
    (tmp_path / running.marker.stem).write_bytes(b"being built")
    other = tmp_path / f".other.sqlite3{BUILDING}0123456789ab"  # another target's: not ours to judge
    other.write_bytes(b"")

    build_demo_estate(target, units=20, requests=0)

    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "backups") == sorted(
        ["demo.sqlite3", running.marker.name, running.marker.stem, other.name])
    running.release()


def test_a_demo_is_never_built_over_a_database_with_data(tmp_path):
    target = tmp_path / "demo.sqlite3"
    build_demo_estate(target, units=20, requests=0)
    before = _counts(target)
    with pytest.raises(BadInput) as info:
        build_demo_estate(target, units=20, requests=0)
    assert "已有数据" in info.value.message
    assert _counts(target) == before
