"""Downloading large files (model weights, data sets) safely, with progress and cancel.

Nothing here is used by the tests: they set ``FOOLING_GUI_OFFLINE=1``.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from .errors import FoolingError
from .files import write_atomic

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
    """Fetch ``url`` to ``dest`` through :func:`~fooling_gui.core.files.write_atomic`.

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
    digest = hashlib.sha256()

    def fetch(out) -> None:
        with _network(url):
            resp = urllib.request.urlopen(url, timeout=timeout)
        with resp:
            total = int(resp.headers.get("Content-Length") or 0)
            done = 0
            while True:
                with _network(url):
                    chunk = resp.read(_CHUNK)
                if not chunk:
                    break
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if progress is not None and progress(done, total) is False:
                    raise DownloadCancelled("The download was cancelled.")
        if sha256_prefix and not digest.hexdigest().startswith(sha256_prefix):
            raise FoolingError(f"The file downloaded from {url} is corrupt "
                               "(its checksum does not match).")

    # The file appears at dest only once all of it arrived and its checksum matched.
    return write_atomic(dest, fetch)


@contextlib.contextmanager
def _network(url: str):
    """Network failures as one sentence (they are OSErrors, but not about the disk)."""
    try:
        yield
    except (urllib.error.URLError, TimeoutError, ConnectionError,
            http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise FoolingError(f"Could not download {url} ({reason}).") from None
