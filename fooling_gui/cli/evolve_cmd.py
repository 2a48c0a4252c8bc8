"""``fooling-gui evolve``: run MAP-Elites and write a gallery."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .common import (add_model_arguments, add_settings_arguments, non_negative_int, parse_class,
                     positive_int, print_json, progress)


def add_parser(sub) -> None:
    p = sub.add_parser("evolve", help="evolve fooling images and write a gallery",
                       description="Evolve images the model labels with high confidence "
                       "(MAP-Elites, one cell per class) and export them as a gallery.")
    add_model_arguments(p)
    p.add_argument("--encoding", choices=("direct", "cppn"), default="direct",
                   help="direct pixels or a CPPN (default: direct)")
    p.add_argument("--generations", type=non_negative_int, default=200,
                   help="generations after the random start (default: 200)")
    p.add_argument("--batch", type=positive_int,
                   help="offspring per generation (default: the paper's, 200 or 400)")
    p.add_argument("--classes", metavar="LIST",
                   help="comma-separated class indices or names (default: all)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    add_settings_arguments(p)
    p.add_argument("--out", type=Path, required=True, help="gallery folder to create")
    p.add_argument("--force", action="store_true", help="replace an existing gallery folder")
    p.add_argument("--save-run", type=Path, metavar="FILE", help="also save the run to resume later")
    p.add_argument("--resume", type=Path, metavar="FILE",
                   help="continue a saved run (its model, encoding and seed) up to --generations")
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
    from ..core.evolution import DEFAULT_BATCH, EvolutionRun, RunConfig, load_run, save_run
    from ..core.formatting import format_confidence
    from ..core.gallery import Provenance, export_gallery
    from ..core.gallery.export import check_destination
    from .common import load_model_from_args, resolve_device, settings_from_args

    check_destination(args.out, args.force)  # fail before spending minutes evolving
    if args.resume:
        evo = load_run(args.resume)
        if args.generations > evo.generation:
            evo.extend(args.generations)
    else:
        ten_crop, params = settings_from_args(args)
        classifier = load_model_from_args(args)
        kind = "mnist" if classifier.spec.channels == 1 else "imagenet"
        config = RunConfig(
            model=args.model, encoding=args.encoding, generations=args.generations,
            batch=args.batch or DEFAULT_BATCH[(kind, args.encoding)],
            classes=parse_classes(args.classes, classifier.spec.class_names), seed=args.seed,
            device=resolve_device(args.device), random_init=args.random_init,
            ten_crop=ten_crop, eval_batch=64 if kind == "imagenet" else None,
            preset=args.preset, encoding_params=params)
        evo = EvolutionRun(config, classifier=classifier)

    total = evo.config.generations + 1
    bar = progress(total=total, desc=f"{evo.spec.label} {evo.config.encoding}", unit="gen",
                   quiet=args.quiet)
    bar.update(evo.generation + 1)
    interrupted = False
    try:
        for stats in evo.iterate():
            bar.update(1)
            bar.set_postfix_str(f"min {format_confidence(stats.best.min())}, "
                                f"median {format_confidence(stats.median)}")
    except KeyboardInterrupt:
        interrupted = True  # keep what was found: export it below
    finally:
        bar.close()

    if args.save_run:
        save_run(evo, args.save_run)
    manifest_path = export_gallery(evo.archive.elites(), Provenance.of_run(evo), args.out,
                                   overwrite=args.force, encoding=evo.encoding)
    manifest = json.loads(manifest_path.read_text())
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
    return 130 if interrupted else 0
