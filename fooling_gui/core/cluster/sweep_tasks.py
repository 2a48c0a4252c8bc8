"""What a sweep's Ray tasks do on the workers: evolve one run, or score finished runs'
elites on one model. Plain functions (the driver wraps them with ``ray.remote``), so
they run the same without Ray.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from ..evolution.archive import Elite
from ..gallery.export import Provenance

REPORT_EVERY_S = 0.5  # progress messages per run at most this often


@dataclass(frozen=True)
class RunResult:
    """What a finished run sends back: the driver writes its gallery."""

    run_id: str
    provenance: Provenance
    elites: tuple[Elite, ...]
    encoding_config: dict
    node: str


def execute_run(config: dict, run_id: str, threads: int, board=None) -> RunResult:
    """Evolve one run to its budget, with ``threads`` torch threads.

    ``board`` (a progress actor, optional) hears ``(run_id, generations done)`` every
    half second and at the end.
    """
    from ..evolution.config import RunConfig
    from ..evolution.run import EvolutionRun
    from ..memory_guard import check_run_memory
    from ..models import load_model

    torch.set_num_threads(max(1, int(threads)))
    config = RunConfig.from_dict(config)
    classifier = load_model(config.model, device=config.device,
                            random_init=config.random_init, ten_crop=config.uses_ten_crop)
    check_run_memory(classifier, config, batch_flag="batch", classes_flag="classes")
    evo = EvolutionRun(config, classifier=classifier)
    last = time.monotonic()
    for _ in evo.iterate():
        if board is not None and time.monotonic() - last >= REPORT_EVERY_S:
            board.report.remote(run_id, evo.generation + 1)
            last = time.monotonic()
    if board is not None:
        board.report.remote(run_id, evo.generation + 1)
    return RunResult(run_id, Provenance.of_run(evo), tuple(evo.archive.elites()),
                     evo.encoding.config(), _node_name())


def score_on_model(model: str, random_init: bool, device: str, threads: int,
                   galleries: dict[str, tuple[np.ndarray, np.ndarray, bool]]
                   ) -> dict[str, dict]:
    """Score finished runs' elites on one model (a column of the transfer matrix).

    Args:
        galleries: run id → ``(uint8 images (N, H, W, C), class indices (N,), ten crops)``;
            each run is scored the way its own model scored it (ten crops or the centre).

    Returns:
        run id → ``{"mean_confidence", "at_99", "top1", "n_images"}``.
    """
    from ..attacks.transfer import transfer_matrix
    from ..models import load_model

    torch.set_num_threads(max(1, int(threads)))
    out: dict[str, dict] = {}
    for ten in sorted({g[2] for g in galleries.values()}):
        classifier = load_model(model, device=device, random_init=random_init, ten_crop=ten)
        part = {k: (g[0], g[1]) for k, g in galleries.items() if g[2] == ten}
        matrix = transfer_matrix(part, {model: classifier}, batch_size=64)
        for i, run_id in enumerate(matrix.sources):
            out[run_id] = {"mean_confidence": float(matrix.mean_confidence[i, 0]),
                           "at_99": float(matrix.at_99[i, 0]), "top1": float(matrix.top1[i, 0]),
                           "n_images": int(matrix.n_images[i])}
    return out


class ProgressBoard:
    """A Ray actor's body: the generations each run has done, for the sweep's progress."""

    def __init__(self):
        self.done: dict[str, int] = {}

    def report(self, run_id: str, generations: int) -> None:
        self.done[run_id] = generations

    def read(self) -> dict[str, int]:
        return dict(self.done)


def _node_name() -> str:
    try:
        import ray

        if not ray.is_initialized():
            return "local"
        # Two nodes may share an address (both on one machine): add the node's id.
        node = ray.get_runtime_context().get_node_id() or ""
        return f"{ray.util.get_node_ip_address()}/{node[:6]}"
    except Exception:  # noqa: BLE001 — provenance only
        return "local"
