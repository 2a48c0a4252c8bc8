"""``evolve --ray``: one run whose generations are rendered and scored by Ray actors.

The driver keeps what makes a run a run: the one random generator, asking (parents →
offspring) and telling (the archive). Each generation's offspring leave in chunks of
the run's ``eval_batch``; an actor holds the model, renders and scores its chunk with
:meth:`EvolutionRun.evaluate` — the code a single-process run uses — and returns the
chunk's probabilities and the images of the few rows that beat an elite.

What is guaranteed: the genomes (asked on the driver from the run's one generator),
the chunks (``eval_batch`` offspring each, in order) and the code that renders and
scores a chunk are those of ``evolve`` with the same seed and ``--eval-batch``; the
renderer gives a genome the same bits in any batch. So the archive after every
generation is bit for bit the single-process run's wherever each chunk's forward pass
gives the same floats there as here: the same torch build, the same kind of CPU and the
same torch threads per forward pass (a network's floats change with the thread count;
actors use ``--worker-threads``, 1 by default, so compare with ``OMP_NUM_THREADS=1``).
"""

from __future__ import annotations

import numpy as np
import torch

from ..errors import FoolingError
from ..evolution.config import RunConfig
from ..images import to_uint8


def candidate_rows(probabilities: np.ndarray, class_indices: np.ndarray,
                   confidences: np.ndarray) -> np.ndarray:
    """Rows of one chunk that may win a cell: for each cell, the chunk's first best row
    when it beats the cell's elite. A row that wins a cell over the whole generation is
    its chunk's first best for that cell too, so the winners are among these."""
    per_cell = probabilities[:, class_indices]
    best_row = per_cell.argmax(axis=0)
    best = per_cell[best_row, np.arange(per_cell.shape[1])]
    return np.unique(best_row[best > confidences])


class ChunkScorer:
    """A Ray actor's body: one loaded model that scores chunks of offspring."""

    def __init__(self, config: dict, threads: int):
        from ..evolution.run import EvolutionRun

        torch.set_num_threads(threads)
        self.run = EvolutionRun(RunConfig.from_dict(config))

    def ready(self) -> int:
        return torch.get_num_threads()

    def score(self, genomes, class_indices: np.ndarray, confidences: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """``(probabilities, candidate rows, their uint8 images)`` of one chunk; no
        images when only the network's crop was rendered (the driver draws those
        lazily, as a single-process run does)."""
        with torch.inference_mode():
            images, probs = self.run.evaluate(genomes)
            rows = candidate_rows(probs, class_indices, confidences)
            if images is None or self.run.render_window is not None:
                return probs, rows, None
            return probs, rows, to_uint8(images[torch.as_tensor(rows, dtype=torch.long)])


def _portable(chunk):
    """A chunk that pickles as itself only: a slice of a direct population is a view
    of the whole generation's tensor, which would travel whole."""
    pixels = getattr(chunk, "pixels", None)
    if isinstance(pixels, torch.Tensor):
        return type(chunk)(pixels.clone())
    return chunk


class RayChunkEvaluator:
    """Scores a run's offspring on Ray actors (set as ``EvolutionRun.evaluator``).

    Args:
        ray: the joined ``ray`` module (see :func:`.ray_runtime.connect`).
        config: the run's configuration; its ``eval_batch`` is the chunk size.
        workers: actors, each holding the model (spread over the nodes).
        threads: torch threads (and Ray CPUs) per actor.
    """

    def __init__(self, ray, config: RunConfig, workers: int, threads: int = 1):
        if config.eval_batch is None:
            raise FoolingError("A distributed run needs a chunk size (--eval-batch).")
        if torch.device(config.device).type != "cpu":
            raise FoolingError("--ray spreads a run over CPU workers; use --device cpu with it.")
        self.ray = ray
        self.chunk = config.eval_batch
        actor = ray.remote(num_cpus=threads)(ChunkScorer)
        self.actors = [actor.options(scheduling_strategy="SPREAD").remote(config.to_dict(),
                                                                           threads)
                       for _ in range(max(1, workers))]
        self._get([a.ready.remote() for a in self.actors])  # model errors surface here

    def evaluate(self, genomes, archive) -> tuple[np.ndarray, object]:
        """``(probabilities (B, n_classes), winner images)`` for ``genomes``; the second
        maps the archive's winning rows to uint8 images, or is None (crop runs)."""
        class_indices, confidences = archive.class_indices, archive.confidences.copy()
        starts = range(0, len(genomes), self.chunk)
        refs = [self.actors[i % len(self.actors)].score.remote(
                    _portable(genomes[s:s + self.chunk]), class_indices, confidences)
                for i, s in enumerate(starts)]
        results = self._get(refs)
        probs = np.concatenate([r[0] for r in results]) if results else \
            np.zeros((0, len(archive.class_names)), np.float32)
        if any(r[2] is None for r in results):
            return probs, None
        images = {int(s + row): image for s, (_, rows, imgs) in zip(starts, results)
                  for row, image in zip(rows, imgs)}
        return probs, lambda rows: np.stack([images[int(r)] for r in rows])

    def _get(self, refs):
        from .ray_runtime import remote_error

        try:
            return self.ray.get(refs)
        except Exception as exc:  # noqa: BLE001 — a worker's failure, said in one sentence
            raise remote_error(exc) from None

    def close(self) -> None:
        """Let the actors go (their cores return to the cluster)."""
        for a in self.actors:
            self.ray.kill(a)
        self.actors = []


def distribute(run, address: str | None = None, workers: int | None = None,
               threads: int = 1) -> RayChunkEvaluator:
    """Join Ray and let actors score ``run``'s offspring from its next generation on.

    Without an ``eval_batch`` the run's chunks become ``ceil(batch / workers)``
    offspring (one chunk per actor and generation); it is recorded in the run's
    config, so ``evolve --eval-batch`` with that number reproduces the run in one
    process. Returns the evaluator (``close()`` it when done).
    """
    from .ray_runtime import cluster_cpus, connect

    ray = connect(address)
    if workers is None:
        workers = max(1, cluster_cpus(ray) // max(1, threads))
    if run.config.eval_batch is None:
        cfg = run.config.to_dict()
        cfg["eval_batch"] = -(-run.config.batch // workers)
        run.config = RunConfig.from_dict(cfg)
    run.evaluator = RayChunkEvaluator(ray, run.config, workers, threads)
    return run.evaluator
