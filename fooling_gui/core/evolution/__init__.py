"""MAP-Elites over classes: archive, run loop, stats, frames, checkpoints."""

from .archive import Elite, EliteArchive
from .checkpoint import load_run, save_run
from .config import DEFAULT_BATCH, ENCODINGS, RunConfig, model_kind, run_defaults
from .run import EvolutionRun
from .snapshot import FrameCursor, Snapshot
from .stats import GenerationStats, first_generation_reaching

__all__ = [
    "DEFAULT_BATCH", "ENCODINGS", "Elite", "EliteArchive", "EvolutionRun", "FrameCursor",
    "GenerationStats", "RunConfig", "Snapshot", "first_generation_reaching", "load_run",
    "model_kind", "run_defaults", "save_run",
]
