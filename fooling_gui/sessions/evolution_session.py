"""What the evolution worker thread owns: loaded models and the current run.

Nothing here imports Qt. Every method is called from jobs that
:class:`~fooling_gui.ui.evolution_worker.EvolutionWorker` submits to its
:class:`~fooling_gui.ui.job_thread.JobRunner`, so all of them run in the worker
thread, one at a time; the GUI only ever receives the frozen results defined here.
Models come from a :class:`~fooling_gui.sessions.model_cache.ModelCache`, shared with
the window's other tabs; runs are built by :func:`~.run_builder.build_run`, as the
commands build theirs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..core.errors import FoolingError
from ..core.evolution import EvolutionRun, FrameCursor, RunConfig, Snapshot
from ..core.images import adapt_channels, from_uint8, quantize, to_uint8
from ..core.models.top_classes import top_classes
from .model_cache import ModelCache, ModelKey
from .run_builder import WINDOW_FLAGS, build_run, run_classifier
from .torch_threads import is_heavy, limit_torch_threads_in_this_thread, worker_torch_threads

MAX_FRAME_GAP_S = 3.0
#: Elite images drawn per live frame at most: about a screenful of tiles. A new
#: 1000-class centre-crop ImageNet run (elites drawn only when looked at) then shows its
#: first frame in a fraction of a second and fills in the rest over the next frames,
#: instead of drawing all 1000 (seconds) before any frame.
FRAME_DRAW_LIMIT = 96
DRAW_CHUNK = 16  # elites drawn between looks at pause and stop


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
        return run_classifier(self.models, config)

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
        # Long steps check in between chunks, so pause and stop act within ~0.1 s.
        self._gate.checkpoint = control.checkpoint
        run = build_run(self.models, config, initial_genomes=initial, checkpoint=self._gate,
                        flags=WINDOW_FLAGS)
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

    # (run_id, cursor) of the last frame this session built: the next frame of that run
    # carries only what changed since. Frames are built only when sent at once (see
    # JobControl.emit_due), so the view holds that cursor too, unless a frame was
    # dropped on the way; it then asks for a whole frame (see Snapshot.follows).
    _sent: tuple[int, FrameCursor] | None = None

    def _step_until_done(self, control, run: EvolutionRun, model: LoadedModel,
                         replay_history: bool = False) -> Iterator[RunFrame]:
        """Step ``run`` and yield its frames; the first is whole when the view takes the
        run up afresh (``replay_history``: "Back to the previous run") or the run is new."""
        run_id = self.run_id
        base_interval = control.interval_s
        if replay_history:
            yield self._frame(run_id, run, model, max_draw=FRAME_DRAW_LIMIT,
                              offspring=self.offspring_wanted, whole=True, control=control)
        while not run.finished:
            with self._gate:
                run.step()
            if not control.emit_due():  # it would wait: its changes go in a later frame
                yield None
                continue
            start = time.perf_counter()
            frame = self._frame(run_id, run, model, max_draw=FRAME_DRAW_LIMIT,
                                offspring=self.offspring_wanted, control=control)
            # A frame draws up to FRAME_DRAW_LIMIT pending elites (a centre-crop ImageNet
            # run: 0.1-0.5 s), so frames are spaced to keep that near a fifth of the
            # worker's time — but never more than MAX_FRAME_GAP_S apart, so the view
            # stays alive. Without drawing, a frame costs milliseconds and this is moot.
            cost = time.perf_counter() - start
            control.interval_s = min(MAX_FRAME_GAP_S, max(base_interval, 4.0 * cost))
            yield frame
        return self._frame(run_id, run, model)

    def _frame(self, run_id: int, run: EvolutionRun, model: LoadedModel,
               max_draw: int | None = None, offspring: bool = True,
               whole: bool = False, control=None) -> RunFrame:
        """The run's frame since the last one built for it (whole for a run not sent
        before, or when asked); draws up to ``max_draw`` pending elites first (None: all).

        With the run job's ``control``, the drawing stops early once a pause or stop is
        asked (the rest come in later frames): a pause taken inside the drawing would
        hold the worker thread, and the inspector could not answer.
        """
        archive = run.archive
        if control is None:
            archive.draw_pending(max_draw)
        else:
            left = archive.pending if max_draw is None else min(max_draw, archive.pending)
            while left > 0 and not (control.paused or control.stop_requested):
                archive.draw_pending(min(DRAW_CHUNK, left))
                left -= DRAW_CHUNK
        sent = self._sent
        since = sent[1] if sent is not None and sent[0] == run_id and not whole else None
        snapshot = run.frame(since, offspring)
        self._sent = (run_id, snapshot.cursor)
        return RunFrame(run_id, snapshot, model, run.config, self.seeded_from,
                        self.describe_previous())

    def current_frame(self, whole: bool = False) -> RunFrame | None:
        """The current run's frame with every pending elite drawn: what changed since
        the last frame, or everything (``whole``: for a view that starts afresh or
        missed a frame)."""
        if self.run is None:
            return None
        return self._frame(self.run_id, self.run, LoadedModel.of_run(self.run), whole=whole)

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
