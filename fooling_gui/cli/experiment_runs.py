"""Runners and tables of ``fooling-gui experiment …`` (parsers in experiment_cmd)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from .common import print_json

Log = Callable[[str], None]


def run(args: argparse.Namespace) -> int:
    from ..core.models.weights_io import write_json_atomic
    from .common import load_model_from_args

    log: Log = (lambda msg: None) if args.quiet else (
        lambda msg: print(f"[{args.experiment}] {msg}", file=sys.stderr, flush=True))
    check_out_path(args.out)  # before minutes of work, not after
    classifier = load_model_from_args(args)
    require_mnist(classifier.spec)
    start = time.perf_counter()
    result = RUNNERS[args.experiment](args, classifier, log)
    result = {"experiment": args.experiment, "model": classifier.spec.label,
              "seed": args.seed, "generations": args.generations, "batch": args.batch,
              **result, "wall_seconds": round(time.perf_counter() - start, 1)}
    if args.out is not None:
        write_json_atomic(result, args.out)
    if args.json:
        print_json(result)
    else:
        TABLES[args.experiment](result)
    return 0


def check_out_path(path) -> None:
    from ..core.errors import FoolingError

    if path is None:
        return
    if path.is_dir():
        raise FoolingError(f"{path} is a folder; give a file name for the JSON.")
    if not path.parent.is_dir():
        raise FoolingError(f"The folder {path.parent} does not exist.")


def require_mnist(spec) -> None:
    from ..core.errors import FoolingError

    if spec.channels != 1 or spec.image_size != (28, 28) or spec.n_classes != 10:
        raise FoolingError(f"The experiments use MNIST digits; {spec.label} is not a "
                           "10-class 28×28 grey model (try --model lenet).")


def fooling_images(args: argparse.Namespace, classifier, log: Log):
    """Final elites of ``args.runs`` evolution runs (seeds ``seed``, ``seed + 1``, …)."""
    import numpy as np

    from ..core.attacks import evolve_against

    images, classes, runs = [], [], []
    for k in range(args.runs):
        evo = evolve_against(classifier, generations=args.generations, batch=args.batch,
                             seed=args.seed + k)
        log(f"run {k + 1}/{args.runs}: median {evo.median_confidence:.4f} after "
            f"{evo.generations} generations ({evo.wall_seconds:.0f} s)")
        images.append(evo.images[evo.filled])
        classes.append(evo.class_indices[evo.filled])
        s = evo.summary()
        s.pop("per_class")
        runs.append(s)
    return np.concatenate(images), np.concatenate(classes), runs


def extra_lenets(n: int, epochs: int, log: Log, device: str) -> list:
    """``n`` LeNets trained here with seeds 1 … n."""
    from ..core.attacks.training import digit_split, quick_lenet

    split = digit_split()
    models = []
    for seed in range(1, n + 1):
        t = time.perf_counter()
        models.append(quick_lenet(split, seed=seed, epochs=epochs, device=device))
        log(f"trained lenet-seed{seed} ({epochs} epochs, {time.perf_counter() - t:.0f} s)")
    return models


def clean_accuracy(model) -> float:
    from ..core.attacks.training import accuracy
    from ..core.datasets import mnist_sample

    images, labels = mnist_sample()
    return accuracy(model, images, labels)


# -- the experiments -------------------------------------------------------------------
def run_retrain(args, classifier, log: Log) -> dict:
    from ..core.attacks import retrain_experiment
    from ..core.attacks.training import digit_split
    from ..core.errors import FoolingError
    from ..core.models.lenet import LeNet

    if not isinstance(classifier.module, LeNet):
        raise FoolingError("Retraining grows LeNet by one output; use --model lenet.")
    rows = retrain_experiment(
        classifier, digit_split(), rounds=args.rounds, generations=args.generations,
        batch=args.batch, epochs=args.epochs, seed=args.seed,
        collect_above=args.collect_above, max_fooling_per_round=args.max_fooling,
        device=str(classifier.device),
        on_round=lambda r: log(f"round {r.round}: median generations to 99 % "
                               f"{r.median_generations_to_99}, {r.classes_at_9999}/10 at "
                               f"99.99 %, clean accuracy {r.clean_accuracy:.3f}"))
    return {"rounds": [r.to_dict() for r in rows], "epochs": args.epochs,
            "max_fooling_per_round": args.max_fooling, "collect_above": args.collect_above}


def run_smoothing(args, classifier, log: Log) -> dict:
    from ..core.attacks import measure_smoothing
    from ..core.datasets import mnist_sample

    settings = args.settings or ([0, 0.5, 1, 1.5, 2] if args.kind == "gaussian" else [1, 3, 5])
    images, classes, runs = fooling_images(args, classifier, log)
    digits, labels = mnist_sample()
    rows = measure_smoothing(classifier, images, classes, digits, labels, settings,
                             kind=args.kind, adaptive_generations=args.adaptive_generations,
                             batch=args.batch, seed=args.seed)
    return {"kind": args.kind, "fooling_images": len(images), "evolution_runs": runs,
            "adaptive_generations": args.adaptive_generations,
            "rows": [r.to_dict() for r in rows]}


def run_threshold(args, classifier, log: Log) -> dict:
    import numpy as np

    from ..core.attacks import threshold_table
    from ..core.attacks.threshold import DEFAULT_THRESHOLDS
    from ..core.datasets import mnist_sample
    from ..core.images import from_uint8

    images, _, runs = fooling_images(args, classifier, log)
    digits, labels = mnist_sample()
    rng = np.random.default_rng(args.seed)
    noise = rng.integers(0, 256, size=(args.noise, 28, 28, 1), dtype=np.uint8)

    def probs(x):
        return classifier.probabilities(from_uint8(x), batch_size=500).numpy()

    rows = threshold_table(probs(images), probs(digits), labels,
                           args.thresholds or DEFAULT_THRESHOLDS,
                           probs(noise) if args.noise else None)
    return {"fooling_images": len(images), "real_images": len(digits),
            "noise_images": args.noise, "evolution_runs": runs,
            "rows": [r.to_dict() for r in rows]}


def run_transfer(args, classifier, log: Log) -> dict:
    from ..core.attacks import transfer_experiment
    from ..core.models.classifier import Classifier
    from ..core.models.lenet import lenet_spec, seeded_lenet

    models = [classifier, *extra_lenets(args.models, args.train_epochs, log,
                                        str(classifier.device))]
    extra = []
    if args.random_target:
        extra.append(Classifier(seeded_lenet(args.seed + 1000),
                                lenet_spec(name="lenet-random", random_init=True),
                                device=classifier.device))
    log(f"evolving against {len(models)} models")
    matrix, runs = transfer_experiment(models, generations=args.generations, batch=args.batch,
                                       seeds=(args.seed,), extra_targets=extra)
    return {"clean_accuracy": {m.spec.label: clean_accuracy(m) for m in [*models, *extra]},
            "matrix": matrix.to_dict(), "evolution_runs": runs,
            "train_epochs": args.train_epochs}


def run_ensemble(args, classifier, log: Log) -> dict:
    from ..core.attacks import EnsembleClassifier, compare_ensemble

    members = [classifier, *extra_lenets(args.members - 1, args.train_epochs, log,
                                         str(classifier.device))]
    modes = ("mean", "min") if args.mode == "both" else (args.mode,)
    out = {"members": [m.spec.label for m in members],
           "clean_accuracy": {m.spec.label: clean_accuracy(m) for m in members},
           "train_epochs": args.train_epochs, "comparisons": []}
    single = None
    for mode in modes:
        log(f"evolving against the {mode} ensemble" if single else
            f"evolving against {members[0].spec.label} alone and the {mode} ensemble")
        cmp = compare_ensemble(members, mode=mode, generations=args.generations,
                               batch=args.batch, seed=args.seed, single=single)
        single = cmp.single
        out["clean_accuracy"][f"ensemble-{mode}"] = clean_accuracy(
            EnsembleClassifier(members, mode=mode))
        out["comparisons"].append(cmp.to_dict())
    return out


RUNNERS = {"retrain": run_retrain, "smoothing": run_smoothing, "threshold": run_threshold,
           "transfer": run_transfer, "ensemble": run_ensemble}


# -- tables ----------------------------------------------------------------------------
def _pct(x: float | None) -> str:
    return "    –" if x is None else f"{100 * x:6.2f} %"


def _conf(x: float) -> str:
    from ..core.formatting import format_confidence

    return format_confidence(x)


def _gen(g) -> str:
    return "never" if g is None else f"{g:g}"


def table_retrain(r: dict) -> None:
    print(f"n+1 retraining on {r['model']}: {r['generations']} generations × {r['batch']} "
          f"per round, {r['epochs']} epochs per retraining ({r['wall_seconds']:.0f} s)")
    print("round  fooling in training  clean acc  digits→fooling  median gens to 99 %  "
          "≥99 %  ≥99.99 %  min best")
    for row in r["rounds"]:
        print(f"{row['round']:>5}  {row['fooling_in_training']:>19}  {_pct(row['clean_accuracy'])}"
              f"  {_pct(row['digits_called_fooling']):>14}  "
              f"{_gen(row['median_generations_to_99']):>19}  {row['classes_at_99']:>5}  "
              f"{row['classes_at_9999']:>8}  {_conf(min(row['best'])):>9}")


def table_smoothing(r: dict) -> None:
    print(f"{r['kind']} smoothing on {r['model']}: {r['fooling_images']} fooling images "
          f"evolved against the plain model; clean accuracy on the 1,000 shipped digits")
    head = "setting  clean acc  fooling conf  fooling ≥99 %"
    if r["adaptive_generations"]:
        head += f"  evolved against it ({r['adaptive_generations']} gens): median, ≥99 %"
    print(head)
    for row in r["rows"]:
        line = (f"{row['setting']:>7g}  {_pct(row['clean_accuracy'])}  "
                f"{_conf(row['fooling_confidence']):>12}  {_pct(row['fooling_at_99']):>13}")
        if row["adaptive"]:
            a = row["adaptive"]
            line += f"  {_conf(a['median_confidence'])}, {a['classes_at_99']}/10"
        print(line)


def table_threshold(r: dict) -> None:
    print(f"'None of these' threshold on {r['model']}: {r['fooling_images']} fooling images, "
          f"{r['real_images']} real digits, {r['noise_images']} noise images")
    print("threshold  fooling accepted  real rejected  accuracy of accepted  noise accepted")
    for row in r["rows"]:
        print(f"{row['threshold']:>9g}  {_pct(row['fooling_accepted']):>16}  "
              f"{_pct(row['real_rejected']):>13}  {_pct(row['real_accepted_accuracy']):>20}  "
              f"{_pct(row['noise_accepted']):>14}")


def table_transfer(r: dict) -> None:
    m = r["matrix"]
    print(f"Transfer: mean confidence of the evolved class (rows: evolved against; "
          f"columns: scored by) — {r['generations']} generations per model")
    first = max(len(src) for src in m["sources"]) + 2
    widths = [max(len(t), 12) + 2 for t in m["targets"]]
    print(" " * first + "".join(f"{t:>{w}}" for t, w in zip(m["targets"], widths)))
    for src, values in zip(m["sources"], m["mean_confidence"]):
        print(f"{src:<{first}}" + "".join(f"{_conf(v):>{w}}" for v, w in zip(values, widths)))
    print("clean accuracy: " + ", ".join(f"{k} {_pct(v).strip()}"
                                         for k, v in r["clean_accuracy"].items()))


def table_ensemble(r: dict) -> None:
    print(f"Ensemble of {', '.join(r['members'])}: {r['generations']} generations × "
          f"{r['batch']}, seed {r['seed']}")
    runs = [r["comparisons"][0]["single"]] + [c["ensemble"] for c in r["comparisons"]]
    for s in runs:
        gens = [p["generations_to_99"] for p in s["per_class"]]
        print(f"  {s['model']}: median generations to 99 % "
              f"{_gen(s['median_generations_to_99'])}, {s['classes_at_99']}/10 at 99 %, "
              f"median confidence {_conf(s['median_confidence'])}")
        print(f"    generations to 99 % per digit: {', '.join(_gen(g) for g in gens)}")
    print("clean accuracy: " + ", ".join(f"{k} {_pct(v).strip()}"
                                         for k, v in r["clean_accuracy"].items()))


TABLES = {"retrain": table_retrain, "smoothing": table_smoothing,
          "threshold": table_threshold, "transfer": table_transfer, "ensemble": table_ensemble}
