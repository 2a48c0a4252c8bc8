"""Putting a finished gallery folder in place without ever losing the one it replaces.

A gallery is built in a temporary folder beside its destination
(``.NAME.PID-TOKEN.fgnew``) and moved into place at the end:

* a new destination: one rename;
* replacing a gallery (only ever a folder that *is* a fooling-gui gallery, recognised
  by its ``manifest.json``, holding nothing but its own files): on Linux the two
  folders swap names in one atomic step (``renameat2(RENAME_EXCHANGE)``), so no moment
  exists without a gallery at the destination; elsewhere the old one is first renamed
  to ``.NAME.PID-TOKEN.fgold`` and renamed back should anything fail;
* the replaced gallery is deleted only once the new one is in place.

A process killed half-way leaves its temporaries behind. The next write to the same
destination finds them (the process id in their names tells that their owner is gone)
and tidies up: a replaced gallery whose destination is empty is put back, a replaced
gallery whose successor is in place is deleted, half-built folders are deleted, and
anything that does not look like a gallery is left alone and reported.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import json
import logging
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from ..errors import FoolingError
from ..files import check_folder_writable, leftovers, reason, temporary_name_for

log = logging.getLogger(__name__)

GALLERY_FORMAT = "fooling-gui-gallery/1"
_OWN_FILES = {"manifest.json", "index.html", "contact_sheet.png"}


def gallery_problem(folder: Path) -> str | None:
    """Why ``folder`` is not a fooling-gui gallery that may be replaced, or None."""
    manifest_path = folder / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "it has no fooling-gui manifest.json"
    if not (isinstance(manifest, dict) and isinstance(manifest.get("format"), str)
            and manifest["format"].startswith("fooling-gui-gallery/")):
        return "its manifest.json is not a fooling-gui gallery's"
    listed = set(_OWN_FILES)
    for entry in manifest.get("elites") or []:
        if isinstance(entry, dict) and isinstance(entry.get("file"), str):
            listed.add(entry["file"])
    try:
        foreign = sorted(p.name for p in folder.iterdir()
                         if p.name not in listed or not p.is_file() or p.is_symlink())
    except OSError as exc:
        return f"it cannot be read ({reason(exc)})"
    if foreign:
        more = f" and {len(foreign) - 1} more" if len(foreign) > 1 else ""
        return f"it also holds {foreign[0]}{more}, which the gallery did not write"
    return None


def check_gallery_destination(out_dir: str | Path, overwrite: bool) -> tuple[Path, list[str]]:
    """Check, before any work, that a gallery can be written to ``out_dir``.

    Also tidies what an interrupted earlier write left beside it (see the module).

    Args:
        out_dir: the gallery folder to create or replace.
        overwrite: whether an existing gallery may be replaced.

    Returns:
        The destination as an absolute path, and one sentence per thing tidied up.

    Raises:
        FoolingError: one sentence: not a folder, a non-empty folder without
            ``overwrite``, a folder that is not a gallery, the current folder, or a
            place that cannot be written.
    """
    return check_destination_folder(out_dir, overwrite)


def check_destination_folder(out_dir: str | Path, overwrite: bool, *, what: str = "gallery",
                             problem: Callable[[Path], str | None] = gallery_problem,
                             one_of_ours: str = "a fooling-gui gallery",
                             replace_hint: str = "allow replacing a gallery (--force)",
                             recover: bool = True) -> tuple[Path, list[str]]:
    """:func:`check_gallery_destination` for any folder of results that is built beside
    its destination and moved into place: ``problem(folder)`` says why an existing one
    must not be replaced; ``recover`` tidies an interrupted gallery write first."""
    out = Path(os.path.abspath(Path(out_dir).expanduser()))
    if out.name in ("", ".", ".."):
        raise FoolingError(f"{out} cannot be a {what} folder; name a new folder inside it.")
    if _holds_current_folder(out):
        raise FoolingError(f"{out} is the current folder or holds it; choose another "
                           f"{what} folder.")
    if out.is_symlink():
        raise FoolingError(f"{out} is a link; give the folder it points to, or another one.")
    notes = recover_interrupted(out) if recover else []
    if out.exists() and not out.is_dir():
        raise FoolingError(f"{out} exists and is a file, not a folder.")
    if out.is_dir() and _non_empty(out):
        if not overwrite:
            raise FoolingError(f"{out} already exists and is not empty; choose another "
                               f"folder or {replace_hint}.")
        why = problem(out)
        if why:
            raise FoolingError(f"{out} is not {one_of_ours} ({why}), so it is "
                               "not replaced; choose another folder.")
    label = "The gallery" if what == "gallery" else f"The {what} folder"
    check_folder_writable(out.parent, f"{label} {out}")
    return out, notes


def move_into_place(work: Path, out: Path, overwrite: bool,
                    problem: Callable[[Path], str | None] | None = None) -> None:
    """Put the finished folder ``work`` at ``out`` (see the module); ``work`` is gone after.

    ``problem(folder)`` says why an existing folder must not be replaced (default:
    :func:`gallery_problem`; other result folders bring their own rule).

    Raises:
        FoolingError: ``out`` changed meanwhile, or a rename failed (the old gallery,
            if any, is back in place).
        OSError: anything else the file system reports (also with the old gallery back).
    """
    if not out.exists():
        try:
            work.rename(out)
        except OSError as exc:
            if out.exists():
                raise FoolingError(f"{out} appeared while the gallery was being written; "
                                   "nothing was overwritten.") from None
            raise FoolingError(f"Could not move the gallery into {out} ({reason(exc)}).") \
                from None
        return
    if not overwrite and _non_empty(out):
        raise FoolingError(f"{out} appeared while exporting; nothing was overwritten.")
    why = (problem or gallery_problem)(out) if _non_empty(out) else None
    if why:
        raise FoolingError(f"{out} changed while the gallery was being written ({why}); "
                           "nothing was replaced.")
    if _exchange(work, out):
        _remove_tree(work)  # it now holds the replaced gallery
        return
    old = temporary_name_for(out, "fgold")
    out.rename(old)
    try:
        work.rename(out)
    except BaseException:
        old.rename(out)  # roll back: the old gallery is where it was
        raise
    _remove_tree(old)


def recover_interrupted(out: Path) -> list[str]:
    """Tidy what killed processes left beside ``out``; returns one sentence per action."""
    notes = []
    found = [(p, kind) for p, kind, stale in leftovers(out.parent, out.name) if stale]
    # A replaced gallery first: it may be the only copy when the destination is empty.
    found.sort(key=lambda item: item[1] not in ("fgold", "legacy"))
    for path, kind in found:
        if path.is_symlink() or not path.exists():
            continue
        if path.is_file():
            _unlink(path)
            continue
        looks_like_gallery = gallery_problem(path) is None
        if kind in ("fgold", "legacy") and looks_like_gallery and not out.exists():
            try:
                path.rename(out)
            except OSError:
                notes.append(f"{path} holds the gallery an interrupted export was replacing; "
                             f"move it back to {out} by hand.")
                continue
            notes.append(f"Put back the gallery {out}, which an interrupted export had "
                         "moved aside.")
        elif looks_like_gallery or (kind in ("fgnew", "legacy") and _only_gallery_files(path)):
            _remove_tree(path)
            log.info("Removed %s, left by an interrupted export.", path)
        else:
            notes.append(f"{path} was left by an interrupted export but does not look like "
                         "a gallery; it was not touched.")
    for note in notes:
        log.warning("%s", note)
    return notes


# -- helpers -------------------------------------------------------------------------

def _non_empty(folder: Path) -> bool:
    try:
        return any(folder.iterdir())
    except OSError:
        return True


def _only_gallery_files(folder: Path) -> bool:
    """A half-built gallery: plain PNG, HTML and JSON files only."""
    try:
        return all(p.is_file() and not p.is_symlink()
                   and p.suffix in (".png", ".html", ".json", ".fgtmp")
                   for p in folder.iterdir())
    except OSError:
        return False


def _holds_current_folder(out: Path) -> bool:
    try:
        cwd = Path.cwd()
    except OSError:
        return False
    return cwd == out or out in cwd.parents


def _remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


@functools.lru_cache(maxsize=1)
def _renameat2():
    """libc's ``renameat2`` (Linux, glibc ≥ 2.28), or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


def _exchange(a: Path, b: Path) -> bool:
    """Swap the names of ``a`` and ``b`` atomically; False where the system cannot."""
    fn = _renameat2()
    if fn is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False  # this file system cannot swap: fall back to two renames
    raise OSError(err, os.strerror(err), str(b))
