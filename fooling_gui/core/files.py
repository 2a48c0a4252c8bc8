"""The one way fooling-gui writes a file: whole or not at all, with the user's permissions.

Every writer in the app (gallery images, run files, weights, JSON, the kiosk heartbeat,
downloads, screenshots, ``--stats``) goes through :func:`write_atomic`, which promises:

* the bytes go to a temporary file beside the target (the same folder, so the final
  rename never crosses file systems), named ``.NAME.PID-TOKEN.fgtmp``;
* the file is flushed and ``fsync``-ed, then renamed over the target in one step
  (``os.replace``): a reader sees the old file or the new one, never part of one;
* it is created with mode 0666 less the user's umask, exactly like ``open(…, "w")``
  (``tempfile.mkstemp`` would make it 0600, and a shared or web-served gallery would
  show broken images);
* on any failure — an exception in the writer, a full disk, Ctrl+C — the temporary
  file is removed and the target is left as it was;
* temporary files that a killed process left beside the target earlier are removed
  before writing (the process id in the name tells whose they are).

Errors a user can cause (a full disk, a read-only folder, a path under a file) become a
:class:`~fooling_gui.core.errors.FoolingError` with one sentence.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from .errors import FoolingError

log = logging.getLogger(__name__)

TEMP_SUFFIX = ".fgtmp"
_NAME_KEPT = 80  # characters of the target's name kept in a temporary name (limit 255)
_OURS = re.compile(r"\.(?P<pid>\d+)-[0-9a-f]{8}\.(?P<kind>fgtmp|fgnew|fgold)$")
# Left by fooling-gui before this module (tempfile's 8-character random names).
_LEGACY = re.compile(r"\.[a-z0-9_]{8}(\.png|\.tmp|\.part)?$")
LEGACY_AGE_S = 600.0  # a legacy leftover this old cannot belong to a write in progress


def write_atomic(path: str | Path, write: Callable[[BinaryIO], Any], *,
                 clean_stale: bool = True) -> Path:
    """Create or replace ``path`` with what ``write(binary_file)`` writes (see the module).

    Args:
        path: the file to write; its folder is created when missing.
        write: called once with a binary file open for writing.
        clean_stale: first remove temporary files that dead processes left beside
            ``path`` (off for files inside a folder that was just created).

    Raises:
        FoolingError: the folder cannot be created or written, or the disk is full.
            Anything else ``write`` raises passes through (after the clean-up).
    """
    path = Path(path)
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if clean_stale:
            remove_stale_temporaries(folder, path.name)
        tmp, fd = _create_temporary(path)
    except OSError as exc:
        raise FoolingError(_folder_problem(folder, exc)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "a folder has that name")
        os.replace(tmp, path)
    except OSError as exc:
        raise FoolingError(f"Could not write {path} ({reason(exc)}).") from None
    finally:
        _unlink_quietly(tmp)
    _sync_folder(folder)
    return path


def write_bytes(path: str | Path, data: bytes, **kwargs) -> Path:
    """:func:`write_atomic` of ``data``."""
    return write_atomic(path, lambda fh: fh.write(data), **kwargs)


def write_text(path: str | Path, text: str, **kwargs) -> Path:
    """:func:`write_atomic` of ``text`` in UTF-8."""
    return write_bytes(path, text.encode("utf-8"), **kwargs)


def write_json(path: str | Path, data: Any, **kwargs) -> Path:
    """:func:`write_atomic` of ``data`` as indented JSON with a final newline."""
    return write_text(path, json.dumps(data, indent=2) + "\n", **kwargs)


def copy_file(src: str | Path, dest: str | Path) -> Path:
    """Copy ``src`` to ``dest`` through :func:`write_atomic`."""
    def copy(fh: BinaryIO) -> None:
        with open(src, "rb") as inp:
            shutil.copyfileobj(inp, fh, 1 << 20)

    return write_atomic(dest, copy)


def save_torch(path: str | Path, obj: Any) -> Path:
    """``torch.save(obj)`` through :func:`write_atomic`.

    torch's zip writer turns a failed write (a full disk) into an unexplained
    ``RuntimeError``; it is handed a Python stream that remembers the ``OSError``, which
    is raised instead, so the user reads "No space left on device".
    """
    import torch

    def write(fh: BinaryIO) -> None:
        stream = _Stream(fh)
        try:
            torch.save(obj, stream)
        except RuntimeError:
            if stream.error is not None:
                raise stream.error from None
            raise

    return write_atomic(path, write)


class _Stream:
    """``write`` and ``flush`` of a binary file, keeping the first error they raise."""

    def __init__(self, fh: BinaryIO):
        self._fh = fh
        self.error: OSError | None = None

    def write(self, data) -> int:
        try:
            return self._fh.write(data)
        except OSError as exc:
            self.error = self.error or exc
            raise

    def flush(self) -> None:
        self._fh.flush()


# -- folders built beside their destination (galleries) --------------------------------

def make_temporary_folder(dest: Path, kind: str = "fgnew") -> Path:
    """An empty folder ``.NAME.PID-TOKEN.<kind>`` beside ``dest``, made like ``mkdir``
    (mode 0777 less the umask; ``tempfile.mkdtemp`` would make it 0700)."""
    while True:
        folder = dest.with_name(_temporary_name(dest.name, kind))
        try:
            folder.mkdir(0o777)
            return folder
        except FileExistsError:
            continue


def temporary_name_for(dest: Path, kind: str) -> Path:
    """A fresh (not created) ``.NAME.PID-TOKEN.<kind>`` path beside ``dest``."""
    return dest.with_name(_temporary_name(dest.name, kind))


def leftovers(folder: Path, name: str) -> list[tuple[Path, str, bool]]:
    """Temporaries for ``name`` found in ``folder``: ``(path, kind, stale)``.

    ``kind`` is ``fgtmp`` (a file being written), ``fgnew`` (a folder being built),
    ``fgold`` (a folder being replaced) or ``legacy`` (left by an older fooling-gui).
    ``stale`` means the process that made it is gone, so nothing will finish it.
    """
    prefix = "." + name[:_NAME_KEPT]
    found = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        if not entry.name.startswith(prefix + "."):
            continue
        tail = entry.name[len(prefix):]
        match = _OURS.fullmatch(tail)
        if match:
            pid = int(match["pid"])
            found.append((Path(entry.path), match["kind"], not _process_alive(pid)))
        elif len(name) <= _NAME_KEPT and (_LEGACY.fullmatch(tail) or tail == ".old"):
            found.append((Path(entry.path), "legacy", _older_than(entry, LEGACY_AGE_S)))
    # Also tempfile's "NAME.XXXXXXXX.tmp" / ".part" of the old weights and download code.
    for entry in entries:
        if entry.name.startswith(name + ".") and entry.is_file(follow_symlinks=False):
            tail = entry.name[len(name):]
            if re.fullmatch(r"\.[a-z0-9_]{8}\.(tmp|part)", tail):
                found.append((Path(entry.path), "legacy", _older_than(entry, LEGACY_AGE_S)))
    return found


def remove_stale_temporaries(folder: Path, name: str) -> list[Path]:
    """Delete the stale temporary *files* for ``name`` in ``folder``; returns them.

    Folders are left to their owner (a gallery's may hold the only copy of the old
    gallery: see :mod:`fooling_gui.core.gallery.replace`).
    """
    removed = []
    for path, _kind, stale in leftovers(folder, name):
        if stale and path.is_file() and not path.is_symlink():
            try:
                path.unlink()
            except OSError:
                continue
            removed.append(path)
            log.info("Removed %s, left by an interrupted write.", path)
    return removed


# -- checking a destination before the work ---------------------------------------------

def check_file_destination(path: str | Path, what: str) -> Path:
    """Refuse, before any work, a file destination that cannot be written.

    Checks that ``path`` is not a folder, that every existing ancestor is a folder and
    that the nearest one can be written (by creating and removing a temporary file
    there: permission bits say nothing about read-only disks or root). Creates nothing
    that stays.

    Args:
        path: the file to be written later.
        what: how the message names it, e.g. ``"--save-run"``.

    Raises:
        FoolingError: one sentence saying what is wrong.
    """
    path = Path(path).expanduser()
    if path.name in ("", ".", ".."):
        raise FoolingError(f"{what} must name a file, not {str(path)!r}.")
    if path.is_dir():
        raise FoolingError(f"{what} {path} is a folder; name a file instead.")
    check_folder_writable(path.parent, what)
    return path


def check_folder_writable(folder: Path, what: str) -> None:
    """Refuse a folder that cannot be created or written (see :func:`check_file_destination`)."""
    ancestor = Path(os.path.abspath(folder))
    while not ancestor.exists():
        if ancestor.is_symlink():
            raise FoolingError(f"{what}: {ancestor} is a broken link.")
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise FoolingError(f"{what} cannot be written: {ancestor} is a file, not a folder.")
    probe = ancestor / _temporary_name("write-check", "fgtmp")
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
    except OSError as exc:
        raise FoolingError(f"{what} cannot be written: {ancestor} is not writable "
                           f"({reason(exc)}).") from None
    _unlink_quietly(probe)


# -- helpers -------------------------------------------------------------------------

def reason(exc: OSError) -> str:
    """An OSError as a short phrase ("No space left on device")."""
    return str(exc.strerror or exc).rstrip(".")


def _folder_problem(folder: Path, exc: OSError) -> str:
    ancestor = Path(os.path.abspath(folder))
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        return f"Cannot write to {folder}: {ancestor} is a file, not a folder."
    return f"Cannot write to {folder} ({reason(exc)})."


def _temporary_name(name: str, kind: str) -> str:
    return f".{name[:_NAME_KEPT]}.{os.getpid()}-{secrets.token_hex(4)}.{kind}"


def _create_temporary(path: Path) -> tuple[Path, int]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) \
        | getattr(os, "O_CLOEXEC", 0)
    while True:
        tmp = path.with_name(_temporary_name(path.name, "fgtmp"))
        try:
            # 0o666 filtered by the umask, applied by the kernel: no os.umask() dance,
            # which would race with other threads creating files.
            return tmp, os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another thread of this process may be writing it
    if os.name == "nt":
        return True  # os.kill(pid, 0) would end the process there; leftovers stay
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists, owned by someone else
    return True


def _older_than(entry: os.DirEntry, seconds: float) -> bool:
    try:
        return time.time() - entry.stat(follow_symlinks=False).st_mtime > seconds
    except OSError:
        return False
