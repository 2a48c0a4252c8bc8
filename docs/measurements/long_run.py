"""Per-generation time early vs late in a long run (does the loop stay flat as genomes grow?).

    PYTHONPATH=. python docs/measurements/long_run.py [ENCODING] [GENERATIONS]

Prints the mean milliseconds per generation over windows of 100 generations and the
elites' mean size (CPPN: nodes and links).
"""

import sys
import time

import numpy as np

from fooling_gui.core.evolution import EvolutionRun, RunConfig
from fooling_gui.core.models import load_model


def main(encoding: str = "cppn", generations: int = 1000) -> None:
    run = EvolutionRun(RunConfig(encoding=encoding, batch=200, generations=generations, seed=0),
                       classifier=load_model("lenet"))
    times = []
    while not run.finished:
        start = time.perf_counter()
        run.step()
        times.append(time.perf_counter() - start)
        if run.generation % 100 == 0 and run.generation:
            window = np.array(times[-100:]) * 1000
            size = ""
            if encoding == "cppn":
                genomes = [g for g in run.archive.genomes if g is not None]
                size = (f", elites: {np.mean([len(g.nodes) for g in genomes]):.1f} nodes, "
                        f"{np.mean([len(g.connections) for g in genomes]):.1f} links")
            print(f"generations {run.generation - 99}-{run.generation}: "
                  f"{window.mean():.1f} ms/gen (median {np.median(window):.1f}){size}",
                  flush=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "cppn",
         int(sys.argv[2]) if len(sys.argv) > 2 else 1000)
