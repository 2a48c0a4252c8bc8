"""Run a sweep on Ray: every run a task, galleries and markers written as runs finish.

The driver (this module) plans the runs — loading each model once, so a wrong class,
setting or model file is said before anything runs — skips the runs whose completion
marker is there, sends the others to Ray as tasks that ask for the CPUs (and GPUs) they
need, and writes each finished run's gallery with the gallery exporter, then its
marker. Workers need no shared disk: results travel back through Ray.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ... import __version__
from .. import files
from ..errors import FoolingError
from ..evolution.config import RunConfig, run_defaults
from ..evolution.settings import preset_values, split_run_settings
from . import sweep_folder as folder
from .sweep_progress import SweepProgress, SweepReporter
from .sweep_spec import SweepRun, SweepSpec
from .sweep_transfer import score_transfer

ClassResolver = Callable[[object, tuple[str, ...]], "tuple[int, ...] | None"]


@dataclass(frozen=True)
class ModelFacts:
    """What the driver needs to know of a model (it does not keep the network)."""

    name: str
    label: str
    class_names: tuple[str, ...]
    channels: int
    image_size: tuple[int, int]


@dataclass(frozen=True)
class PlannedRun:
    run: SweepRun
    config: RunConfig
    model: ModelFacts
    row: dict | None  # the finished run's summary row, None while it is to run

    @property
    def images(self) -> int:
        """Images this run scores (its share of the sweep's work)."""
        return (self.config.generations + 1) * self.config.batch


@dataclass(frozen=True)
class SweepOutcome:
    folder: Path
    rows: tuple[dict, ...]
    failures: tuple[str, ...] = field(default_factory=tuple)
    transfer: dict | None = None


def int_classes(classes, class_names: tuple[str, ...]) -> tuple[int, ...] | None:
    """The default class-set reader: ``"all"``, ``[3, 7]`` or ``"3,7"`` (indices only;
    the command line also reads class names)."""
    if isinstance(classes, str):
        text = classes.strip().lower()
        if text in ("", "all"):
            return None
        classes = [c.strip() for c in text.split(",") if c.strip()]
    try:
        return tuple(int(c) for c in classes)
    except (TypeError, ValueError):
        raise FoolingError(f"Class set {classes!r}: give class indices.") from None


def plan_sweep(spec: SweepSpec, root: Path, resolve_classes: ClassResolver = int_classes,
               force: bool = False) -> list[PlannedRun]:
    """Every run's configuration and whether it already finished.

    Raises:
        FoolingError: a model that does not load, a bad class set, or a finished run
            whose configuration differs from the sweep file's (unless ``force``: then
            it runs again).
    """
    from ..models import load_model

    facts: dict[tuple[str, bool], ModelFacts] = {}
    planned = []
    for run in spec.runs:
        key = (run.model, run.random_init)
        if key not in facts:
            clf = load_model(run.model, device="cpu", random_init=run.random_init)
            s = clf.spec
            facts[key] = ModelFacts(s.name, s.label, tuple(s.class_names), s.channels,
                                    tuple(s.image_size))
            del clf
        model = facts[key]
        run_wide, params = split_run_settings(run.settings)
        # As `evolve` builds a run: crops from the settings, else the preset's.
        ten_crop = run_wide.get("crops", preset_values(run.preset, run.encoding)["crops"]) == "ten"
        batch, eval_batch = run_defaults(model, run.encoding, ten_crop, run.device)
        try:
            config = RunConfig(
                model=run.model, encoding=run.encoding, generations=run.generations,
                batch=run.batch or batch, classes=resolve_classes(run.classes, model.class_names),
                seed=run.seed, device=run.device, random_init=run.random_init,
                ten_crop=ten_crop, eval_batch=eval_batch, preset=run.preset,
                encoding_params=params)
        except FoolingError as exc:
            raise FoolingError(f"Run {run.run_id}: {exc}") from None
        row = folder.read_marker(root, run.run_id)
        if row is not None and row.get("config") != config.to_dict():
            if not force:
                raise FoolingError(
                    f"{folder.gallery_dir(root, run.run_id)} was made with other settings than "
                    "the sweep file asks for now; use another output folder, or --force to "
                    "run it again.")
            row = None
        planned.append(PlannedRun(run, config, model, row))
    return planned


def run_sweep(spec: SweepSpec, out: str | Path, *, address: str | None = None,
              num_cpus: int | None = None, resolve_classes: ClassResolver = int_classes,
              force: bool = False,
              on_progress: Callable[[SweepProgress], None] | None = None) -> SweepOutcome:
    """Run (or continue) the sweep into the folder ``out``.

    Args:
        spec: the parsed sweep file.
        out: the sweep folder; finished runs in it are skipped.
        address: None: Ray on this machine (``num_cpus`` cores); ``"auto"`` or
            ``"HOST:PORT"``: join that cluster.
        resolve_classes: reads a class set for a model's class names.
        force: run again the finished runs whose configuration changed.
        on_progress: called about twice a second and whenever a run ends.
    """
    root = Path(out).expanduser()
    if root.exists() and not root.is_dir():
        raise FoolingError(f"{root} exists and is a file, not a folder.")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FoolingError(f"Cannot create {root}: {exc.strerror or exc}.") from None
    with _folder_lock(root):
        folder.remove_leftovers(root)
        planned = plan_sweep(spec, root, resolve_classes, force)
        created = (folder.read_json(root / "sweep.json") or {}).get("created") or _now()
        meta = {"format": folder.SWEEP_FORMAT, "software": f"fooling-gui {__version__}",
                "created": created, "sweep_file": spec.source,
                "models": list(spec.models)}
        files.write_json(root / "sweep.json", {
            **meta, "runs": [{"run_id": p.run.run_id, "config": p.config.to_dict(),
                              "cpus": p.run.cpus, "gpus": p.run.gpus} for p in planned]})
        rows = {p.run.run_id: p.row or _row(p, "pending") for p in planned}
        report = SweepReporter(planned, on_progress)
        failures: list[str] = []
        transfer = folder.read_json(root / "transfer.json") if len(spec.models) > 1 else None
        try:
            _write_pages(root, meta, planned, rows, transfer)
            todo = [p for p in planned if p.row is None]
            if todo or len(spec.models) > 1:
                from .ray_runtime import connect

                ray = connect(address, num_cpus)
                if todo:
                    _check_resources(ray, todo)
                    failures = _run_all(ray, root, todo, rows, report)
                if len(spec.models) > 1:
                    transfer = score_transfer(ray, root, planned, rows, transfer,
                                              failures)
        finally:
            _write_pages(root, meta, planned, rows, transfer)
        report.final()
        return SweepOutcome(root, tuple(rows[p.run.run_id] for p in planned), tuple(failures),
                            transfer)


def _run_all(ray, root: Path, todo: list[PlannedRun], rows: dict, report) -> list[str]:
    from .ray_runtime import remote_error
    from .sweep_tasks import ProgressBoard, execute_run

    board = ray.remote(num_cpus=0)(ProgressBoard).remote()
    task = ray.remote(execute_run)
    pending = {}
    for p in todo:
        ref = task.options(num_cpus=p.run.cpus, num_gpus=p.run.gpus or None,
                           max_retries=0).remote(p.config.to_dict(), p.run.run_id,
                                                 max(1, int(p.run.cpus)), board)
        pending[ref] = p
    failures = []
    while pending:
        ready, _ = ray.wait(list(pending), num_returns=1, timeout=0.5)
        for ref in ready:
            p = pending.pop(ref)
            try:
                result = ray.get(ref)
            except Exception as exc:  # noqa: BLE001 — one failed run must not stop the rest
                err = remote_error(exc)
                text = str(err) if isinstance(err, FoolingError) else \
                    f"{type(err).__name__}: {(str(err).strip().splitlines() or [''])[-1][:300]}"
                rows[p.run.run_id] = {**_row(p, "failed"), "error": text}
                failures.append(f"{p.run.run_id}: {text}")
                report.run_ended(p, ok=False, text=text)
                continue
            rows[p.run.run_id] = _finish(root, p, result)
            report.run_ended(p, ok=True)
        report.tick(ray.get(board.read.remote()))
    return failures


def _finish(root: Path, p: PlannedRun, result) -> dict:
    """Write the run's gallery, then its marker (the run counts as done from then on)."""
    from ..encodings import encoding_from_config
    from ..gallery import export_gallery

    gallery = folder.gallery_dir(root, p.run.run_id)
    manifest_path = export_gallery(result.elites, result.provenance, gallery, overwrite=True,
                                   encoding=encoding_from_config(result.encoding_config))
    manifest = folder.read_json(manifest_path)
    s = manifest["summary"]
    row = {**_row(p, "done"), "cells": s["count"], "min_confidence": s["min_confidence"],
           "median_confidence": s["median_confidence"], "at_least_99_99": s["at_least_99_99"],
           "evaluations": manifest["evaluations"], "wall_seconds": manifest["wall_seconds"],
           "node": result.node, "finished": _now()}
    files.write_json(folder.marker_path(root, p.run.run_id), row)
    return row


def _row(p: PlannedRun, status: str) -> dict:
    r = p.run
    return {"run_id": r.run_id, "status": status, "model": r.model, "model_label": p.model.label,
            "encoding": r.encoding, "seed": r.seed, "generations": r.generations,
            "classes": r.classes if isinstance(r.classes, str) else
            ",".join(str(c) for c in r.classes), "variant": r.variant, "preset": r.preset,
            "settings": {k: list(v) if isinstance(v, tuple) else v
                         for k, v in r.settings.items()}, "batch": p.config.batch,
            "config": p.config.to_dict()}


def _check_resources(ray, todo: list[PlannedRun]) -> None:
    nodes = [n.get("Resources", {}) for n in ray.nodes() if n.get("Alive")]
    cpus = max((n.get("CPU", 0) for n in nodes), default=0)
    gpus = max((n.get("GPU", 0) for n in nodes), default=0)
    need_cpu = max(p.run.cpus for p in todo)
    need_gpu = max(p.run.gpus for p in todo)
    if need_cpu > cpus:
        raise FoolingError(f"A run asks for {need_cpu:g} CPUs but the largest Ray node has "
                           f"{cpus:g}; lower cpus_per_run.")
    if need_gpu > gpus:
        raise FoolingError("The sweep runs on CUDA but no Ray node has a free GPU "
                           f"({need_gpu:g} per run asked); use device = \"cpu\" or start Ray "
                           "where there is a GPU.")


def _write_pages(root: Path, meta: dict, planned: list[PlannedRun], rows: dict,
                 transfer: dict | None) -> None:
    from .sweep_page import sweep_html

    ordered = [rows[p.run.run_id] for p in planned]
    counts = {"runs_total": len(ordered),
              "runs_done": sum(r["status"] == "done" for r in ordered),
              "runs_failed": sum(r["status"] == "failed" for r in ordered),
              "updated": _now()}
    public = {k: v for k, v in meta.items() if k != "sweep_file"}
    folder.write_summary(root, ordered, {**public, **counts})
    if transfer is not None:
        folder.write_transfer(root, transfer)
    files.write_text(root / "index.html",
                     sweep_html({**public, **counts}, ordered, transfer))


@contextlib.contextmanager
def _folder_lock(root: Path):
    """One sweep at a time writes a folder (a second one is told so). The folder itself
    is locked: no lock file to leave behind, and the lock goes when the process does."""
    try:
        import fcntl
    except ImportError:  # not on POSIX: no lock
        yield
        return
    fd = os.open(root, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise FoolingError(f"Another sweep is writing to {root}; wait for it or choose "
                               "another folder.") from None
        yield
    finally:
        os.close(fd)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
