"""``fooling-gui experiment imagenet``: the paper's ImageNet experiment, measured.

One rerunnable line evolves fooling images for every ImageNet class (CPPN or direct
encoding, the paper's offspring per generation) for a number of generations or
minutes, whichever ends first, and writes into one new folder:

* ``curve.png`` — median and mean best confidence over the classes against generation;
* ``summary.json`` — median, mean, classes ≥ 99 %, generations, wall time, machine, and
  the curve's numbers for every generation;
* ``gallery/`` — an excerpt: the most confident elites as PNGs with provenance, a
  contact sheet and a web page.

The folder is built beside its destination and renamed into place at the end; Ctrl+C
stops the run early and still writes what was found.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
import time
from pathlib import Path

from .common import (add_model_arguments, add_settings_arguments, non_negative_int,
                     positive_float, positive_int, print_json, seed_int)

EXCERPT = 40  # elites in the gallery excerpt


def add_parser(exp) -> None:
    p = exp.add_parser(
        "imagenet", help="the paper's ImageNet experiment: fool every class, plot the median",
        description="Evolve images for all ImageNet classes at once (MAP-Elites, one cell per "
        "class) and measure the median and mean best confidence against generation, as in "
        "the paper (CPPN: median 88.1 % after 5000 generations on AlexNet; direct: 21.6 %). "
        "Writes OUT/curve.png, OUT/summary.json and a gallery excerpt in OUT/gallery. Runs "
        "until --generations or --minutes, whichever comes first.")
    add_model_arguments(p, default="efficientnet_lite0")
    p.add_argument("--encoding", choices=("cppn", "direct"), default="cppn",
                   help="CPPN or direct pixels (default: cppn)")
    p.add_argument("--generations", type=non_negative_int, default=5000,
                   help="generations after the random start (default: 5000, the paper's)")
    p.add_argument("--minutes", type=positive_float,
                   help="stop after this much time, even before --generations")
    p.add_argument("--batch", type=positive_int,
                   help="offspring per generation (default: the paper's, 400 CPPN / 200 direct)")
    p.add_argument("--eval-batch", type=positive_int, metavar="N",
                   help="images per forward pass (default: the model's own; 8 for "
                   "EfficientNet-Lite0 on a CPU, which is fastest on idle cores; larger "
                   "passes hold up better when other work shares the cores)")
    p.add_argument("--classes", metavar="LIST",
                   help="comma-separated class indices or names (default: all 1000)")
    p.add_argument("--seed", type=seed_int, default=0, help="random seed (default: 0)")
    p.add_argument("--out", type=Path, required=True, help="folder to create for the results")
    p.add_argument("--force", action="store_true", help="replace an existing folder")
    p.add_argument("--quiet", action="store_true", help="no progress line")
    p.add_argument("--json", action="store_true", help="print the summary (without the "
                   "per-generation history) as JSON")
    add_settings_arguments(p)


def run_imagenet(args: argparse.Namespace) -> int:
    from ..core.errors import FoolingError
    from ..sessions.run_builder import RunChoices, build_run
    from .common import command_models, load_model_from_args, model_key, settings_from_args
    from .evolve_cmd import parse_classes

    out = check_experiment_destination(args.out, args.force)  # before minutes of work
    ten_crop, params = settings_from_args(args)
    models = command_models(args)
    spec = load_model_from_args(args, models).spec
    if spec.channels != 3 or spec.n_classes < 100:
        raise FoolingError(f"experiment imagenet needs an ImageNet model, not "
                           f"{spec.label} (try --model efficientnet_lite0).")
    choices = RunChoices(model_key(args), args.encoding, generations=args.generations,
                         seed=args.seed, batch=args.batch, eval_batch=args.eval_batch,
                         classes=parse_classes(args.classes, spec.class_names),
                         device=models.device, preset=args.preset, ten_crop=ten_crop,
                         encoding_params=params)
    evo = build_run(models, choices.config(spec))
    budget = None if args.minutes is None else 60.0 * args.minutes
    progress = Progress(evo.config.generations, budget, quiet=args.quiet)
    start = time.monotonic()
    stopped_by = "generations"
    try:
        for stats in evo.iterate():
            elapsed = time.monotonic() - start
            progress.update(stats, elapsed)
            if budget is not None and elapsed >= budget and not evo.finished:
                stopped_by = "time"
                break
    except KeyboardInterrupt:
        stopped_by = "interrupted"
    finally:
        progress.close()
    if not evo.history:
        raise FoolingError("Stopped before the first generation; nothing to report.")
    summary = write_results(evo, out, args.force, elapsed_seconds=time.monotonic() - start,
                            stopped_by=stopped_by, command=command_line())
    if args.json:
        print_json({k: v for k, v in summary.items() if k != "history"})
    else:
        print_summary(summary, out)
    return 130 if stopped_by == "interrupted" else 0


EXPERIMENT_FORMAT = "fooling-gui-experiment/1"
_EXPERIMENT_FILES = {"curve.png", "summary.json", "gallery"}


def experiment_problem(folder: Path) -> str | None:
    """Why ``folder`` is not an earlier result of this command that --force may replace."""
    import json

    from ..core.gallery.replace import gallery_problem

    try:
        names = {p.name for p in folder.iterdir()}
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "it has no summary.json of an earlier experiment"
    if not isinstance(summary, dict) or summary.get("format") != EXPERIMENT_FORMAT:
        return "its summary.json is not an experiment's"
    foreign = sorted(names - _EXPERIMENT_FILES)
    if foreign:
        return f"it also holds {foreign[0]}, which the experiment did not write"
    if "gallery" in names:
        return gallery_problem(folder / "gallery")
    return None


def check_experiment_destination(out_dir: Path, overwrite: bool) -> Path:
    """The results folder as an absolute path, refused (one sentence) before any work when
    it cannot be written or holds something other than an earlier experiment."""
    from ..core.gallery.replace import check_destination_folder

    out, _ = check_destination_folder(
        out_dir, overwrite, what="results", problem=experiment_problem,
        one_of_ours="an earlier experiment's folder",
        replace_hint="replace an earlier experiment's (--force)", recover=False)
    return out


def command_line() -> str:
    return "fooling-gui " + " ".join(shlex.quote(a) for a in sys.argv[1:])


class Progress:
    """One line on stderr: generation, median, mean, classes ≥ 99 %, speed, ETA.

    A terminal sees the line rewritten in place; a log gets a line every 30 seconds.
    """

    def __init__(self, generations: int, budget: float | None, quiet: bool = False):
        self.generations, self.budget, self.quiet = generations, budget, quiet
        self.tty = sys.stderr.isatty()
        self._last_print = -1e9
        self._width = 0

    def update(self, stats, elapsed: float) -> None:
        if self.quiet:
            return
        done = stats.generation
        left = [] if not done else [(self.generations - done) * elapsed / done]
        if self.budget is not None:
            left.append(max(self.budget - elapsed, 0.0))
        eta = _clock(min(left)) if left else "–"
        line = (f"generation {done:,}/{self.generations:,} · median {100 * stats.median:5.2f} % "
                f"· mean {100 * stats.mean:5.2f} % · ≥ 99 %: {stats.above_99} · "
                f"{stats.evaluations / max(stats.wall_seconds, 1e-9):,.0f} images/s · "
                f"elapsed {_clock(elapsed)} · ETA {eta}")
        if self.tty:
            sys.stderr.write("\r" + line.ljust(self._width))
            self._width = len(line)
            sys.stderr.flush()
        elif elapsed - self._last_print >= 30 or done == 0:
            print(line, file=sys.stderr, flush=True)
            self._last_print = elapsed

    def close(self) -> None:
        if self.tty and self._width and not self.quiet:
            sys.stderr.write("\n")


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def write_results(evo, out: Path, overwrite: bool, *, elapsed_seconds: float, stopped_by: str,
                  command: str) -> dict:
    """curve.png, summary.json and gallery/ into a folder built beside ``out``, then
    renamed into place. Returns the summary."""
    from ..core.errors import FoolingError
    from ..core.evolution.report import experiment_summary
    from ..core.files import make_temporary_folder, reason, write_json
    from ..core.gallery import Provenance, export_gallery
    from ..core.gallery.curve_plot import curve_points
    from ..core.gallery.png_meta import write_png
    from ..core.gallery.replace import move_into_place

    summary = experiment_summary(evo, elapsed_seconds=elapsed_seconds, stopped_by=stopped_by,
                                 command=command)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        work = make_temporary_folder(out)
    except OSError as exc:
        raise FoolingError(f"Cannot write results in {out.parent} ({reason(exc)}).") from None
    try:
        write_png(work / "curve.png", curve_figure(summary, curve_points(evo.history)),
                  clean_stale=False)
        write_json(work / "summary.json", summary, clean_stale=False)
        cells = sorted(range(len(evo.archive)), key=lambda c: -evo.archive.confidences[c])
        excerpt = [e for e in (evo.archive.elite(c) for c in cells[:EXCERPT]) if e is not None]
        export_gallery(excerpt, Provenance.of_run(evo), work / "gallery", encoding=evo.encoding)
        move_into_place(work, out, overwrite, problem=experiment_problem)
    except OSError as exc:
        raise FoolingError(f"Could not write the results to {out} ({reason(exc)}).") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)  # gone already when all went well
    return summary


def curve_figure(summary: dict, points):
    """The app's figure for a summary (title, subtitle with the final figures)."""
    from ..core.gallery.curve_plot import confidence_curve

    enc = "CPPN" if summary["encoding"] == "cppn" else "direct encoding"
    title = (f"{summary['model_title']} · {enc} · {summary['offspring_per_generation']} "
             f"offspring · {summary['classes']} classes")
    subtitle = (f"after {summary['generations']:,} generations ({_clock(summary['wall_seconds'])}"
                f" on {summary['machine']['cpu'] or summary['machine']['device']}): median "
                f"{100 * summary['median']:.1f} %, mean {100 * summary['mean']:.1f} %, "
                f"{summary['classes_at_least_99']} classes at 99 % or more")
    paper = summary.get("paper") or {}
    reference = None
    if paper.get("median") is not None:
        reference = (paper["median"], f"paper: AlexNet median after "
                     f"{paper['generations']:,} generations, {100 * paper['median']:.1f} %")
    return confidence_curve(points, title, subtitle, reference)


def print_summary(summary: dict, out: Path) -> None:
    from ..core.formatting import format_confidence

    why = {"generations": "reached --generations", "time": "reached --minutes",
           "interrupted": "interrupted"}[summary["stopped_by"]]
    print(f"{summary['model_title']} · {summary['encoding']} · {summary['classes']} classes · "
          f"{summary['generations']:,} generations ({why}), "
          f"{summary['evaluations']:,} images in {_clock(summary['wall_seconds'])}")
    print(f"  median {format_confidence(summary['median'])}, mean "
          f"{format_confidence(summary['mean'])}, {summary['classes_at_least_99']} classes "
          f"≥ 99 %, {summary['classes_at_least_9999']} ≥ 99.99 %")
    paper = summary.get("paper") or {}
    if paper:
        print(f"  the paper (AlexNet, 10 crops, {paper['generations']:,} generations): median "
              f"{100 * paper['median']:.1f} %")
    print(f"Results: {out}/curve.png, summary.json, gallery/")
