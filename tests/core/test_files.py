"""The one file writer: whole files or none, the user's permissions, nothing left behind."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch

from fooling_gui.core import files
from fooling_gui.core.errors import FoolingError

DEAD_PID = 4_194_305  # above Linux's largest pid_max: no process can have it


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def only(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def full_disk_after(monkeypatch, limit: int) -> None:
    """Every file opened by the writer fails with ENOSPC once ``limit`` bytes are written."""
    real_fdopen = os.fdopen

    class FullFile:
        def __init__(self, fh):
            self.fh, self.written = fh, 0

        def write(self, data):
            self.written += len(data)
            if self.written > limit:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.fh.write(data)

        def __getattr__(self, name):
            return getattr(self.fh, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

    monkeypatch.setattr(files.os, "fdopen", lambda fd, *a, **k: FullFile(real_fdopen(fd, *a, **k)))


def test_files_get_the_users_umask_not_0600(tmp_path, umask_022):
    files.write_text(tmp_path / "a.txt", "hello")
    files.write_json(tmp_path / "b.json", {"x": 1})
    files.save_torch(tmp_path / "c.pt", {"w": torch.zeros(3)})
    assert [mode(tmp_path / n) for n in ("a.txt", "b.json", "c.pt")] == [0o644] * 3
    os.umask(0o027)
    files.write_text(tmp_path / "d.txt", "private")
    assert mode(tmp_path / "d.txt") == 0o640


def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "run.json"
    files.write_text(target, "old")

    def half_then_fail(fh):
        fh.write(b"new but unfinis")
        raise ValueError("writer bug")

    with pytest.raises(ValueError):
        files.write_atomic(target, half_then_fail)
    assert target.read_text() == "old" and only(tmp_path) == ["run.json"]


def test_ctrl_c_while_writing_removes_the_temporary(tmp_path):
    def interrupted(fh):
        fh.write(b"x" * 1000)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        files.write_atomic(tmp_path / "f.bin", interrupted)
    assert only(tmp_path) == []


def test_a_full_disk_is_one_sentence_and_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "weights.pt"
    files.write_text(target, "old")
    full_disk_after(monkeypatch, 100)
    with pytest.raises(FoolingError) as err:
        files.save_torch(target, {"w": torch.zeros(10_000)})
    message = str(err.value)
    assert "No space left on device" in message and "\n" not in message
    assert target.read_text() == "old" and only(tmp_path) == ["weights.pt"]


def test_a_path_under_a_file_is_one_sentence(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(FoolingError, match="is a file, not a folder"):
        files.write_text(tmp_path / "file" / "sub" / "out.json", "{}")
    with pytest.raises(FoolingError, match="is a file, not a folder"):
        files.check_file_destination(tmp_path / "file" / "out.json", "--save-run")
    with pytest.raises(FoolingError, match="is a folder"):
        files.check_file_destination(tmp_path, "--save-run")


def test_a_folder_where_the_file_should_go_is_refused_and_kept(tmp_path):
    (tmp_path / "out.json").mkdir()
    (tmp_path / "out.json" / "keep").write_text("mine")
    with pytest.raises(FoolingError, match="Could not write"):
        files.write_text(tmp_path / "out.json", "{}")
    assert (tmp_path / "out.json" / "keep").read_text() == "mine"
    assert only(tmp_path) == ["out.json"]


def test_temporaries_of_dead_processes_are_removed_on_the_next_write(tmp_path):
    stale = tmp_path / f".stats.json.{DEAD_PID}-0123abcd.fgtmp"
    mine = tmp_path / f".stats.json.{os.getpid()}-89abcdef.fgtmp"  # a write in progress
    other = tmp_path / ".other.json.4194305-0123abcd.fgtmp"  # another file's
    for p in (stale, mine, other):
        p.write_bytes(b"partial")
    files.write_json(tmp_path / "stats.json", {"ok": True})
    assert not stale.exists() and mine.exists() and other.exists()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX kill -9")
def test_kill_9_mid_write_leaves_the_target_whole_and_the_next_write_cleans_up(tmp_path):
    target = tmp_path / "heartbeat.json"
    files.write_json(target, {"beat": 1})
    script = textwrap.dedent(f"""
        import os, signal
        from fooling_gui.core import files
        def die(fh):
            fh.write(b'{{"beat": 2, "trunc')
            fh.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        files.write_atomic({str(target)!r}, die)
    """)
    env = dict(os.environ, PYTHONPATH=str(Path(files.__file__).parents[2]))
    proc = subprocess.run([sys.executable, "-c", script], env=env, timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert target.read_text() == '{\n  "beat": 1\n}\n'
    assert len(only(tmp_path)) == 2  # the killed write's temporary is still there
    files.write_json(target, {"beat": 3})
    assert only(tmp_path) == ["heartbeat.json"]


def test_check_file_destination_creates_nothing(tmp_path):
    files.check_file_destination(tmp_path / "new" / "deeper" / "run.pt", "--save-run")
    assert only(tmp_path) == []
