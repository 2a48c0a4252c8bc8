"""Downloading large files (model weights, data sets) safely, with progress and cancel.

Nothing here is used by the tests: they set ``FOOLING_GUI_OFFLINE=1``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from .errors import FoolingError

#: ``progress(done_bytes, total_bytes) -> bool``; return False to cancel.
#: ``total_bytes`` is 0 when the server does not say.
DownloadProgress = Callable[[int, int], "bool | None"]

_CHUNK = 1 << 20


class DownloadCancelled(FoolingError):
    """The user cancelled a download (the partial file is already removed)."""


def is_offline() -> bool:
    """True when ``FOOLING_GUI_OFFLINE`` is set to anything but ``""``/``0`` (tests set it)."""
    return os.environ.get("FOOLING_GUI_OFFLINE", "").strip() not in ("", "0")


def download_file(url: str, dest: str | Path, *, progress: DownloadProgress | None = None,
                  sha256_prefix: str | None = None, timeout: float = 30.0) -> Path:
    """Fetch ``url`` to ``dest`` through a temporary file in the same folder.

    Args:
        url: where to download from.
        dest: final path; it only appears once the whole file arrived and checked out.
        progress: called after every chunk; returning False cancels.
        sha256_prefix: when given, the file's SHA-256 must start with it.
        timeout: seconds to wait for the server before giving up.

    Raises:
        DownloadCancelled: ``progress`` returned False.
        FoolingError: offline, network failure, full disk or a corrupt download.
    """
    dest = Path(dest)
    if is_offline():
        raise FoolingError(f"Downloads are switched off (FOOLING_GUI_OFFLINE), so {url} "
                           "was not fetched.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=dest.name + ".", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as resp:
            total = int(resp.headers.get("Content-Length") or 0)
            done = 0
            while chunk := resp.read(_CHUNK):
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if progress is not None and progress(done, total) is False:
                    raise DownloadCancelled("The download was cancelled.")
        if sha256_prefix and not digest.hexdigest().startswith(sha256_prefix):
            raise FoolingError(f"The file downloaded from {url} is corrupt "
                               "(its checksum does not match).")
        os.replace(tmp, dest)
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FoolingError(f"Could not download {url} ({reason}).") from None
    except OSError as exc:
        raise FoolingError(f"Could not save {dest} ({exc.strerror or exc}).") from None
    finally:
        tmp.unlink(missing_ok=True)
    return dest
