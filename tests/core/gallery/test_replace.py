"""Replacing a gallery: only a gallery, never without rollback, and a crash loses nothing."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from fooling_gui.core.errors import FoolingError
from fooling_gui.core.evolution import Elite
from fooling_gui.core.gallery import Provenance, export_gallery
from fooling_gui.core.gallery import replace as replace_mod
from fooling_gui.core.gallery.replace import check_gallery_destination

DEAD_PID = 4_194_305  # above Linux's largest pid_max: no process can have it
POSIX_KILL = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX kill -9")


def elites(n=3, seed=1):
    rng = np.random.default_rng(seed)
    return [Elite(class_index=k, class_name=f"digit {k}", confidence=0.9999 + k * 1e-6,
                  generation=k, image=rng.integers(0, 256, (28, 28, 1), dtype=np.uint8),
                  genome=None, probabilities=np.zeros(10, np.float32)) for k in range(n)]


def prov(seed=5):
    return Provenance(model="lenet", model_label="lenet", weights_sha256="ab" * 32,
                      random_init=False, encoding="direct", seed=seed, generations=12,
                      evaluations=2600, wall_seconds=1.5)


def seed_of(gallery: Path) -> int:
    return json.loads((gallery / "manifest.json").read_text())["seed"]


def beside(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir())


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_gallery_is_readable_by_everyone_under_umask_022(tmp_path, umask_022):
    out = tmp_path / "g"
    export_gallery(elites(), prov(), out)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()}
    assert set(modes) == {"0000_digit_0.png", "0001_digit_1.png", "0002_digit_2.png",
                          "contact_sheet.png", "index.html", "manifest.json"}
    assert set(modes.values()) == {0o644}
    assert stat.S_IMODE(out.stat().st_mode) == 0o755


def test_force_never_replaces_a_folder_that_is_not_a_gallery(tmp_path):
    out = tmp_path / "thesis"
    (out / "photos").mkdir(parents=True)
    (out / "thesis.tex").write_text("years of work")
    (out / "photos" / "a.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(FoolingError, match="is not a fooling-gui gallery") as err:
        export_gallery(elites(), prov(), out, overwrite=True)
    assert "\n" not in str(err.value)
    assert (out / "thesis.tex").read_text() == "years of work"
    assert (out / "photos" / "a.jpg").exists() and beside(out) == ["thesis"]


def test_force_never_replaces_a_gallery_holding_the_users_own_files(tmp_path):
    out = tmp_path / "g"
    export_gallery(elites(), prov(), out)
    (out / "notes.txt").write_text("my notes")
    with pytest.raises(FoolingError, match="also holds notes.txt"):
        export_gallery(elites(), prov(seed=6), out, overwrite=True)
    assert (out / "notes.txt").read_text() == "my notes" and seed_of(out) == 5


@pytest.mark.parametrize("atomic_swap", [True, False], ids=["renameat2", "two-renames"])
def test_force_replaces_a_gallery_and_leaves_nothing_beside_it(tmp_path, monkeypatch,
                                                              atomic_swap):
    if not atomic_swap:
        monkeypatch.setattr(replace_mod, "_exchange", lambda a, b: False)
    out = tmp_path / "g"
    export_gallery(elites(), prov(seed=5), out)
    export_gallery(elites(2), prov(seed=6), out, overwrite=True)
    assert seed_of(out) == 6 and len(list(out.glob("000*.png"))) == 2
    assert beside(out) == ["g"]


def test_a_failed_second_rename_puts_the_old_gallery_back(tmp_path, monkeypatch):
    monkeypatch.setattr(replace_mod, "_exchange", lambda a, b: False)
    out = tmp_path / "g"
    export_gallery(elites(), prov(seed=5), out)
    real_rename = Path.rename

    def failing(self, target):
        if self.name.endswith(".fgnew"):
            raise OSError(5, "Input/output error")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", failing)
    with pytest.raises(FoolingError, match="Input/output error"):
        export_gallery(elites(), prov(seed=6), out, overwrite=True)
    assert seed_of(out) == 5 and beside(out) == ["g"]


def test_a_full_disk_while_writing_keeps_the_old_gallery(tmp_path, monkeypatch):
    out = tmp_path / "g"
    export_gallery(elites(), prov(seed=5), out)
    from fooling_gui.core.gallery import export as export_mod

    calls = []

    def write_png(path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 3:
            raise FoolingError(f"Could not write {path} (No space left on device).")
        return real(path, *args, **kwargs)

    real = export_mod.write_png
    monkeypatch.setattr(export_mod, "write_png", write_png)
    with pytest.raises(FoolingError, match="No space left"):
        export_gallery(elites(), prov(seed=6), out, overwrite=True)
    assert seed_of(out) == 5 and beside(out) == ["g"]


@pytest.mark.parametrize("failure", [ValueError("a bug in the page"), KeyboardInterrupt()],
                         ids=["bug", "ctrl-c"])
def test_any_failure_while_writing_leaves_no_temporary_and_the_old_gallery(tmp_path,
                                                                           monkeypatch, failure):
    out = tmp_path / "g"
    export_gallery(elites(), prov(seed=5), out)
    from fooling_gui.core.gallery import export as export_mod

    def gallery_html(manifest):
        raise failure

    monkeypatch.setattr(export_mod, "gallery_html", gallery_html)
    with pytest.raises(type(failure)):
        export_gallery(elites(), prov(seed=6), out, overwrite=True)
    assert seed_of(out) == 5 and beside(out) == ["g"]
    with pytest.raises(type(failure)):
        export_gallery(elites(), prov(seed=6), tmp_path / "new")
    assert beside(out) == ["g"]


@pytest.mark.parametrize("where", [".", "/"])
def test_the_current_folder_or_the_root_is_refused(tmp_path, monkeypatch, where):
    monkeypatch.chdir(tmp_path)
    export_gallery(elites(), prov(), tmp_path / "inside")  # something to lose
    with pytest.raises(FoolingError, match="current folder|cannot be a gallery folder"):
        export_gallery(elites(), prov(), where, overwrite=True)
    assert (tmp_path / "inside" / "manifest.json").exists()


# -- crashes ------------------------------------------------------------------------

def killed_export(out: Path, kill_when: str) -> subprocess.CompletedProcess:
    """Export a gallery to ``out`` in another process that SIGKILLs itself ``kill_when``:
    ``"writing"`` (third PNG), ``"between-renames"`` or ``"before-cleanup"``."""
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        import numpy as np
        from fooling_gui.core.evolution import Elite
        from fooling_gui.core.gallery import Provenance, export_gallery, export, replace
        die = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
        when = {kill_when!r}
        if when == "writing":
            real, n = export.write_png, []
            def write_png(*a, **k):
                n.append(1)
                if len(n) == 3:
                    die()
                return real(*a, **k)
            export.write_png = write_png
        else:
            replace._exchange = lambda a, b: False
            real_rename = Path.rename
            def rename(self, target):
                result = real_rename(self, target)
                if when == "between-renames" and str(target).endswith(".fgold"):
                    die()
                return result
            Path.rename = rename
            if when == "before-cleanup":
                replace._remove_tree = die
        rng = np.random.default_rng(2)
        elites = [Elite(k, str(k), 0.99, 1, rng.integers(0, 256, (28, 28, 1), np.uint8),
                        None, np.zeros(10, np.float32)) for k in range(4)]
        prov = Provenance("lenet", "lenet", "", False, "direct", 9, 1, 1, 0.1)
        export_gallery(elites, prov, {str(out)!r}, overwrite=True)
    """)
    env = dict(os.environ, PYTHONPATH=str(Path(replace_mod.__file__).parents[3]))
    return subprocess.run([sys.executable, "-c", script], env=env, timeout=120)


@POSIX_KILL
@pytest.mark.parametrize("kill_when", ["writing", "between-renames", "before-cleanup"])
def test_kill_9_during_a_replacement_loses_nothing(tmp_path, kill_when):
    out = tmp_path / "g"
    export_gallery(elites(), prov(seed=5), out)
    assert killed_export(out, kill_when).returncode == -signal.SIGKILL
    assert len(beside(out)) > 1 or not out.exists()  # the crash left something behind
    # The next write to the destination tidies up: the old gallery is back if the swap
    # had not happened, else the new one stays; nothing else is left.
    _out, notes = check_gallery_destination(out, overwrite=True)
    assert seed_of(out) == (9 if kill_when == "before-cleanup" else 5)
    assert beside(out) == ["g"]
    assert bool(notes) == (kill_when == "between-renames")
    export_gallery(elites(2), prov(seed=7), out, overwrite=True)
    assert seed_of(out) == 7 and beside(out) == ["g"]


@POSIX_KILL
def test_after_a_kill_between_renames_the_old_gallery_is_back_before_anything_else(tmp_path):
    out = tmp_path / "g"
    export_gallery(elites(), prov(seed=5), out)
    killed_export(out, "between-renames")
    assert not out.exists()  # the crash window the old code had: no gallery at all
    with pytest.raises(FoolingError, match="already exists"):
        export_gallery(elites(), prov(seed=8), out)  # without --force: refused…
    assert seed_of(out) == 5 and beside(out) == ["g"]  # …and the old gallery is back


def test_legacy_leftovers_of_the_old_exporter_are_restored_or_removed(tmp_path):
    out = tmp_path / "g"
    export_gallery(elites(), prov(seed=5), out)
    out.rename(tmp_path / ".g.old")  # the old code's crash: no gallery, only ".g.old"
    half = tmp_path / ".g.abc123xy"  # and a half-built mkdtemp folder
    half.mkdir()
    (half / "0000_digit_0.png").write_bytes(b"\x89PNG")
    for p in (tmp_path / ".g.old", half):
        os.utime(p, (1, 1))  # old enough to be abandoned
    _, notes = check_gallery_destination(out, overwrite=True)
    assert seed_of(out) == 5 and beside(out) == ["g"] and len(notes) == 1


def test_a_leftover_that_is_not_a_gallery_is_reported_not_deleted(tmp_path):
    out = tmp_path / "g"
    odd = tmp_path / f".g.{DEAD_PID}-0123abcd.fgold"
    odd.mkdir()
    (odd / "thesis.tex").write_text("keep me")
    _, notes = check_gallery_destination(out, overwrite=False)
    assert (odd / "thesis.tex").read_text() == "keep me"
    assert len(notes) == 1 and "was not touched" in notes[0]
