"""The five defence experiments as whole runs: fooling images in, a JSON-ready dict out.

Shared by ``fooling-gui experiment …`` (which prints the dict as a table) and the
Defences pane (which draws it). Each runner takes the unprotected MNIST classifier,
its settings as keywords and :class:`ExperimentHooks` for progress messages and per
generation / per training step callbacks; an exception raised by a hook (a cancelled
GUI job) ends the experiment.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import FoolingError
from ..formatting import format_confidence, format_generations, format_percent

EXPERIMENTS = ("retrain", "smoothing", "threshold", "transfer", "ensemble")


def _ignore(_message: str) -> None:
    return None


@dataclass(frozen=True)
class ExperimentHooks:
    """Callbacks an experiment makes while it runs (all optional).

    Attributes:
        log: one progress sentence ("trained lenet-seed1 (3 epochs, 9 s)").
        on_generation: after every evolution generation, with its stats.
        on_train_step: ``(step, total)`` after every optimiser step of a training.
    """

    log: Callable[[str], None] = _ignore
    on_generation: Callable[[object], None] | None = None
    on_train_step: Callable[[int, int], None] | None = None


def require_mnist(spec) -> None:
    """FoolingError unless ``spec`` is a 10-class 28×28 grey model."""
    if spec.channels != 1 or spec.image_size != (28, 28) or spec.n_classes != 10:
        raise FoolingError(f"The experiments use MNIST digits; {spec.label} is not a "
                           "10-class 28×28 grey model (try --model lenet).")


def planned_generations(experiment: str, *, generations: int, runs: int = 3,
                        settings: Sequence[float] | None = None, kind: str = "gaussian",
                        adaptive_generations: int = 0, rounds: int = 3, models: int = 2,
                        mode: str = "both", **_ignored) -> int:
    """How many evolution generations ``experiment`` runs in all (for a progress bar):
    each run evaluates its random generation 0 and then ``generations`` more."""
    per_run = generations + 1
    if experiment == "threshold":
        return runs * per_run
    if experiment == "smoothing":
        n_settings = len(settings if settings else default_smoothing(kind))
        return runs * per_run + (n_settings * (adaptive_generations + 1)
                                 if adaptive_generations else 0)
    if experiment == "transfer":
        return (1 + models) * per_run
    if experiment == "ensemble":
        return (1 + (2 if mode == "both" else 1)) * per_run
    if experiment == "retrain":
        return (rounds + 1) * per_run
    raise FoolingError(f"Unknown experiment {experiment!r}.")


def default_smoothing(kind: str) -> list[float]:
    return [0, 0.5, 1, 1.5, 2] if kind == "gaussian" else [1, 3, 5]


# -- building blocks -------------------------------------------------------------------
def fooling_images(classifier, *, runs: int, generations: int, batch: int, seed: int,
                   hooks: ExperimentHooks):
    """Final elites of ``runs`` evolution runs (seeds ``seed``, ``seed + 1``, …):
    ``(images uint8, classes, run summaries)``."""
    from .evolved import evolve_against

    images, classes, summaries = [], [], []
    for k in range(runs):
        evo = evolve_against(classifier, generations=generations, batch=batch, seed=seed + k,
                             on_generation=hooks.on_generation)
        hooks.log(f"run {k + 1}/{runs}: median {format_confidence(evo.median_confidence)} after "
                  f"{evo.generations} generations ({evo.wall_seconds:.0f} s)")
        images.append(evo.images[evo.filled])
        classes.append(evo.class_indices[evo.filled])
        s = evo.summary()
        s.pop("per_class")
        summaries.append(s)
    return np.concatenate(images), np.concatenate(classes), summaries


def extra_lenets(n: int, epochs: int, device: str, hooks: ExperimentHooks) -> list:
    """``n`` LeNets trained here with seeds 1 … n."""
    from .training import digit_split, quick_lenet

    split = digit_split()
    models = []
    for seed in range(1, n + 1):
        hooks.log(f"training lenet-seed{seed} ({epochs} epochs)…")
        t = time.perf_counter()
        models.append(quick_lenet(split, seed=seed, epochs=epochs, device=device,
                                  on_step=hooks.on_train_step))
        hooks.log(f"trained lenet-seed{seed} ({epochs} epochs, {time.perf_counter() - t:.0f} s)")
    return models


def clean_accuracy(model) -> float:
    """Top-1 accuracy on the 1,000 shipped held-out digits."""
    from ..datasets import mnist_sample
    from .training import accuracy

    images, labels = mnist_sample()
    return accuracy(model, images, labels)


# -- the experiments -------------------------------------------------------------------
def run_retrain(classifier, *, generations: int = 200, batch: int = 200, seed: int = 0,
                rounds: int = 3, epochs: int = 3, max_fooling: int = 1000,
                collect_above: float = 0.99, hooks: ExperimentHooks = ExperimentHooks()
                ) -> dict:
    """The paper's n+1 experiment (see :func:`retrain_experiment`)."""
    from ..models.lenet import LeNet
    from .retrain import retrain_experiment
    from .training import digit_split

    if not isinstance(classifier.module, LeNet):
        raise FoolingError("Retraining grows LeNet by one output; use --model lenet.")
    rows = retrain_experiment(
        classifier, digit_split(), rounds=rounds, generations=generations, batch=batch,
        epochs=epochs, seed=seed, collect_above=collect_above,
        max_fooling_per_round=max_fooling, device=str(classifier.device),
        on_round=lambda r: hooks.log(
            f"round {r.round}: {r.classes_at_99}/10 digits reached 99 % (median generations "
            f"to 99 %: {format_generations(r.median_generations_to_99)}), "
            f"{r.classes_at_9999}/10 reached 99.99 %, clean accuracy "
            f"{format_percent(r.clean_accuracy)}"),
        on_generation=hooks.on_generation, on_train_step=hooks.on_train_step)
    return {"rounds": [r.to_dict() for r in rows], "epochs": epochs,
            "max_fooling_per_round": max_fooling, "collect_above": collect_above}


def run_smoothing(classifier, *, generations: int = 100, batch: int = 200, seed: int = 0,
                  runs: int = 3, kind: str = "gaussian",
                  settings: Sequence[float] | None = None, adaptive_generations: int = 50,
                  hooks: ExperimentHooks = ExperimentHooks()) -> dict:
    """Blur / median filter before classifying (see :func:`measure_smoothing`)."""
    from ..datasets import mnist_sample
    from .smoothing import measure_smoothing

    settings = list(settings) if settings else default_smoothing(kind)
    images, classes, summaries = fooling_images(classifier, runs=runs, generations=generations,
                                                batch=batch, seed=seed, hooks=hooks)
    digits, labels = mnist_sample()
    if adaptive_generations:
        hooks.log(f"evolving against each of {len(settings)} smoothed models…")
    rows = measure_smoothing(classifier, images, classes, digits, labels, settings, kind=kind,
                             adaptive_generations=adaptive_generations, batch=batch, seed=seed,
                             on_generation=hooks.on_generation)
    return {"kind": kind, "fooling_images": len(images), "evolution_runs": summaries,
            "adaptive_generations": adaptive_generations,
            "rows": [r.to_dict() for r in rows]}


def run_threshold(classifier, *, generations: int = 100, batch: int = 200, seed: int = 0,
                  runs: int = 3, thresholds: Sequence[float] | None = None, noise: int = 500,
                  hooks: ExperimentHooks = ExperimentHooks()) -> dict:
    """A "none of these" threshold (see :func:`threshold_table`)."""
    from ..datasets import mnist_sample
    from ..images import from_uint8
    from .threshold import DEFAULT_THRESHOLDS, threshold_table

    images, _, summaries = fooling_images(classifier, runs=runs, generations=generations,
                                          batch=batch, seed=seed, hooks=hooks)
    digits, labels = mnist_sample()
    rng = np.random.default_rng(seed)
    noise_images = rng.integers(0, 256, size=(noise, 28, 28, 1), dtype=np.uint8)

    def probs(x):
        return classifier.probabilities(from_uint8(x), batch_size=500).numpy()

    rows = threshold_table(probs(images), probs(digits), labels,
                           thresholds or DEFAULT_THRESHOLDS,
                           probs(noise_images) if noise else None)
    return {"fooling_images": len(images), "real_images": len(digits),
            "noise_images": noise, "evolution_runs": summaries,
            "rows": [r.to_dict() for r in rows]}


def run_transfer(classifier, *, generations: int = 100, batch: int = 200, seed: int = 0,
                 models: int = 2, train_epochs: int = 3, random_target: bool = False,
                 hooks: ExperimentHooks = ExperimentHooks()) -> dict:
    """Images evolved against each LeNet, scored on all (see :func:`transfer_experiment`)."""
    from ..models.classifier import Classifier
    from ..models.lenet import lenet_spec, seeded_lenet
    from .transfer import transfer_experiment

    members = [classifier, *extra_lenets(models, train_epochs, str(classifier.device), hooks)]
    extra = []
    if random_target:
        extra.append(Classifier(seeded_lenet(seed + 1000),
                                lenet_spec(name="lenet-random", random_init=True),
                                device=classifier.device))
    hooks.log(f"evolving against {len(members)} models…")
    matrix, summaries = transfer_experiment(members, generations=generations, batch=batch,
                                            seeds=(seed,), extra_targets=extra,
                                            on_generation=hooks.on_generation)
    return {"clean_accuracy": {m.spec.label: clean_accuracy(m) for m in [*members, *extra]},
            "matrix": matrix.to_dict(), "evolution_runs": summaries,
            "train_epochs": train_epochs}


def run_ensemble(classifier, *, generations: int = 100, batch: int = 200, seed: int = 0,
                 members: int = 3, train_epochs: int = 3, mode: str = "both",
                 hooks: ExperimentHooks = ExperimentHooks()) -> dict:
    """One LeNet versus a committee of LeNets (see :func:`compare_ensemble`)."""
    from .ensemble import EnsembleClassifier, compare_ensemble

    models = [classifier, *extra_lenets(members - 1, train_epochs, str(classifier.device),
                                        hooks)]
    modes = ("mean", "min") if mode == "both" else (mode,)
    out = {"members": [m.spec.label for m in models],
           "clean_accuracy": {m.spec.label: clean_accuracy(m) for m in models},
           "train_epochs": train_epochs, "comparisons": []}
    single = None
    for m in modes:
        hooks.log(f"evolving against the {m} ensemble…" if single else
                  f"evolving against {models[0].spec.label} alone and the {m} ensemble…")
        cmp = compare_ensemble(models, mode=m, generations=generations, batch=batch, seed=seed,
                               single=single, on_generation=hooks.on_generation)
        single = cmp.single
        out["clean_accuracy"][f"ensemble-{m}"] = clean_accuracy(EnsembleClassifier(models, mode=m))
        out["comparisons"].append(cmp.to_dict())
    return out


RUNNERS: dict[str, Callable[..., dict]] = {
    "retrain": run_retrain, "smoothing": run_smoothing, "threshold": run_threshold,
    "transfer": run_transfer, "ensemble": run_ensemble}


def run_experiment(experiment: str, classifier, *, hooks: ExperimentHooks = ExperimentHooks(),
                   **settings) -> dict:
    """Run one experiment; the dict carries its name, model and settings, the results
    and the wall time (what ``fooling-gui experiment … --json`` prints)."""
    if experiment not in RUNNERS:
        raise FoolingError(f"Unknown experiment {experiment!r}.")
    require_mnist(classifier.spec)
    start = time.perf_counter()
    result = RUNNERS[experiment](classifier, hooks=hooks, **settings)
    return {"experiment": experiment, "model": classifier.spec.label,
            "seed": settings.get("seed", 0), "generations": settings["generations"],
            "batch": settings.get("batch", 200), **result,
            "wall_seconds": round(time.perf_counter() - start, 1)}
