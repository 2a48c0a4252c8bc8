"""A sweep's folder on disk: what is in it, how it is written, and how it is read back.

::

    sweep.json                 the plan: the sweep file and every run's configuration
    runs/<run>/                each run's gallery (PNGs, contact sheet, index.html, manifest)
    runs/<run>.done.json       the run's completion marker, written last, atomically
    summary.json, summary.csv  one row per run
    transfer.json, .csv        every run's elites scored by every model (several models)
    index.html                 all of it on one page

A run counts as finished exactly when its marker exists, so a sweep killed at any
moment continues from its markers; everything here is written to a temporary name and
renamed into place. Reading needs neither Ray nor Qt (the window's sweep view uses it).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from .. import files
from ..errors import FoolingError

SWEEP_FORMAT = "fooling-gui-sweep/1"
RUNS = "runs"
SUMMARY_COLUMNS = ("run_id", "status", "model", "encoding", "seed", "generations", "classes",
                   "variant", "preset", "settings", "cells", "min_confidence",
                   "median_confidence", "at_least_99_99", "evaluations", "wall_seconds",
                   "node", "error")


def gallery_dir(root: Path, run_id: str) -> Path:
    return Path(root) / RUNS / run_id


def marker_path(root: Path, run_id: str) -> Path:
    return Path(root) / RUNS / f"{run_id}.done.json"


def read_json(path: Path):
    """A JSON file's content, or None when it is missing or unreadable."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def read_marker(root: Path, run_id: str) -> dict | None:
    """The run's summary row when it finished (its marker and gallery are there)."""
    row = read_json(marker_path(root, run_id))
    if not isinstance(row, dict) or not (gallery_dir(root, run_id) / "manifest.json").is_file():
        return None
    return row


def remove_leftovers(root: Path) -> int:
    """Delete what a killed sweep left half-written (temporary galleries and files);
    returns how many."""
    runs = Path(root) / RUNS
    n = 0
    for p in list(runs.glob(".*")) if runs.is_dir() else []:
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
        n += 1
    return n


def csv_text(columns, rows) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buf.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def write_summary(root: Path, rows: list[dict], meta: dict) -> None:
    """``summary.json`` (``meta`` plus the rows) and ``summary.csv``."""
    files.write_json(Path(root) / "summary.json", {**meta, "rows": rows})
    files.write_text(Path(root) / "summary.csv", csv_text(SUMMARY_COLUMNS, rows))


def write_transfer(root: Path, transfer: dict) -> None:
    """``transfer.json`` and ``transfer.csv`` (one line per run and model)."""
    files.write_json(Path(root) / "transfer.json", transfer)
    lines = [{"run_id": c["run_id"], "model": c["model"], **{k: c.get(k) for k in
             ("mean_confidence", "at_99", "top1", "n_images")}}
             for c in transfer.get("cells", [])]
    files.write_text(Path(root) / "transfer.csv",
                     csv_text(("run_id", "model", "mean_confidence", "at_99", "top1",
                               "n_images"), lines))


@dataclass(frozen=True)
class RunGallery:
    """One finished run's images, for browsing."""

    run_id: str
    folder: Path
    title: str
    elites: tuple[dict, ...]  # the manifest's entries: class_name, confidence, file, …


@dataclass(frozen=True)
class SweepFolder:
    """A sweep folder read back.

    Attributes:
        path: the folder.
        rows: the summary's rows (every planned run, finished or not).
        transfer: ``transfer.json`` or None.
        runs_total, runs_done, runs_failed: counts from the summary.
    """

    path: Path
    rows: tuple[dict, ...]
    transfer: dict | None
    runs_total: int
    runs_done: int
    runs_failed: int

    def gallery(self, run_id: str) -> RunGallery | None:
        """The run's gallery, or None when it has not finished."""
        folder = gallery_dir(self.path, run_id)
        manifest = read_json(folder / "manifest.json")
        if not isinstance(manifest, dict):
            return None
        get = manifest.get
        title = (f"{get('model_label', '?')} · {get('encoding', '?')} · seed {get('seed', '?')}"
                 f" · generation {get('generations', '?')}")
        return RunGallery(run_id, folder, title, tuple(manifest.get("elites", ())))

    @property
    def index_html(self) -> Path:
        return self.path / "index.html"


def read_sweep(path: str | Path) -> SweepFolder:
    """Read a sweep folder (FoolingError when ``path`` is not one)."""
    path = Path(path).expanduser()
    summary = read_json(path / "summary.json")
    if not isinstance(summary, dict) or summary.get("format") != SWEEP_FORMAT:
        raise FoolingError(f"{path} is not a sweep folder (it has no fooling-gui "
                           "summary.json); make one with `fooling-gui sweep`.")
    rows = tuple(r for r in summary.get("rows", ()) if isinstance(r, dict))
    transfer = read_json(path / "transfer.json")
    return SweepFolder(path, rows, transfer if isinstance(transfer, dict) else None,
                       len(rows), sum(r.get("status") == "done" for r in rows),
                       sum(r.get("status") == "failed" for r in rows))
