"""The window's evolution throughput on a model whose weights are not here.

``fooling-gui --run-for S --stats FILE`` measures the window, but opens only models
whose weights are present; throughput does not depend on the weights, so this opens the
real window (offscreen) on ``--model`` with random weights, as the weights dialog's
"random weights" answer would, and runs the same timed session. Compare its
``evals_per_second_wall`` with ``fooling-gui bench --model M --random-init`` at the
same settings::

    python docs/measurements/window_throughput.py --model alexnet --encoding cppn --crops centre \\
        --batch 400 --run-for 60
    fooling-gui bench --model alexnet --random-init --encoding cppn --set crops=centre \\
        --seconds 40
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default="alexnet")
    p.add_argument("--encoding", default="cppn", choices=("direct", "cppn"))
    p.add_argument("--crops", choices=("ten", "centre"), help="default: the preset's")
    p.add_argument("--batch", type=int, default=400)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--run-for", type=float, default=60.0)
    args = p.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from fooling_gui.ui.application import make_application
    from fooling_gui.ui.evolution_view import EvolutionView
    from fooling_gui.ui.latency_probe import LatencyProbe
    from fooling_gui.ui.main_window import MainWindow
    from fooling_gui.ui.settings import Settings
    from fooling_gui.ui.timed_run import TimedRun

    # The weights dialog's answer, without the dialog: random weights.
    EvolutionView.obtain_weights = lambda self, name: (True, True)
    app = make_application()
    window = MainWindow(Settings.temporary())
    window.resize(1400, 900)
    probe = LatencyProbe(10, window)
    window.show()
    view = window.evolution
    view.load_initial(model=args.model, encoding=args.encoding, seed=args.seed,
                      interactive=True)
    view.controls.set_batch(args.batch)
    if args.crops is not None:
        view.controls.advanced.apply("paper", {"crops": args.crops})
    probe.start()
    stats = Path(tempfile.mkdtemp()) / "stats.json"
    timed = TimedRun(window, args.run_for, None, stats, probe)
    timed.begin()
    app.exec()
    window.close()
    data = json.loads(stats.read_text()) if stats.exists() else {}
    json.dump(data, sys.stdout, indent=1)
    print()
    return timed.exit_code


if __name__ == "__main__":
    sys.exit(main())
