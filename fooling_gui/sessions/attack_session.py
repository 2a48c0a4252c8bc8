"""What the Adversarial and Defences worker threads own and send back. No Qt here.

:class:`AttackSession` gets its model from the shared model cache; the panes submit its
methods as jobs to their own :class:`~fooling_gui.ui.job_thread.JobRunner`. Attacks
return a frozen :class:`AttackView` whose pictures are ready-to-draw uint8 arrays and
whose caption says in plain words what happened. Experiments report :class:`ExperimentProgress`
through ``control.publish`` and return the core's JSON-ready dict.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core.attacks.pictures import bar_rows, perturbation_picture
from ..core.errors import FoolingError
from ..core.formatting import format_confidence
from .model_cache import ModelKey, TabSession


@dataclass(frozen=True)
class AttackModel:
    """A loaded model as the Adversarial pane needs it.

    Attributes:
        key: ``(name, random_init)``; ``spec``: its spec; ``digits``: the shipped MNIST
            digits fit it; :attr:`photos`: the shipped photographs do.
    """

    key: ModelKey
    spec: object
    digits: bool

    @property
    def photos(self) -> bool:
        """The shipped colour photographs fit it (ImageNet-style models)."""
        return self.spec.channels == 3

    @property
    def label(self) -> str:
        return self.spec.label


@dataclass(frozen=True)
class AttackInput:
    """An image to attack at the model's size: ``(H, W, C)`` uint8, where it came from,
    and its true label when known (shipped digits)."""

    image: np.ndarray
    source: str
    label: int | None


@dataclass(frozen=True)
class AttackRequest:
    """One attack: ``method`` ``"fgsm"`` or ``"pgd"``, the L∞ budget, a target class
    (``None``: untargeted; one image's, see :meth:`AttackSession.attack`) and PGD's
    steps, step size (None: ``2.5 * epsilon / steps``) and random start (drawn with
    ``seed``)."""

    method: str
    epsilon: float
    target: int | None = None
    steps: int = 20
    step_size: float | None = None
    random_start: bool = False
    seed: int = 0


@dataclass(frozen=True)
class AttackView:
    """An attack's outcome, ready to draw.

    Attributes:
        request: what was asked; ``source``: the image's origin in words.
        original, adversarial: ``(H, W, C)`` uint8.
        perturbation: ``(H, W, 3)`` uint8, the change stretched so ±epsilon spans the
            colour map (blue darker, black unchanged, orange brighter).
        before, after: ``(index, name, probability)`` bar rows.
        label, predicted: class before, class after; ``success``: the attack worked.
        max_change: largest pixel change in [0, 1] units; ``caption``: plain words.
    """

    request: AttackRequest
    source: str
    original: np.ndarray
    adversarial: np.ndarray
    perturbation: np.ndarray
    before: tuple[tuple[int, str, float], ...]
    after: tuple[tuple[int, str, float], ...]
    label: int
    predicted: int
    success: bool
    max_change: float
    caption: str


@dataclass(frozen=True)
class AttackProgress:
    """PGD steps done so far (sent while a long attack runs)."""

    done: int
    total: int


@dataclass(frozen=True)
class ExperimentProgress:
    """How far an experiment is: generations evolved of those planned, the training
    step when one runs, and the latest message."""

    generations: int
    planned: int
    message: str
    train_step: int = 0
    train_total: int = 0

    @property
    def fraction(self) -> float:
        return min(self.generations / self.planned, 1.0) if self.planned else 0.0


def attack_caption(view_label: str, before_p: float, after_name: str, after_p: float,
                   max_change: float, request: AttackRequest, target_name: str | None,
                   success: bool) -> str:
    """One or two plain sentences: how big the push was and what the network says now."""
    levels = round(max_change * 255)
    shown = f"{max_change:.2f}" if max_change >= 0.05 else f"{max_change:.3f}"  # 2/255: 0.008
    how = (f"Changed each pixel by at most {shown} ({levels} of 255 brightness "
           f"levels)")
    said = f"it said {view_label} at {format_confidence(before_p)}"
    if request.target is not None and success:
        return (f"{how} — the network now says {after_name} at {format_confidence(after_p)}, "
                f"the class we pushed it towards ({said}).")
    if request.target is not None:
        return (f"{how} — not enough to make it say {target_name}: it says {after_name} at "
                f"{format_confidence(after_p)} ({said}). Raise ε or the steps.")
    if success:
        return (f"{how} — the network now says {after_name} at {format_confidence(after_p)} "
                f"({said}).")
    return (f"{how} — the network still says {after_name} at {format_confidence(after_p)} "
            f"({said}). Raise ε.")


class AttackSession(TabSession):
    """The job functions of the Adversarial and Defences tabs; used only by the worker
    thread (arguments: see :class:`.model_cache.TabSession`)."""

    def load(self, key: ModelKey) -> AttackModel:
        """A job: load the model."""
        spec = self.classifier(key).spec
        digits = spec.channels == 1 and tuple(spec.image_size) == (28, 28) and spec.n_classes >= 10
        return AttackModel(key, spec, digits)

    # -- inputs --------------------------------------------------------------------
    def digit(self, key: ModelKey, label: int, index: int) -> AttackInput:
        """A job: one of the shipped held-out MNIST digits."""
        from ..core.datasets import example_digit

        spec = self.classifier(key).spec
        if spec.channels != 1 or tuple(spec.image_size) != (28, 28):
            raise FoolingError(f"The shipped digits fit MNIST models only; open an image "
                               f"for {spec.label}.")
        return AttackInput(example_digit(label, index), f"handwritten {label} (sample #{index})",
                           int(label))

    def photo(self, key: ModelKey, photo_key: str) -> AttackInput:
        """A job: one of the shipped photographs, fitted to the model's image size."""
        from ..core.attacks.inputs import fit_to_model
        from ..core.photos import photo

        spec = self.classifier(key).spec
        if spec.channels != 3:
            raise FoolingError(f"The shipped photos are colour pictures; {spec.label} reads "
                               "grey digits.")
        shown = photo(photo_key)
        return AttackInput(fit_to_model(shown.load(), spec), f"photo: {shown.subject}", None)

    def file(self, key: ModelKey, path: str | Path) -> AttackInput:
        """A job: an image file, resized to the model's input."""
        from ..core.attacks.inputs import load_for_model

        spec = self.classifier(key).spec
        return AttackInput(load_for_model(path, spec), Path(path).name, None)

    # -- the attack ----------------------------------------------------------------
    def attack(self, control, key: ModelKey, item: AttackInput,
               request: AttackRequest) -> AttackView:
        """A job: run FGSM or PGD on one image. PGD reports :class:`AttackProgress`
        and stops within one step when the job is stopped."""
        result = self.attack_images(control, key, item.image[None], request,
                                    labels=item.label, targets=request.target)
        return self.view(result, item, request)

    def attack_images(self, control, key: ModelKey, images: np.ndarray,
                      request: AttackRequest, labels=None, targets=None):
        """FGSM or PGD on a batch of images (``fooling-gui attack``; one image for the
        Adversarial tab). With a job's ``control``, PGD reports :class:`AttackProgress`
        and stops within one step when the job is stopped.

        Args:
            images: ``(N, H, W, C)`` uint8 at the model's image size.
            labels: true classes (a class, one per image, or None: the model's answer).
            targets: classes to push towards (a class, one per image, or None:
                untargeted); ``request.target`` is not read here.

        Returns:
            The core's :class:`~fooling_gui.core.attacks.AttackResult`.
        """
        from ..core.attacks import fgsm, pgd

        classifier = self.classifier(key)
        if request.method == "fgsm":
            return fgsm(classifier, images, epsilon=request.epsilon, labels=labels,
                        targets=targets)

        def progress(done: int, total: int) -> None:
            control.checkpoint()  # raises JobStopped: the newer request wins
            control.publish(AttackProgress(done, total))

        return pgd(classifier, images, epsilon=request.epsilon, labels=labels, targets=targets,
                   steps=request.steps, step_size=request.step_size,
                   random_start=request.random_start, seed=request.seed,
                   progress=None if control is None else progress)

    # -- defence experiments --------------------------------------------------------
    def experiment(self, key: ModelKey, experiment: str, settings: dict, hooks=None) -> dict:
        """One defence experiment on the model ``key`` names (the Defences tab's job, see
        :func:`run_experiment_job`, and ``fooling-gui experiment``).

        Args:
            experiment: ``"retrain"``, ``"smoothing"``, ``"threshold"``, ``"transfer"``
                or ``"ensemble"``.
            settings: its keyword arguments (see
                :func:`~fooling_gui.core.attacks.experiments.run_experiment`).
            hooks: progress callbacks (an
                :class:`~fooling_gui.core.attacks.experiments.ExperimentHooks`).

        Returns:
            The core's JSON-ready result.
        """
        from ..core.attacks.experiments import ExperimentHooks, run_experiment

        return run_experiment(experiment, self.classifier(key),
                              hooks=hooks or ExperimentHooks(), **settings)

    @staticmethod
    def view(result, item: AttackInput, request: AttackRequest) -> AttackView:
        """Freeze one image's :class:`~fooling_gui.core.attacks.AttackResult` for drawing."""
        names = result.class_names
        before_p, after_p = result.probs_before[0], result.probs_after[0]
        label, predicted = int(result.labels[0]), int(after_p.argmax())
        max_change = float(result.linf_per_image[0])
        target_name = None if request.target is None else names[request.target]
        success = bool(result.success[0])
        caption = attack_caption(names[label], float(before_p[label]), names[predicted],
                                 float(after_p[predicted]), max_change, request, target_name,
                                 success)
        return AttackView(request, item.source, result.original[0], result.adversarial[0],
                          perturbation_picture(result.perturbation[0], request.epsilon),
                          bar_rows(before_p, names), bar_rows(after_p, names), label,
                          predicted, success, max_change, caption)


def run_experiment_job(control, session: AttackSession, key: ModelKey, experiment: str,
                       settings: dict) -> dict:
    """A job: one defence experiment, publishing :class:`ExperimentProgress`; a stop
    takes effect within one generation or one training step."""
    from ..core.attacks.experiments import ExperimentHooks, planned_generations

    planned = planned_generations(experiment, **settings)
    state = {"generations": 0, "message": "starting…", "step": 0, "total": 0}

    def send() -> None:
        control.publish(ExperimentProgress(state["generations"], planned, state["message"],
                                           state["step"], state["total"]))

    def log(message: str) -> None:
        state["message"] = message
        send()

    def on_generation(_stats) -> None:
        control.checkpoint()
        state["generations"] += 1
        state["step"] = state["total"] = 0
        if control.emit_due():
            send()

    def on_train_step(step: int, total: int) -> None:
        control.checkpoint()
        state["step"], state["total"] = step, total
        if control.emit_due():
            send()

    hooks = ExperimentHooks(log=log, on_generation=on_generation, on_train_step=on_train_step)
    return session.experiment(key, experiment, settings, hooks)
