"""evolve --ray: a run whose offspring are scored by Ray actors equals the run in one
process with the same chunks (eval_batch)."""

import numpy as np
import pytest
import torch

from fooling_gui.core.cluster.distributed_run import candidate_rows, distribute
from fooling_gui.core.evolution import EvolutionRun, RunConfig


def test_every_cell_winner_of_a_generation_is_a_candidate_of_its_chunk():
    rng = np.random.default_rng(0)
    probs = rng.random((50, 10)).astype(np.float32)
    probs[7, 3] = probs[12, 3] = 2.0  # a tie in one chunk: the first row wins, as in the archive
    probs[12, [1, 8]] = 0.0
    cells = np.array([1, 3, 8])
    elites = np.array([0.2, 0.1, 0.999])
    per_cell = probs[:, cells]
    winners = {int(r) for c, r in enumerate(per_cell.argmax(axis=0))
                if per_cell[r, c] > elites[c]}
    found = set()
    for start in range(0, 50, 15):
        found |= {start + int(r) for r in candidate_rows(probs[start:start + 15], cells, elites)}
    assert winners <= found and 7 in found and 12 not in found
    assert len(found) <= 4 * len(cells)  # at most one per cell and chunk travels back


@pytest.mark.parametrize("encoding", ["direct", "cppn"])
def test_a_run_scored_by_actors_equals_the_single_process_run(ray_local, encoding):
    config = RunConfig(model="lenet", encoding=encoding, batch=40, generations=4, seed=5,
                       eval_batch=15, classes=(0, 3, 8))  # chunks of 15, 15 and 10
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the actors' threads: a forward pass's floats depend on them
    try:
        here = EvolutionRun(config)
        here.run()
    finally:
        torch.set_num_threads(threads)
    spread = EvolutionRun(config)
    evaluator = distribute(spread, workers=2)
    try:
        spread.run()
    finally:
        evaluator.close()
    a, b = here.archive, spread.archive
    assert np.array_equal(a.confidences, b.confidences)
    assert np.array_equal(a.generations, b.generations)
    assert np.array_equal(a.images, b.images)
    for g, h in zip(a.genomes, b.genomes):
        assert torch.equal(g, h) if encoding == "direct" else g == h
    assert [s.best.tolist() for s in here.history] == [s.best.tolist() for s in spread.history]
