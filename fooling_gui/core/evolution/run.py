"""The MAP-Elites loop: ask (parents → offspring), render, score, tell.

``EvolutionRun`` is driven one generation at a time by whoever owns it: the CLI in
a loop, the GUI worker between pause/stop checks, the kiosk at a visible pace.
:meth:`EvolutionRun.step` is ``ask`` → :meth:`~EvolutionRun.evaluate` → ``tell``, in
pyribs' style; the two halves refuse to be called out of order. Views read the run
through :meth:`EvolutionRun.frame`, which changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import numpy as np
import torch

from ..encodings import make_encoding
from ..encodings.base import Encoding
from ..errors import FoolingError
from ..images import quantize_, to_uint8
from .archive import EliteArchive
from .config import RunConfig
from .snapshot import FrameCursor, Snapshot
from .stats import GenerationStats

OFFSPRING_PREVIEW = 64  # offspring kept for the "current generation" view


def resolve_classes(classes: tuple[int, ...] | None, class_names: tuple[str, ...]) -> list[int]:
    """The cells' classes, checked against the model."""
    n = len(class_names)
    if classes is None:
        return list(range(n))
    bad = [c for c in classes if not 0 <= c < n]
    if bad:
        raise FoolingError(f"Class {bad[0]} does not exist: this model has classes 0 to {n - 1}.")
    return list(classes)


class EvolutionRun:
    """One seeded MAP-Elites run against one classifier.

    Args:
        config: what to run.
        classifier: anything with ``.spec`` (ModelSpec) and ``.probabilities(images,
            batch_size)``; loaded from ``config.model`` when omitted.
        encoding: overrides the encoding built from the config (tests, experiments).
        initial_genomes: start from mutants of these genomes instead of random ones
            ("evolve from this image"); generation 0 holds the genomes themselves
            followed by mutants of them, cycling through the list.
    """

    def __init__(self, config: RunConfig, classifier=None, encoding: Encoding | None = None,
                 initial_genomes: list | None = None):
        if classifier is None:
            from ..models import load_model

            classifier = load_model(config.model, device=config.device,
                                    random_init=config.random_init,
                                    ten_crop=config.uses_ten_crop)
        self.config = config
        self.classifier = classifier
        spec = classifier.spec
        self.spec = spec
        self.image_size = spec.image_size
        self.encoding = encoding or make_encoding(
            config.encoding, spec.channels, spec.image_size, device=config.device,
            **config.encoding_settings())
        self.rng = np.random.default_rng(config.seed)
        self._initial_genomes = list(initial_genomes) if initial_genomes else None
        self.archive = EliteArchive(resolve_classes(config.classes, spec.class_names),
                                    spec.class_names, (*spec.image_size, spec.channels))
        self.generation = -1  # the last generation evaluated; -1 before the random start
        self.evaluations = 0
        self.wall_seconds = 0.0
        self.history: list[GenerationStats] = []
        self._offspring: np.ndarray | None = np.zeros((0, *spec.image_size, spec.channels),
                                                      dtype=np.uint8)
        self._offspring_genomes_kept: list = []
        self._offspring_images_kept: torch.Tensor | None = None
        # Render only what the network sees, when that is a centre crop.
        self.render_window = getattr(classifier, "crop_window", None)
        self._offspring_best = np.zeros(0, dtype=np.float32)
        self._asked: list | None = None  # offspring asked for and not told yet
        self._asked_at = 0.0
        self.clock = None  # a StageClock while bench --split measures the stages
        # Scores offspring elsewhere when set (core.cluster: Ray actors): an object with
        # ``evaluate(genomes, archive) -> (probabilities, winner_images | None)``.
        self.evaluator = None

    @property
    def finished(self) -> bool:
        return self.generation >= self.config.generations

    # -- the loop --------------------------------------------------------------------
    def _offspring_genomes(self, generation: int) -> list:
        if generation == 0:
            if self._initial_genomes is None:
                return self.encoding.initial(self.config.batch, self.rng)
            seeds = self._initial_genomes
            n = self.config.batch
            kept = seeds[:n]
            parents = [seeds[i % len(seeds)] for i in range(n - len(kept))]
            # Mutants only: crossing a genome with itself would undo it (see sbx_crossover).
            return kept + (list(self.encoding.mutate(parents, self.rng, 0, recombine=False))
                           if parents else [])
        parents = self.archive.parent_genomes(self.config.batch, self.rng)
        return self.encoding.mutate(parents, self.rng, generation)

    def evaluate(self, genomes: list) -> tuple[torch.Tensor | None, np.ndarray]:
        """Render, round to 8 bits, score: ``(images, probabilities)`` (images None when
        only the crop was rendered: it is consumed by the scoring).

        When the classifier sees only a centre crop, only that crop is rendered (for
        AlexNet 224² of 256² pixels); :meth:`full_images` renders the whole image of the
        few winners. Either way the score is that of the saved 8-bit image.
        """
        window = self.render_window
        images = self.encoding.render(genomes, self.image_size, window=window)
        if not getattr(self.encoding, "renders_8bit", False):
            images = quantize_(images)
        if self.clock is not None:
            self.clock.lap("render")
        if window is None:
            probs = self.classifier.probabilities(images, batch_size=self.config.eval_batch)
        elif hasattr(self.classifier, "normalise_") and images.dtype == torch.float32:
            # Nothing keeps these crops (elites are drawn whole when looked at), so they
            # are normalised in place: the same scores, without two 240 MB temporaries.
            probs = self.classifier.probabilities(self.classifier.normalise_(images),
                                                  batch_size=self.config.eval_batch,
                                                  cropped=True, normalised=True)
            images = None
        else:
            probs = self.classifier.probabilities(images, batch_size=self.config.eval_batch,
                                                  cropped=True)
        probs = probs.numpy()
        if self.clock is not None:
            self.clock.lap("score")
        return images, probs

    def _draw_full(self, genomes: list) -> np.ndarray:
        """uint8 ``(k, H, W, C)`` images of ``genomes`` at the saved size."""
        with torch.inference_mode():
            return to_uint8(quantize_(self.encoding.render(genomes, self.image_size)))

    def ask(self) -> list:
        """The next generation's offspring (random genomes for generation 0).

        Raises:
            RuntimeError: the last offspring asked for were not told yet.
        """
        if self._asked is not None:
            raise RuntimeError("ask() was called again before tell(): score the offspring "
                               "asked for first.")
        self._asked_at = time.perf_counter()
        with torch.inference_mode():
            self._asked = self._offspring_genomes(self.generation + 1)
        return self._asked

    def tell(self, probabilities: np.ndarray, *,
             images: Callable[[np.ndarray], np.ndarray] | None = None,
             draw: Callable[[list], np.ndarray] | None = None) -> GenerationStats:
        """Offer the asked offspring's scores to the archive; ends the generation.

        Args:
            probabilities: ``(batch, n_classes)`` softmax of the asked offspring's 8-bit
                images, in the order asked.
            images: maps offspring rows to their uint8 images (only winners are asked);
            draw: or renders genomes as uint8 images, only when an image is looked at.
                Exactly one of the two (see :meth:`EliteArchive.tell`).

        Raises:
            RuntimeError: nothing was asked for.
        """
        if self._asked is None:
            raise RuntimeError("tell() was called without ask(): ask for offspring first.")
        genomes = self._asked
        generation = self.generation + 1
        with torch.inference_mode():
            improved = self.archive.tell(genomes, probabilities, generation,
                                         images=images, draw=draw)
        self._asked = None
        self.generation = generation
        self.evaluations += len(genomes)
        self.wall_seconds += time.perf_counter() - self._asked_at
        stats = GenerationStats.of(self.archive.confidences, generation, self.evaluations,
                                   self.wall_seconds, int(improved.size))
        self.history.append(stats)
        return stats

    def step(self) -> GenerationStats:
        """Run one generation (the random start when nothing is evaluated yet)."""
        clock = self.clock
        if clock is not None:
            clock.start()
            if hasattr(self.encoding, "clock"):
                self.encoding.clock = clock  # it reads off the plan's share of render
        genomes = self.ask()
        if clock is not None:
            clock.lap("ask")
        try:
            with torch.inference_mode():
                if self.evaluator is None:
                    images, probs = self.evaluate(genomes)
                    winners = None if self.render_window is not None else (
                        lambda rows: to_uint8(images[torch.as_tensor(rows)]))
                else:  # scored elsewhere: only the images of rows that may win come back
                    images = None
                    probs, winners = self.evaluator.evaluate(genomes, self.archive)
        except BaseException:
            # Stopped (or failed) mid-generation: the next step asks anew, from the
            # generator as it is now, as a run saved at this point would on resuming.
            self._asked = None
            raise
        if winners is not None:
            stats = self.tell(probs, images=winners)
        else:  # only the crop was rendered: draw whole elites when they are looked at
            stats = self.tell(probs, draw=self._draw_full)
        k = min(OFFSPRING_PREVIEW, len(genomes))
        # Converted (or re-rendered) only when a frame asks for them.
        self._offspring = None
        self._offspring_genomes_kept = genomes[:k]
        self._offspring_images_kept = images[:k] if images is not None and winners else None
        self._offspring_best = probs[:k][:, self.archive.class_indices].max(axis=1)
        if clock is not None:
            clock.lap("tell")
        return stats

    def iterate(self) -> Iterator[GenerationStats]:
        """Yield after each generation until the configured budget is reached."""
        while not self.finished:
            yield self.step()

    def run(self, on_generation: Callable[[GenerationStats], None] | None = None) -> GenerationStats:
        """Run to the end; returns the last generation's stats."""
        stats = self.history[-1] if self.history else None
        for stats in self.iterate():
            if on_generation is not None:
                on_generation(stats)
        if stats is None:
            raise FoolingError("Nothing to run: the run already reached its generation budget.")
        return stats

    def extend(self, generations: int) -> None:
        """Raise the generation budget (to continue a finished or resumed run)."""
        cfg = self.config.to_dict()
        cfg["generations"] = generations
        self.config = RunConfig.from_dict(cfg)

    def settings(self) -> dict:
        """Every setting as this run really uses it (provenance): the preset, how the
        classifier crops, and the encoding's parameters."""
        spec = self.spec
        if tuple(spec.image_size) == tuple(getattr(spec, "input_size", spec.image_size)):
            crops = "whole"  # the network sees the whole image: nothing to crop
        else:
            crops = "ten" if getattr(spec, "ten_crop", False) else "centre"
        params = dict(self.encoding.config().get("params", {}))
        return {"preset": self.config.preset, "encoding": self.config.encoding,
                "crops": crops, **params}

    # -- views -----------------------------------------------------------------------
    def _offspring_preview(self) -> np.ndarray:
        if self._offspring is None:
            if self._offspring_images_kept is not None:
                self._offspring = to_uint8(self._offspring_images_kept)
            else:
                self._offspring = self._draw_full(self._offspring_genomes_kept)
        return self._offspring.copy()

    def _no_offspring(self) -> np.ndarray:
        return np.zeros((0, *self.spec.image_size, self.spec.channels), dtype=np.uint8)

    @property
    def cursor(self) -> FrameCursor:
        """Where the run stands now, as a frame's ``since``."""
        return FrameCursor(self.archive.version, len(self.history))

    def frame(self, since: FrameCursor | None = None, offspring: bool = True) -> Snapshot:
        """What changed since ``since`` (None: everything), as a frozen frame.

        Only reads: the run goes on exactly as without it, and two calls with the same
        ``since`` return the same frame. Elites told with ``draw`` are not drawn here
        (:meth:`EliteArchive.draw_pending` does that); an undrawn elite's image comes
        in the first frame after it was drawn.

        Args:
            since: the ``cursor`` of the consumer's last frame.
            offspring: include the latest offspring (for AlexNet that re-renders 64
                whole images, about half a second on a CPU); without, they are empty.
        """
        a = self.archive
        improved, image_cells = a.changed_since(None if since is None else since.archive_version)
        start = 0 if since is None else min(since.history_length, len(self.history))
        return Snapshot(
            since=since,
            cursor=self.cursor,
            model_label=self.spec.label,
            encoding=self.config.encoding,
            generation=self.generation,
            evaluations=self.evaluations,
            wall_seconds=self.wall_seconds,
            evals_per_second=self.evaluations / self.wall_seconds if self.wall_seconds else 0.0,
            class_indices=a.class_indices.copy(),
            class_names=tuple(a.class_names[k] for k in a.class_indices),
            confidences=a.confidences.copy(),
            elite_generations=a.generations.copy(),
            image_cells=image_cells,
            images=a.images_of(image_cells),
            improved=improved,
            pending_images=a.pending,
            new_stats=tuple(self.history[start:]),
            offspring=self._offspring_preview() if offspring else self._no_offspring(),
            offspring_best=self._offspring_best.copy() if offspring else np.zeros(0, np.float32),
            finished=self.finished,
        )
