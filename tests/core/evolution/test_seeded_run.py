"""``EvolutionRun(initial_genomes=…)``: "evolve from this image" starts from that genome."""

import numpy as np
import torch

from fooling_gui.core.evolution import EvolutionRun, RunConfig
from fooling_gui.core.models import load_model


def test_generation_zero_is_the_seed_and_its_mutants():
    lenet = load_model("lenet", random_init=True)
    source = EvolutionRun(RunConfig(encoding="direct", batch=8, generations=2, seed=0),
                          classifier=lenet)
    source.run()
    seed_genome = source.archive.elite(4).genome

    run = EvolutionRun(RunConfig(encoding="direct", batch=6, generations=0, seed=1),
                       classifier=lenet, initial_genomes=[seed_genome])
    genomes = run._offspring_genomes(0)
    assert len(genomes) == 6
    assert torch.equal(genomes[0], seed_genome)
    # The rest are mutants: close to the seed (10 % of values move), not random noise.
    for g in genomes[1:]:
        changed = (g != seed_genome).float().mean().item()
        assert 0.0 < changed < 0.3
    run.step()
    assert run.archive.confidences[4] >= source.archive.confidences[4] - 1e-6
    np.testing.assert_array_equal(run.archive.class_indices, np.arange(10))
