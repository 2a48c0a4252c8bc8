"""From "the user chose model X with these settings" to a checked evolution run.

Every evolution run takes this one path: the Evolution tab (``RunSetup`` in the GUI
thread, then :class:`~.evolution_session.EvolutionSession` in its worker), the kiosk,
and the commands ``evolve`` (new and ``--resume``), ``bench`` and ``experiment
imagenet``. So the window and the command line cannot drift apart on per-model defaults,
crops or the memory check:

1. :class:`RunChoices` — the model key and the settings the user gave; what is left
   open (``None``) takes the model's default.
2. :meth:`RunChoices.config` — the :class:`~fooling_gui.core.evolution.RunConfig`, with
   the per-model defaults of :func:`~fooling_gui.core.evolution.run_defaults`.
3. :func:`build_run` — the model from the :class:`~.model_cache.ModelCache` as the run
   scores with it (ten crops or the centre), the memory check, the
   :class:`~fooling_gui.core.evolution.EvolutionRun`. :func:`resume_run` does the same
   for a saved run.

The defence experiments (``experiment retrain`` …) evolve against models they train
themselves; they build their runs in the core (:mod:`fooling_gui.core.attacks.evolved`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from ..core.evolution import EvolutionRun, RunConfig, run_defaults
from ..core.evolution.settings import DEFAULT_PRESET
from ..core.memory_guard import check_run_memory
from .checked_steps import CheckedClassifier, CheckedEncoding
from .model_cache import ModelCache, ModelKey


@dataclass(frozen=True)
class MemoryFlags:
    """How a refusal for memory names the settings to change: as the user sets them."""

    batch: str = "--batch"
    classes: str = "--classes"
    crops: str = "--set crops=centre"


#: The commands' flags.
COMMAND_FLAGS = MemoryFlags()
#: The Evolution tab's controls.
WINDOW_FLAGS = MemoryFlags(batch="number of offspring", classes="the Classes button",
                           crops="Advanced → crops: centre")


@dataclass(frozen=True)
class RunChoices:
    """What the user chose for an evolution run; ``None`` leaves a setting to the model.

    Attributes:
        model: the model key (registry name or model file; random weights or not).
        encoding: ``"direct"`` or ``"cppn"``.
        generations: generations after the random start.
        seed: seeds every random choice of the run.
        batch: offspring per generation (None: the paper's for this kind of model).
        eval_batch: images per forward pass (None: the model's own).
        classes: class indices that get an archive cell (None: all).
        device: torch device the run renders and scores on.
        preset: the operators' preset.
        ten_crop: ImageNet-sized models score ten crops (None: as the preset says; the
            RunConfig states which).
        encoding_params: the encoding settings changed from the preset's.
    """

    model: ModelKey
    encoding: str = "direct"
    generations: int = 200
    seed: int = 0
    batch: int | None = None
    eval_batch: int | None = None
    classes: tuple[int, ...] | None = None
    device: str = "cpu"
    preset: str = DEFAULT_PRESET
    ten_crop: bool | None = None
    encoding_params: dict = field(default_factory=dict)

    def config(self, spec=None) -> RunConfig:
        """The run's settings: these choices, and ``spec``'s per-model defaults for what
        is left open.

        Args:
            spec: the model's :class:`~fooling_gui.core.models.ModelSpec`, or anything
                with its ``channels`` and ``cpu_eval_batch`` (a ``LoadedModel``). None
                while the model loads: then nothing is filled in (``batch`` must be set).

        Raises:
            FoolingError: a setting out of range (see RunConfig).
        """
        if spec is None and self.batch is None:
            raise ValueError("RunChoices.config needs the model's spec to choose the batch")
        key = ModelKey.of(self.model)
        config = RunConfig(model=key.name, encoding=self.encoding,
                           batch=self.batch or 1, generations=self.generations,
                           classes=self.classes, seed=self.seed, device=self.device,
                           random_init=key.random_init, ten_crop=self.ten_crop,
                           encoding_params=dict(self.encoding_params),
                           eval_batch=self.eval_batch, preset=self.preset)
        # Crops are stated, not left to the preset: a gallery's manifest says what scored it.
        config = dataclasses.replace(config, ten_crop=config.uses_ten_crop)
        if spec is None:
            return config
        batch, eval_batch = run_defaults(spec, config.encoding, config.uses_ten_crop,
                                         config.device)
        return dataclasses.replace(config, batch=self.batch or batch,
                                   eval_batch=self.eval_batch or eval_batch)


def model_key(config: RunConfig) -> ModelKey:
    """The key of the model ``config`` evolves against."""
    return ModelKey(config.model, config.random_init)


def run_classifier(models: ModelCache, config: RunConfig):
    """The model as ``config`` scores with it: ten crops or the centre crop (the same
    network, another view of it)."""
    return models.view(model_key(config), config.uses_ten_crop)


def build_run(models: ModelCache, config: RunConfig, *, initial_genomes: list | None = None,
              checkpoint: Callable[[], None] | None = None,
              flags: MemoryFlags = COMMAND_FLAGS) -> EvolutionRun:
    """A new run of ``config`` on its model from ``models``, refused before allocating
    if it cannot fit in memory.

    Args:
        models: where the model comes from (loaded on first use).
        config: the run's settings (see :meth:`RunChoices.config`).
        initial_genomes: start from mutants of these ("evolve from this image").
        checkpoint: called between chunks of rendering and scoring (a worker's pause
            and stop); None for a run stepped to its end. It leaves the images alone.
        flags: how a refusal names the settings to change.

    Raises:
        FoolingError: the model cannot be loaded, or the run would not fit in memory.
    """
    classifier = run_classifier(models, config)
    check_run_memory(classifier, config, batch_flag=flags.batch, classes_flag=flags.classes,
                     crops_flag=flags.crops)
    if checkpoint is None:
        return EvolutionRun(config, classifier=classifier, initial_genomes=initial_genomes)
    from ..core.encodings import make_encoding

    spec = classifier.spec
    encoding = make_encoding(config.encoding, spec.channels, spec.image_size,
                             device=config.device, **config.encoding_settings())
    return EvolutionRun(config, classifier=CheckedClassifier(classifier, checkpoint),
                        initial_genomes=initial_genomes,
                        encoding=CheckedEncoding(encoding, checkpoint))


def resume_run(models: ModelCache, saved, device: str, *,
               flags: MemoryFlags = COMMAND_FLAGS) -> EvolutionRun:
    """The saved run, rebuilt on ``device`` with its model from ``models`` (a cache on
    that device), refused before allocating if it cannot fit in memory.

    Args:
        saved: a :class:`~fooling_gui.core.evolution.checkpoint.SavedRun`.
        device: where it continues (a run saved on a GPU may continue on a CPU).
    """
    from ..core.evolution.checkpoint import restore_run

    config = dataclasses.replace(saved.config, device=device)
    classifier = run_classifier(models, config)
    check_run_memory(classifier, config, batch_flag=flags.batch, classes_flag=flags.classes,
                     crops_flag=flags.crops)
    return restore_run(saved, classifier, device)
