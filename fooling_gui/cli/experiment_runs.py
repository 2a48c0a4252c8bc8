"""Running and printing ``fooling-gui experiment …`` (parsers in experiment_cmd; the
experiments themselves in :mod:`fooling_gui.core.attacks.experiments`)."""

from __future__ import annotations

import argparse
import sys

from .common import print_json

# Settings each experiment takes from its command line (argparse dest names).
SETTINGS = {
    "retrain": ("generations", "batch", "seed", "rounds", "epochs", "max_fooling",
                "collect_above"),
    "smoothing": ("generations", "batch", "seed", "runs", "kind", "settings",
                  "adaptive_generations"),
    "threshold": ("generations", "batch", "seed", "runs", "thresholds", "noise"),
    "transfer": ("generations", "batch", "seed", "models", "train_epochs", "random_target"),
    "ensemble": ("generations", "batch", "seed", "members", "train_epochs", "mode"),
}


def run(args: argparse.Namespace) -> int:
    from ..core.attacks.experiments import ExperimentHooks, planned_generations
    from ..core.files import write_json
    from ..sessions.attack_session import AttackSession
    from .common import command_models, model_key, progress

    check_out_path(args.out)  # before minutes of work, not after
    # The Defences tab's session: the model from the cache, the same experiment runner.
    session = AttackSession(models=command_models(args), ten_crop=args.ten_crop)
    key = model_key(args)
    require_mnist(session.load(key).spec)
    settings = {name: getattr(args, name) for name in SETTINGS[args.experiment]}
    with progress(total=planned_generations(args.experiment, **settings),
                  desc=args.experiment, unit="gen", quiet=args.quiet) as bar:
        # The bar counts evolution generations, the bulk of every experiment; training
        # steps show beside it. Messages go above the bar, which stays at the bottom.
        def log(msg: str) -> None:
            if not args.quiet:
                bar.write(f"[{args.experiment}] {msg}", file=sys.stderr)

        training = []  # non-empty while a training note shows beside the bar

        def on_train_step(step: int, total: int) -> None:
            if step == total or step % 20 == 0:
                bar.set_postfix_str(f"training {step}/{total} steps")
                training[:] = [True]

        def on_generation(_stats) -> None:
            if training:
                bar.set_postfix_str("", refresh=False)
                training.clear()
            bar.update(1)

        hooks = ExperimentHooks(log=log, on_generation=on_generation,
                                on_train_step=on_train_step)
        result = session.experiment(key, args.experiment, settings, hooks)
    if args.out is not None:
        write_json(args.out, result)
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
    from ..core.attacks.experiments import require_mnist as check

    check(spec)


# -- tables ----------------------------------------------------------------------------
def _pct(x: float | None) -> str:
    from ..core.formatting import format_percent

    return f"{format_percent(x):>7}"


def _conf(x: float) -> str:
    from ..core.formatting import format_confidence

    return format_confidence(x)


def _gen(g) -> str:
    from ..core.formatting import format_generations

    return format_generations(g)


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
