"""The GUI's handle on evolution: requests go to a worker thread, results come back.

:class:`EvolutionWorker` lives in the GUI thread. Each request becomes a job on its
:class:`~fooling_gui.ui.job_thread.JobRunner`, which calls an
:class:`~fooling_gui.sessions.evolution_session.EvolutionSession` method in the worker
thread; that session owns the run (its models come from the shared
:class:`~fooling_gui.sessions.model_cache.ModelCache`), so the GUI never runs a forward
pass and never touches the run's state: every request, even a flag, is a queued job.
Results arrive as signals carrying frozen dataclasses.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from ..core.evolution import RunConfig
from ..sessions.evolution_session import EvolutionSession
from ..sessions.model_cache import ModelCache, ModelKey
from ..sessions.torch_threads import limit_torch_threads_in_this_thread, worker_torch_threads
from .job_thread import Job, JobRunner

log = logging.getLogger(__name__)

# Run states, as shown by the controls.
IDLE, LOADING, RUNNING, PAUSED, STOPPED, FINISHED = (
    "idle", "loading", "running", "paused", "stopped", "finished")


class EvolutionWorker(QObject):
    """Starts, pauses and stops runs and answers the inspector, off the GUI thread.

    Signals:
        frame(RunFrame): the latest picture of the run (≤ ~30 per second).
        state_changed(str): one of ``idle``, ``loading``, ``running``, ``paused``,
            ``stopped``, ``finished``.
        model_ready(LoadedModel): a model was loaded (answer to :meth:`load_model`).
        failed(str): a request failed; one sentence for the user.
        elite_details(EliteDetails), scored(ScoreResult), rendered(RenderResult),
        exported(Path): answers to the inspector's and the File menu's requests.
    """

    frame = Signal(object)
    state_changed = Signal(str)
    model_ready = Signal(object)
    failed = Signal(str)
    elite_details = Signal(object)
    scored = Signal(object)
    rendered = Signal(object)
    exported = Signal(object)

    def __init__(self, session: EvolutionSession | None = None, parent: QObject | None = None,
                 models: ModelCache | None = None):
        super().__init__(parent)
        self._session = session or EvolutionSession(models=models)  # used only inside jobs
        #: The session's model cache (thread-safe): other tabs share it.
        self.models = self._session.models
        self._runner = JobRunner("evolution", self)
        self._run_job: Job | None = None
        self.state = IDLE
        # Leave a core to the GUI thread on small machines (measured: lower latency,
        # same throughput on 2 cores); applies to this worker thread only. Each run
        # then picks its own: every core for a heavy model (see responsiveness).
        threads = worker_torch_threads()
        self._runner.submit(lambda control: limit_torch_threads_in_this_thread(threads),
                            name="torch threads")
        self._submit(self._session.set_tune_threads, True)

    # -- run control ---------------------------------------------------------------
    def start(self, config: RunConfig, seed_cell: int | None = None) -> None:
        """Stop any current run and start a new one with ``config``.

        Args:
            seed_cell: begin from mutants of this cell's elite of the current run.
        """
        self._start_run_job(self._session.evolve, config, seed_cell, name="evolve")

    def resume_previous(self) -> None:
        """Stop the current run and go on with the one it replaced (they swap places)."""
        self._start_run_job(self._session.resume_previous, name="resume previous run")

    def _start_run_job(self, method, *args, name: str) -> None:
        self._stop_run_job()
        self._set_state(LOADING)
        job = self._runner.submit(method, *args, name=name)
        self._run_job = job
        job.yielded.connect(lambda frame, j=job: self._on_frame(j, frame))
        job.returned.connect(lambda frame, j=job: self._on_returned(j, frame))
        job.failed.connect(lambda message, j=job: self._on_run_failed(j, message))
        job.stopped.connect(lambda j=job: self._on_run_stopped(j))

    def pause(self) -> None:
        if self._run_job is not None and self.state in (RUNNING, LOADING):
            self._run_job.pause()
            self._set_state(PAUSED)  # shown at once; the worker honours it at the next check

    def resume(self) -> None:
        if self._run_job is not None and self.state == PAUSED:
            self._run_job.resume()
            self._set_state(RUNNING)

    def stop(self) -> None:
        """Stop the run; it stays available to inspect and export."""
        if self._run_job is not None:
            self._stop_run_job()
            self._set_state(STOPPED)
            self.request_frame()  # the generations since the last frame

    def reset(self) -> None:
        """Stop and forget the run."""
        self._stop_run_job()
        self._submit(self._session.reset)
        self._set_state(IDLE)

    @property
    def running(self) -> bool:
        return self.state in (LOADING, RUNNING, PAUSED)

    # -- requests ------------------------------------------------------------------
    def load_model(self, key: ModelKey | tuple | str) -> Job:
        """Load (or find cached) the model ``key`` names, in the worker; answers with
        ``model_ready`` (a LoadedModel carrying ``key``)."""
        key = ModelKey.of(key)
        job = self._submit(self._session.model_info, key.name, key.random_init)
        job.returned.connect(self.model_ready)
        return job

    def forget_model(self, name: str) -> None:
        self._submit(self._session.forget_model, name)

    def request_elite(self, cell: int) -> None:
        self._submit(self._session.elite_details, cell).returned.connect(self.elite_details)

    def score_on(self, cell: int, model_name: str, random_init: bool = False) -> None:
        self._submit(self._session.score_on, cell, model_name, random_init).returned.connect(
            self.scored)

    def render_high_res(self, cell: int, size: int) -> None:
        self._submit(self._session.render_high_res, cell, size).returned.connect(self.rendered)

    def export(self, out_dir: str | Path, overwrite: bool = False, name_in: bool = False) -> Job:
        """Write the gallery (``name_in``: into a folder named after the run, in out_dir)."""
        job = self._submit(self._session.export, Path(out_dir), overwrite, name_in)
        job.returned.connect(self.exported)
        return job

    def set_offspring_wanted(self, wanted: bool) -> None:
        """Whether live frames should carry the latest offspring (the Offspring tab is
        shown). Queued: the running job reads it from its next generation on."""
        self._submit(self._session.set_offspring_wanted, bool(wanted))

    def request(self, method, *args) -> Job:
        """Queue ``method(session, *args)`` (an unbound method of this worker's session
        class) in the worker thread; the Job answers with what it returns."""
        return self._submit(method.__get__(self._session), *args)

    def request_frame(self) -> None:
        """Ask for a fresh frame of the current run (e.g. after the view was rebuilt)."""
        self._submit(self._session.current_frame).returned.connect(self._emit_frame)

    def _emit_frame(self, frame) -> None:
        if frame is not None:
            self.frame.emit(frame)

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop everything and join the worker thread (call on close)."""
        self._run_job = None
        ended = self._runner.shutdown(timeout_ms)
        # Its models may go now (the thread has ended, or is stuck and holds its own
        # references); close() only touches the thread-safe cache.
        self._session.close()
        return ended

    # -- internals -----------------------------------------------------------------
    def _submit(self, method, *args) -> Job:
        # Session methods take no JobControl; wrap them so the runner can call them.
        job = self._runner.submit(lambda control, *a: method(*a), *args, name=method.__name__)
        job.failed.connect(self.failed)
        return job

    def _stop_run_job(self) -> None:
        if self._run_job is not None:
            self._run_job.stop()
            self._run_job = None

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def _on_frame(self, job: Job, frame) -> None:
        if job is not self._run_job:
            return  # a frame from a run that was just replaced
        if self.state == LOADING:
            self._set_state(RUNNING)
        self.frame.emit(frame)

    def _on_returned(self, job: Job, frame) -> None:
        if job is not self._run_job:
            return
        self._run_job = None
        self.frame.emit(frame)
        self._set_state(FINISHED)

    def _on_run_failed(self, job: Job, message: str) -> None:
        if job is self._run_job:
            self._run_job = None
            self._set_state(IDLE if self.state == LOADING else STOPPED)
        self.failed.emit(message)

    def _on_run_stopped(self, job: Job) -> None:
        if job is self._run_job:  # stopped from inside (shutdown), not by our request
            self._run_job = None
            self._set_state(STOPPED)
