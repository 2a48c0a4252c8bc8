"""What the evolution worker thread owns: loaded models and the current run.

Nothing here imports Qt. Every method is called from jobs that
:class:`~fooling_gui.ui.evolution_worker.EvolutionWorker` submits to its
:class:`~fooling_gui.ui.job_thread.JobRunner`, so all of them run in the worker
thread, one at a time; the GUI only ever receives the frozen results defined here.
Models come from a :class:`~fooling_gui.sessions.model_cache.ModelCache`, shared with
the window's other tabs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..core.errors import FoolingError
from ..core.evolution import EvolutionRun, RunConfig, Snapshot
from ..core.images import adapt_channels, from_uint8, quantize, to_uint8
from ..core.models.top_classes import top_classes
from .model_cache import ModelCache, ModelKey
from .torch_threads import is_heavy, limit_torch_threads_in_this_thread, worker_torch_threads

MAX_FRAME_GAP_S = 3.0
#: Elite images drawn per live frame at most: about a screenful of tiles. A new
#: 1000-class ImageNet run then shows its first frame in a fraction of a second and
#: fills in the rest over the next frames, instead of drawing all 1000 (seconds).
FRAME_DRAW_LIMIT = 96


@dataclass(frozen=True)
class LoadedModel:
    """A loaded model as the GUI sees it: the key it was loaded by and its spec's facts.

    ``key`` is what the user chose (a registry name or model file, random weights or
    not); ``name`` is the model's own name (a custom file's may differ from its path).
    """

    key: ModelKey
    name: str
    label: str
    class_names: tuple[str, ...]
    channels: int
    image_size: tuple[int, int]
    random_init: bool
    description: str
    device: str = "cpu"
    cpu_eval_batch: int | None = None  # see ModelSpec: run_defaults reads it

    @classmethod
    def of(cls, classifier, key: ModelKey | tuple | str) -> LoadedModel:
        s = classifier.spec
        return cls(ModelKey.of(key), s.name, s.label, s.class_names, s.channels,
                   tuple(s.image_size), s.random_init, s.description, str(classifier.device),
                   getattr(s, "cpu_eval_batch", None))

    @classmethod
    def of_run(cls, run: EvolutionRun) -> LoadedModel:
        """The model ``run`` scores with, under the key its settings name."""
        return cls.of(run.classifier, ModelKey(run.config.model, run.config.random_init))


@dataclass(frozen=True)
class RunFrame:
    """One drawable moment of a run; ``run_id`` changes when a new run starts."""

    run_id: int
    snapshot: Snapshot
    model: LoadedModel
    config: RunConfig
    seeded_from: str  # "" or a description of the elite a seeded run started from
    previous_run: str = ""  # "" or a description of the run this one replaced


@dataclass(frozen=True)
class EliteDetails:
    """Everything the inspector shows about one archive cell."""

    run_id: int
    cell: int
    class_index: int
    class_name: str
    confidence: float
    generation: int
    image: np.ndarray  # (H, W, C) uint8
    top: tuple[tuple[int, str, float], ...]
    model_label: str
    encoding: str
    genome: dict  # encoding.describe(genome): the whole CPPN, or the direct shape
    can_render: bool  # a CPPN renders at any resolution
    seed: int = 0  # the run's seed
    weights_sha256: str = ""
    genome_sha256: str = ""
    seeded_from: dict | None = None  # the run's origin (see core.gallery.origin)


@dataclass(frozen=True)
class ScoreResult:
    """An elite scored on another model."""

    run_id: int
    cell: int
    model_label: str
    top: tuple[tuple[int, str, float], ...]
    image: np.ndarray  # what that model was shown, (H, W, C) uint8
    generation: int = -1  # the scored elite's generation: a later elite of the cell is another image


@dataclass(frozen=True)
class RenderResult:
    """A CPPN elite rendered at high resolution."""

    run_id: int
    cell: int
    class_name: str
    image: np.ndarray  # (H, W, C) uint8


class _ChunkTimer:
    """Picks chunk sizes so that one chunk of work takes about ``chunk_seconds``."""

    def __init__(self, chunk_seconds: float):
        self.chunk_seconds = chunk_seconds
        self.seconds_per_item: float | None = None

    def chunk(self, n: int) -> int:
        if self.seconds_per_item is None:
            return n  # first call: measure on the whole batch
        return max(1, int(self.chunk_seconds / max(self.seconds_per_item, 1e-9)))

    def record(self, seconds: float, n: int) -> None:
        per_item = seconds / max(n, 1)
        self.seconds_per_item = (per_item if self.seconds_per_item is None
                                 else 0.7 * self.seconds_per_item + 0.3 * per_item)


class _OwnJobGate:
    """The run job's checkpoint, active only while that job itself is working.

    The run outlives its job: after a stop (or during a pause) other jobs still draw
    its elites — the frame with every image after a stop, the inspector's cell. Were
    they to call the run job's checkpoint, a stopped job's would raise and end them
    without an answer (tiles left black), a paused job's would block the worker.
    """

    def __init__(self, checkpoint: Callable[[], None] = lambda: None):
        self.checkpoint = checkpoint  # the job now stepping a run sets its own
        self.active = False

    def __call__(self) -> None:
        if self.active:
            self.checkpoint()

    def __enter__(self) -> _OwnJobGate:
        self.active = True
        return self

    def __exit__(self, *exc) -> None:
        self.active = False


class CheckedEncoding:
    """An encoding whose rendering runs in chunks with a checkpoint between them.

    Rendering is deterministic per genome, so chunks give exactly the images of one
    call (a test checks that window and command-line runs agree). Mutation stays whole:
    both encodings draw a batch's random numbers at once (CPPN: 400 offspring in about
    40 ms), and chunks would draw them in another order.
    """

    def __init__(self, encoding, checkpoint: Callable[[], None], chunk_seconds: float = 0.05):
        self._inner = encoding
        self._checkpoint = checkpoint
        self._timer = _ChunkTimer(chunk_seconds)

    def __getattr__(self, name: str) -> Any:  # name, channels, mutate, pack, describe, …
        return getattr(self._inner, name)

    def render(self, genomes, size, window=None):
        n = len(genomes)
        chunk = self._timer.chunk(n)
        start = time.perf_counter()
        parts = []
        for i in range(0, n, chunk):
            if i:
                self._checkpoint()
            parts.append(self._inner.render(genomes[i:i + chunk], size, window=window))
        self._timer.record(time.perf_counter() - start, n)
        return torch.cat(parts) if len(parts) > 1 else parts[0]


class CheckedClassifier:
    """A classifier that checks for pause and stop between its forward passes.

    It splits a batch exactly where :meth:`Classifier.probabilities` does (chunks of
    the run's ``eval_batch``), never elsewhere: a network's float results depend on the
    batch it runs in, so chunks sized by timing would make a run's images depend on the
    machine's speed. Heavy models get an ``eval_batch`` (see the per-model defaults), so
    pausing AlexNet on a CPU still takes effect within about half a second.
    """

    def __init__(self, classifier, checkpoint: Callable[[], None]):
        self._inner = classifier
        self._checkpoint = checkpoint

    def __getattr__(self, name: str) -> Any:  # spec, device, module, top_k, …
        return getattr(self._inner, name)

    def probabilities(self, images: torch.Tensor, batch_size: int | None = None,
                      cropped: bool = False, normalised: bool = False) -> torch.Tensor:
        n = images.shape[0]
        # Images already the crop_window (and perhaps already normalised_ in place).
        extra = {"cropped": True, "normalised": normalised} if cropped else {}
        chunk = batch_size or max(n, 1)
        parts = []
        for i in range(0, n, chunk):
            if i:
                self._checkpoint()
            parts.append(self._inner.probabilities(images[i:i + chunk], **extra))
        return torch.cat(parts) if len(parts) > 1 else parts[0]


class EvolutionSession:
    """The current run, and the models it uses, for the worker thread only.

    Args:
        load: ``load(name, random_init) -> Classifier`` for a cache of this session's
            own (tests); ignored when ``models`` is given.
        device: torch device for models and rendering.
        models: the model cache shared with the window's other tabs.
    """

    def __init__(self, load: Callable[[str, bool], Any] | None = None, device: str = "cpu",
                 models: ModelCache | None = None):
        self.device = device
        self.models = models or ModelCache(load, device)
        self.run: EvolutionRun | None = None
        self.run_id = 0
        self.seeded_from = ""
        self.origin: dict | None = None  # provenance of the image a seeded run began from
        # The run the current one replaced ("Back to the previous run"):
        # (run, seeded_from, origin).
        self.previous: tuple[EvolutionRun, str, dict | None] | None = None
        # Every run's chunks check in through this gate: the job stepping a run sets its
        # checkpoint, so a run taken up again by a later job honours that job's pause and
        # stop, and other jobs drawing its elites are never stopped by it.
        self._gate = _OwnJobGate()
        # Live frames carry the offspring only while they are shown (a queued request).
        self.offspring_wanted = True
        # The window's worker sets torch's threads per model (see responsiveness).
        self.tune_threads = False

    def set_offspring_wanted(self, wanted: bool) -> None:
        """Whether live frames carry the latest offspring (read between generations)."""
        self.offspring_wanted = bool(wanted)

    def set_tune_threads(self, tune: bool) -> None:
        """Whether each run sets this thread's torch threads for its model."""
        self.tune_threads = bool(tune)

    # -- models --------------------------------------------------------------------
    def classifier(self, name: str, random_init: bool = False):
        """The model called ``name`` from the shared cache (loaded on first use)."""
        return self.models.get(ModelKey(name, random_init))

    def run_classifier(self, config: RunConfig):
        """The model as ``config`` scores with it: ten crops or the centre crop (the same
        network, another view of it)."""
        return self.models.view(ModelKey(config.model, config.random_init),
                                config.uses_ten_crop)

    def model_info(self, name: str, random_init: bool = False) -> LoadedModel:
        """The model the user chose: held for this session while it is the choice."""
        key = ModelKey(name, random_init)
        return LoadedModel.of(self.models.use((id(self), "chosen"), key), key)

    def forget_model(self, name: str) -> None:
        """Drop a cached model (after its weights file changed)."""
        self.models.forget(name)

    def close(self) -> None:
        """Release every model this session holds (its worker has ended)."""
        for role in ("chosen", "run", "previous"):
            self.models.release((id(self), role))

    def _hold_runs(self) -> None:
        """Keep the current and the previous run's models in the cache while they exist."""
        for role, run in (("run", self.run),
                          ("previous", self.previous[0] if self.previous else None)):
            if run is None:
                self.models.release((id(self), role))
            else:
                self.models.use((id(self), role),
                                ModelKey(run.config.model, run.config.random_init))

    # -- the run -------------------------------------------------------------------
    def evolve(self, control, config: RunConfig, seed_cell: int | None = None) -> Iterator[RunFrame]:
        """A job: start a new run and step it until stopped or finished.

        Args:
            control: the job's :class:`~fooling_gui.ui.job_thread.JobControl`.
            config: the new run's settings.
            seed_cell: start from mutants of this cell's elite in the current run
                ("evolve from this image") instead of random genomes.
        """
        classifier = self.run_classifier(config)
        if self.tune_threads:  # this runs in the worker thread: its torch threads only
            limit_torch_threads_in_this_thread(
                worker_torch_threads(heavy=is_heavy(classifier.spec)))
        initial, seeded_from, origin = None, "", None
        if seed_cell is not None:
            initial, seeded_from, origin = self._seed_genomes(seed_cell, config, classifier)
        from ..core.encodings import make_encoding

        # Long steps check in between chunks, so pause and stop act within ~0.1 s.
        self._gate.checkpoint = control.checkpoint
        checked = CheckedClassifier(classifier, self._gate)
        encoding = make_encoding(config.encoding, classifier.spec.channels,
                                 classifier.spec.image_size, device=config.device,
                                 **config.encoding_settings())
        run = EvolutionRun(config, classifier=checked, initial_genomes=initial,
                           encoding=CheckedEncoding(encoding, self._gate))
        if self.run is not None:
            self.previous = (self.run, self.seeded_from, self.origin)
        self.run, self.seeded_from, self.origin = run, seeded_from, origin
        self._hold_runs()
        self.run_id += 1
        model = LoadedModel.of(classifier, ModelKey(config.model, config.random_init))
        return self._step_until_done(control, run, model)

    def resume_previous(self, control) -> Iterator[RunFrame]:
        """A job: make the run the current one replaced current again and step it on.

        The two swap places, so going back and forth loses neither. The returned run
        gets a new ``run_id`` (the view redraws it whole) and its first frame carries
        its whole history for the plot.
        """
        if self.previous is None:
            raise FoolingError("There is no previous run to go back to.")
        (run, seeded_from, origin), current = self.previous, self.run
        self.previous = ((current, self.seeded_from, self.origin) if current is not None
                         else None)
        self.run, self.seeded_from, self.origin = run, seeded_from, origin
        self._hold_runs()
        self.run_id += 1
        self._gate.checkpoint = control.checkpoint
        return self._step_until_done(control, run, LoadedModel.of_run(run),
                                     replay_history=True)

    def describe_previous(self) -> str:
        if self.previous is None:
            return ""
        run = self.previous[0]
        return (f"{run.spec.label} · {run.config.encoding} · seed {run.config.seed}, "
                f"generation {max(run.generation, 0):,}")

    def _step_until_done(self, control, run: EvolutionRun, model: LoadedModel,
                         replay_history: bool = False) -> Iterator[RunFrame]:
        run_id = self.run_id
        base_interval = control.interval_s
        if replay_history:  # the view starts this run afresh: send all it has done
            frame = self._frame(run_id, run, model, max_draw=FRAME_DRAW_LIMIT,
                                offspring=self.offspring_wanted)
            yield replace(frame, snapshot=replace(frame.snapshot, new_stats=tuple(run.history)))
        while not run.finished:
            with self._gate:
                run.step()
            # Snapshots copy every elite and consume the pending history, so one is
            # built only when it will be sent at once (see JobControl.emit_due).
            if not control.emit_due():
                yield None
                continue
            start = time.perf_counter()
            with self._gate:
                frame = self._frame(run_id, run, model, max_draw=FRAME_DRAW_LIMIT,
                                    offspring=self.offspring_wanted)
            # A snapshot draws (some of) the elites improved since the last one and copies
            # all of them (1000 ImageNet elites: 200 MB each time), so
            # frames are spaced to keep that near a fifth of the worker's time — but
            # never more than MAX_FRAME_GAP_S apart, so the view stays alive.
            cost = time.perf_counter() - start
            control.interval_s = min(MAX_FRAME_GAP_S, max(base_interval, 4.0 * cost))
            yield frame
        return self._frame(run_id, run, model)

    def _frame(self, run_id: int, run: EvolutionRun, model: LoadedModel,
               max_draw: int | None = None, offspring: bool = True) -> RunFrame:
        return RunFrame(run_id, run.snapshot(max_draw, offspring), model, run.config,
                        self.seeded_from, self.describe_previous())

    def current_frame(self) -> RunFrame | None:
        """A snapshot of the current run (all history the GUI has not seen yet)."""
        if self.run is None:
            return None
        return self._frame(self.run_id, self.run, LoadedModel.of_run(self.run))

    def reset(self) -> None:
        self.run = None
        self.previous = None
        self.seeded_from = ""
        self.origin = None
        self._hold_runs()
        self.run_id += 1

    def _require_run(self) -> EvolutionRun:
        if self.run is None:
            raise FoolingError("There is no run yet; press Start first.")
        return self.run

    def _elite(self, cell: int):
        run = self._require_run()
        if not 0 <= cell < len(run.archive):
            raise FoolingError(f"There is no cell {cell} in this run.")
        elite = run.archive.elite(cell)
        if elite is None:
            raise FoolingError("That class has no image yet; let evolution run a little longer.")
        return run, elite

    def _seed_genomes(self, cell: int, config: RunConfig, classifier):
        run, elite = self._elite(cell)
        if config.encoding != run.config.encoding:
            raise FoolingError(f"That image is a {run.config.encoding} genome; choose the "
                               f"{run.config.encoding} encoding to evolve from it.")
        if (classifier.spec.channels != run.spec.channels
                or tuple(classifier.spec.image_size) != tuple(run.spec.image_size)):
            raise FoolingError(f"That image was evolved for {run.spec.label}, whose images have "
                               "another size or colour; evolve from it on a model like that one.")
        from ..core.gallery.origin import seed_origin

        return ([elite.genome],
                f"{elite.class_name} ({run.spec.label}, generation {elite.generation})",
                seed_origin(run, elite, self.origin))

    # -- inspector requests --------------------------------------------------------
    def elite_details(self, cell: int) -> EliteDetails:
        from ..core.gallery.origin import genome_sha256

        run, elite = self._elite(cell)
        return EliteDetails(
            run_id=self.run_id, cell=cell, class_index=elite.class_index,
            class_name=elite.class_name, confidence=elite.confidence,
            generation=elite.generation, image=elite.image,
            top=top_classes(elite.probabilities, run.spec.class_names),
            model_label=run.spec.label, encoding=run.config.encoding,
            genome=run.encoding.describe(elite.genome),
            can_render=run.config.encoding == "cppn", seed=run.config.seed,
            weights_sha256=run.spec.weights_sha256,
            genome_sha256=genome_sha256(run.encoding, elite.genome), seeded_from=self.origin)

    def score_on(self, cell: int, model_name: str, random_init: bool = False) -> ScoreResult:
        """Show one elite to another model: a CPPN is re-rendered at that model's size."""
        run, elite = self._elite(cell)
        other = self.classifier(model_name, random_init)
        with torch.inference_mode():
            if run.config.encoding == "cppn":
                images = run.encoding.render([elite.genome], tuple(other.spec.image_size))
            else:
                images = from_uint8(elite.image)
            images = quantize(adapt_channels(images, other.spec.channels))
            probs = other.probabilities(images)[0].numpy()
        return ScoreResult(self.run_id, cell, other.spec.label,
                           top_classes(probs, other.spec.class_names), to_uint8(images)[0],
                           elite.generation)

    def render_high_res(self, cell: int, size: int) -> RenderResult:
        run, elite = self._elite(cell)
        if run.config.encoding != "cppn":
            raise FoolingError("Only CPPN images can be rendered at another resolution.")
        if not 16 <= size <= 8192:
            raise FoolingError("Choose a size between 16 and 8192 pixels.")
        # Bounded memory however large: the renderer works through pixel chunks.
        image = run.encoding.render_large(elite.genome, (size, size))
        return RenderResult(self.run_id, cell, elite.class_name, image)

    def export(self, out_dir: str | Path, overwrite: bool, name_in: bool = False) -> Path:
        """Write the current run's gallery; returns the manifest's path.

        Args:
            out_dir: the gallery folder; with ``name_in``, the folder to put it in, and
                the gallery is named after the run as it is now (the run goes on while
                the user picks a folder, so only here do name and manifest agree).
            overwrite: replace an existing gallery folder.
        """
        from ..core.gallery import Provenance, export_gallery
        from .elite_files import gallery_folder_name_of

        run = self._require_run()
        elites = run.archive.elites()
        if not elites:
            raise FoolingError("There are no images to export yet; let evolution run first.")
        if name_in:
            out_dir = Path(out_dir) / gallery_folder_name_of(
                run.spec.name, run.config.encoding, run.config.seed, run.generation)
        return export_gallery(elites, Provenance.of_run(run, self.origin), out_dir,
                              overwrite=overwrite, encoding=run.encoding)
