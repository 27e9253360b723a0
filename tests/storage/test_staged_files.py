"""Files published as one batch: staged beside their targets, renamed together, and what a kill left finished or undone."""

from __future__ import annotations

import os
import time

import pytest

from butler_desk.storage.files import STALE_AFTER_SECONDS, Journal, Lease, StagedFiles, abandoned, recover

pytestmark = pytest.mark.skipif(os.name == "nt", reason="the lock checks use POSIX flock semantics")


def _targets(folder):
    return {"notice": folder / "停水.pdf", "letters": folder / "停水-信件.pdf"}


def _write_all(staged: StagedFiles) -> None:
    for key in staged.targets:
        staged.path(key).write_bytes(f"%PDF {key} %%EOF".encode())


def _dead(staged: StagedFiles) -> None:
    """What a SIGKILL leaves: the lock gone (the kernel drops it), every file where it was."""
    staged.keep_for_recovery()


def test_published_files_replace_their_targets_and_nothing_else_is_left(tmp_path):
    (tmp_path / "停水.pdf").write_bytes(b"an older notice")
    staged = StagedFiles(_targets(tmp_path))
    _write_all(staged)
    assert not (tmp_path / "停水-信件.pdf").exists()  # nothing visible until the batch is recorded
    staged.record(7)
    staged.publish()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["停水-信件.pdf", "停水.pdf"]
    assert (tmp_path / "停水.pdf").read_bytes() == b"%PDF notice %%EOF"


def test_a_discarded_batch_leaves_the_folder_as_it_was(tmp_path):
    (tmp_path / "停水.pdf").write_bytes(b"an older notice")
    staged = StagedFiles(_targets(tmp_path))
    _write_all(staged)
    (tmp_path / f".{staged.path('letters').stem}-abcd1234.pdf.part").write_bytes(b"")  # a render's own temporary
    staged.discard()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["停水.pdf"]
    assert (tmp_path / "停水.pdf").read_bytes() == b"an older notice"


def test_a_batch_killed_after_its_record_was_committed_is_finished_at_the_next_start(tmp_path):
    staged = StagedFiles(_targets(tmp_path))
    _write_all(staged)
    staged.record(7)
    _dead(staged)
    seen: list[Journal] = []

    def committed(journal: Journal) -> bool:
        seen.append(journal)
        return journal.record_id == 7

    recover([tmp_path], committed)
    assert [j.record_id for j in seen] == [7]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["停水-信件.pdf", "停水.pdf"]
    assert (tmp_path / "停水-信件.pdf").read_bytes() == b"%PDF letters %%EOF"


@pytest.mark.parametrize("recorded", [True, False], ids=["noted-but-rolled-back", "never-noted"])
def test_a_batch_killed_before_its_commit_is_undone_at_the_next_start(tmp_path, recorded):
    (tmp_path / "停水.pdf").write_bytes(b"an older notice")
    staged = StagedFiles(_targets(tmp_path))
    _write_all(staged)
    if recorded:
        staged.record(7)  # the id was noted, but the transaction never committed
    _dead(staged)
    recover([tmp_path], lambda journal: False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["停水.pdf"]
    assert (tmp_path / "停水.pdf").read_bytes() == b"an older notice"


def test_a_running_batch_is_left_alone(tmp_path):
    staged = StagedFiles(_targets(tmp_path))
    _write_all(staged)
    old = time.time() - 2 * STALE_AFTER_SECONDS
    for path in tmp_path.iterdir():
        os.utime(path, (old, old))  # even when its files look old (a slow batch on a shared folder)
    recover([tmp_path], lambda journal: pytest.fail("a locked journal must not be judged"))
    assert staged.path("notice").exists() and staged.journal.exists()
    staged.record(8)
    staged.publish()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["停水-信件.pdf", "停水.pdf"]


def test_stale_render_temporaries_of_our_files_go_and_everything_else_stays(tmp_path):
    fresh = tmp_path / ".停水-k3j9x_2a.pdf.part"
    stale = tmp_path / ".停水-信件-q8w7e6r5.pdf.part"
    foreign = tmp_path / ".其他-q8w7e6r5.pdf.part"  # not one of this batch's names
    orphan = tmp_path / ".butler-desk-staged-0123456789abcdef-notice.pdf"  # staged, its journal gone
    users = tmp_path / ".停水.pdf.part"  # not our pattern: a name the user or another program chose
    for path in (fresh, stale, foreign, orphan, users):
        path.write_bytes(b"")
    old = time.time() - STALE_AFTER_SECONDS - 60
    for path in (stale, foreign, orphan, users):
        os.utime(path, (old, old))
    removed = recover([tmp_path], lambda journal: False, part_stems=["停水", "停水-信件"])
    assert sorted(removed) == sorted([stale, orphan])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (fresh, foreign, users))


def test_a_lease_is_held_while_its_process_works_and_abandoned_after(tmp_path):
    lease = Lease(tmp_path / ".job.lock")
    assert not abandoned(lease.marker)
    lease.release()
    assert not lease.marker.exists()
    lease = Lease(tmp_path / ".job.lock")
    lease._handle.close()  # what a kill does to the lock
    assert abandoned(lease.marker)
