"""``fooling-gui sweep``: a grid of runs on Ray, into one browsable, resumable folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import positive_int, print_json

EPILOG = """\
The sweep file (TOML; an annotated example is docs/sweep.toml):
  models = ["lenet"]              registry names or model files
  encodings = ["direct", "cppn"]
  seeds = [0, 1, 2, 3]
  generations = [50]
  classes = ["all"]               class sets: "all", "3,7", "goldfish, school bus", [3, 7]
  presets = ["paper"]             or [[variants]] with name, preset, settings = {...}
  batch = 200                     offspring per generation (default: the paper's)
  device = "cpu"                  "cuda": every run asks Ray for gpus_per_run GPUs
  cpus_per_run = 1                Ray CPUs (and torch threads) per run
  [settings]                      NAME = VALUE for every run it applies to (as --set)

Every combination is one run. Running the same command again continues a sweep:
finished runs are skipped. Ray: pip install 'fooling-gui[cluster]'."""


def add_parser(sub) -> None:
    p = sub.add_parser("sweep", help="run a grid of evolution runs on Ray (resumable)",
                       description="Run every combination of models, encodings, seeds, class "
                       "sets, generations and presets as Ray tasks, writing each run's gallery, "
                       "a summary table, a transfer matrix (several models) and an index.html.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", type=Path, help="the sweep file (TOML)")
    p.add_argument("--out", type=Path,
                   help="the sweep folder (default: the file's name without .toml, beside it)")
    p.add_argument("--address", metavar="ADDRESS",
                   help="join a Ray cluster: auto (started here with `ray start`) or HOST:PORT "
                   "(default: start Ray on this machine)")
    p.add_argument("--num-cpus", type=positive_int, metavar="N",
                   help="cores a local Ray may use (default: all)")
    p.add_argument("--force", action="store_true",
                   help="run again finished runs whose settings the file has changed")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print the summary rows as JSON")
    p.set_defaults(func=run)


def resolve_classes(classes, class_names: tuple[str, ...]):
    """A class set as written in the sweep file → indices (names or numbers)."""
    from .evolve_cmd import parse_classes

    if isinstance(classes, list):
        classes = ",".join(str(c) for c in classes)
    return parse_classes(str(classes), class_names)


def run(args: argparse.Namespace) -> int:
    from ..core.cluster.sweep import run_sweep
    from ..core.cluster.sweep_spec import SweepSpec
    from ..core.errors import FoolingError

    spec = SweepSpec.from_file(args.file)
    out = args.out or args.file.with_suffix("")
    if out.resolve() == args.file.resolve():
        out = out.with_name(out.name + "_sweep")
    bar = _Bar(quiet=args.quiet)
    try:
        outcome = run_sweep(spec, out, address=args.address, num_cpus=args.num_cpus,
                            resolve_classes=resolve_classes, force=args.force,
                            on_progress=bar.update)
    finally:
        bar.close()
    rows = outcome.rows
    if args.json:
        print_json({"folder": str(outcome.folder), "rows": [
            {k: v for k, v in r.items() if k != "config"} for r in rows],
            "transfer": outcome.transfer})
    else:
        done = sum(r["status"] == "done" for r in rows)
        print(f"{done} of {len(rows)} runs finished. Index: {outcome.folder / 'index.html'}")
    if outcome.failures:
        for line in outcome.failures:
            print(f"  failed: {line}", file=sys.stderr)
        failed = sum(r["status"] == "failed" for r in rows)
        if failed:
            raise FoolingError(f"{failed} of {len(rows)} runs failed (see "
                               f"{outcome.folder / 'summary.csv'}); run the same command "
                               "again to retry them.")
        raise FoolingError("Some of the transfer matrix could not be scored (see above); run "
                           "the same command again to retry it.")
    return 0


class _Bar:
    """The sweep's progress on stderr: images scored, runs done, time left."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.bar = None
        self.said = ""

    def update(self, p) -> None:
        if self.quiet:
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=p.images_total, initial=p.images_done, unit="img",
                            file=sys.stderr, dynamic_ncols=True, leave=False,
                            bar_format="{desc} {percentage:3.0f}%|{bar}|")
        eta = "—" if p.eta_s is None else _clock(p.eta_s)
        failed = f", {p.runs_failed} failed" if p.runs_failed else ""
        self.bar.set_description_str(
            f"sweep: {p.runs_done}/{p.runs_total} runs{failed}, {p.images_done:,}/"
            f"{p.images_total:,} images, {_clock(p.elapsed_s)} elapsed, ETA {eta}",
            refresh=False)
        self.bar.update(p.images_done - self.bar.n)
        if p.message and p.message != self.said:
            self.said = p.message
            self.bar.write(p.message, file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"
