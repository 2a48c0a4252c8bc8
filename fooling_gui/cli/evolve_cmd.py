"""``fooling-gui evolve``: run MAP-Elites and write a gallery."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .common import (add_model_arguments, add_settings_arguments, non_negative_int, parse_class,
                     positive_int, print_json, progress, seed_int)


def add_parser(sub) -> None:
    p = sub.add_parser("evolve", help="evolve fooling images and write a gallery",
                       description="Evolve images the model labels with high confidence "
                       "(MAP-Elites, one cell per class) and export them as a gallery.")
    add_model_arguments(p)
    # None = not given: a resumed run must know which flags the user wrote.
    p.set_defaults(model=None, device=None)
    p.add_argument("--encoding", choices=("direct", "cppn"),
                   help="direct pixels or a CPPN (default: direct)")
    p.add_argument("--generations", type=non_negative_int, default=200,
                   help="generations after the random start (default: 200)")
    p.add_argument("--batch", type=positive_int,
                   help="offspring per generation (default: the paper's, 200 or 400)")
    p.add_argument("--classes", metavar="LIST",
                   help="comma-separated class indices or names (default: all)")
    p.add_argument("--seed", type=seed_int, help="random seed (default: 0)")
    add_settings_arguments(p)
    p.add_argument("--out", type=Path, required=True, help="gallery folder to create")
    p.add_argument("--force", action="store_true",
                   help="replace an existing gallery (never a folder that is not one)")
    p.add_argument("--save-run", type=Path, metavar="FILE", help="also save the run to resume later")
    p.add_argument("--resume", type=Path, metavar="FILE",
                   help="continue a saved run up to --generations, with its own model, "
                   "encoding, batch, seed and classes (--device may differ)")
    p.add_argument("--eval-batch", type=positive_int, metavar="N",
                   help="score offspring in forward passes of N images (default: all at once "
                   "for MNIST models, a few for ImageNet ones; with --ray: batch / workers)")
    ray = p.add_argument_group("spreading one run over Ray (pip install 'fooling-gui[cluster]')")
    ray.add_argument("--ray", nargs="?", const="local", metavar="ADDRESS",
                     help="render and score each generation on Ray actors: alone, on this "
                     "machine's cores; auto or HOST:PORT joins a cluster. The result equals "
                     "the run in one process with the same --eval-batch and torch threads "
                     "(OMP_NUM_THREADS=--worker-threads)")
    ray.add_argument("--workers", type=positive_int, metavar="N",
                     help="actors holding the model (default: the cluster's CPUs / threads)")
    ray.add_argument("--worker-threads", type=positive_int, default=1, metavar="N",
                     help="torch threads (Ray CPUs) per actor (default: 1)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print the manifest summary as JSON")
    p.set_defaults(func=run)


def parse_classes(text: str | None, class_names: tuple[str, ...]) -> tuple[int, ...] | None:
    """``"3,7"`` or ``"goldfish, school bus"`` → class indices (FoolingError if unknown)."""
    from ..core.errors import FoolingError

    if text is None or text.strip().lower() in ("", "all"):
        return None
    out: list[int] = []
    for item in (t.strip() for t in text.split(",")):
        if item and (k := parse_class(item, class_names)) not in out:
            out.append(k)
    if not out:
        raise FoolingError("--classes named no class.")
    return tuple(out)


def run(args: argparse.Namespace) -> int:
    from ..core.errors import FoolingError
    from ..core.formatting import format_confidence
    from ..core.gallery.replace import check_gallery_destination
    from . import user_error
    from .run_files import check_run_destination, resume_run

    # Both destinations are checked before minutes (or hours) of evolving.
    out, notes = check_gallery_destination(args.out, args.force)
    for note in notes:
        print(f"fooling-gui: note: {note}", file=sys.stderr)
    if args.save_run is not None:
        check_run_destination(args.save_run, out)
    evo = resume_run(args, parse_classes) if args.resume else new_run(args)
    if args.ray is not None:
        from ..core.cluster.distributed_run import distribute

        distribute(evo, args.ray, args.workers, args.worker_threads)

    total = evo.config.generations + 1
    bar = progress(total=total, desc=f"{evo.spec.label} {evo.config.encoding}", unit="gen",
                   quiet=args.quiet)
    bar.update(evo.generation + 1)
    interrupted, failure = False, None
    try:
        for stats in evo.iterate():
            bar.update(1)
            bar.set_postfix_str(f"min {format_confidence(stats.best.min())}, "
                                f"median {format_confidence(stats.median)}")
    except KeyboardInterrupt:
        interrupted = True  # keep what was found: export it below
    except (FoolingError, MemoryError, RuntimeError) as exc:
        # A model that starts returning NaN, memory running out hours into a run: what
        # the finished generations found is still written below.
        if user_error(exc) is None or evo.generation < 0:
            raise
        failure = user_error(exc)
    finally:
        bar.close()
        if evo.evaluator is not None:
            evo.evaluator.close()

    manifest, run_problem = save_results(evo, args, out)
    s = manifest["summary"]
    if args.json:
        print_json({k: manifest[k] for k in ("model", "weights_sha256", "random_init", "encoding",
                                             "seed", "generations", "evaluations", "wall_seconds")}
                   | {"summary": s, "gallery": str(args.out)})
    else:
        warn = "  (RANDOM WEIGHTS)" if manifest["random_init"] else ""
        print(f"{s['count']} classes after {manifest['generations']} generations "
              f"({manifest['evaluations']:,} images, {manifest['wall_seconds']:.1f} s): "
              f"min {format_confidence(s['min_confidence'])}, "
              f"median {format_confidence(s['median_confidence'])}, "
              f"{s['at_least_99_99']} at ≥ 99.99 %.{warn}")
        print(f"Gallery: {args.out}")
    if failure is not None:
        print(f"fooling-gui: {failure.rstrip('.')}; what generations 0 to {evo.generation} "
              "found was written.", file=sys.stderr)
        return 2
    if run_problem is not None:
        print(f"fooling-gui: {str(run_problem).rstrip('.')}; the gallery was written.",
              file=sys.stderr)
        return 2
    return 130 if interrupted else 0


def new_run(args: argparse.Namespace):
    """A fresh run from the flags, refused before allocating if it cannot fit in memory."""
    from ..sessions.run_builder import RunChoices, build_run
    from .common import command_models, load_model_from_args, model_key, settings_from_args

    args.model = args.model or "lenet"
    args.device = args.device or "cpu"
    args.encoding = encoding = args.encoding or "direct"
    ten_crop, params = settings_from_args(args)
    models = command_models(args)
    spec = load_model_from_args(args, models).spec
    choices = RunChoices(
        model_key(args), encoding, generations=args.generations,
        seed=args.seed if args.seed is not None else 0, batch=args.batch,
        eval_batch=args.eval_batch, classes=parse_classes(args.classes, spec.class_names),
        device=models.device, preset=args.preset or "paper", ten_crop=ten_crop,
        encoding_params=params)
    return build_run(models, choices.config(spec))


def save_results(evo, args: argparse.Namespace, out: Path):
    """Write the gallery, then the run file; each is written even if the other fails.

    Returns:
        The gallery's manifest, and the run file's problem (None when saved or not
        asked for).

    Raises:
        FoolingError: the gallery could not be written (saying whether the run was saved).
    """
    from ..core.errors import FoolingError
    from ..core.evolution import save_run
    from ..core.gallery import Provenance, export_gallery

    gallery_problem = run_problem = None
    manifest_path = None
    try:
        manifest_path = export_gallery(evo.archive.elites(), Provenance.of_run(evo), out,
                                       overwrite=args.force, encoding=evo.encoding)
    except FoolingError as exc:
        gallery_problem = exc
    if args.save_run is not None:
        try:
            save_run(evo, args.save_run)
        except FoolingError as exc:
            run_problem = exc
    if gallery_problem is not None:
        if args.save_run is None:
            raise gallery_problem
        saved = (f"the run was saved to {args.save_run}, so --resume can export it again"
                 if run_problem is None else f"nor could the run be saved ({run_problem})")
        raise FoolingError(f"{str(gallery_problem).rstrip('.')}; {saved}.")
    return json.loads(manifest_path.read_text(encoding="utf-8")), run_problem
