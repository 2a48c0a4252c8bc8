"""Long jobs as generators in a worker QThread (superqt style), reusable by every pane.

A *job* is a callable ``fn(control, *args, **kwargs)`` run in the worker thread. It
either returns a value (a short request: "score this image") or is a generator that
yields between steps (a long job: "evolve", "optimise", "attack")::

    def evolve(control, run):
        while not run.finished:
            run.step()
            # Build the expensive snapshot only when it will be drawn.
            yield run.snapshot() if control.emit_due() else None
        return run.snapshot()

    runner = JobRunner(parent=window)          # one worker thread, started now
    job = runner.submit(evolve, run)           # a Job handle, in the GUI thread
    job.yielded.connect(view.draw)             # latest value only, ≤ ~30 per second
    job.failed.connect(show_message)           # one sentence; the app lives on
    job.pause(); job.resume(); job.stop()      # thread-safe, take effect at the next yield
    runner.shutdown()                          # on close: stop everything, join the thread

Guarantees:

* **Interleaving.** All jobs of one runner share its thread and advance one yield at
  a time, round robin, so a short request submitted during a long job runs at the
  long job's next yield. They never run at the same instant, so state owned by the
  worker thread (a loaded model, a run) needs no lock.
* **Pause, resume, stop** act between yields. Code with long steps calls
  ``control.checkpoint()`` inside them (blocks while paused, raises :class:`JobStopped`
  when stopped), so both take effect within one chunk of work.
* **Throttling with no backlog.** A yielded value is sent to the GUI only when the
  previous one was delivered and ``interval_s`` has passed; otherwise it waits as the
  single pending value and a newer one replaces it (``None`` never does). A job's
  pending value is flushed when it pauses or ends. Jobs whose values carry history
  (``Snapshot.new_stats``) build them only when :meth:`JobControl.emit_due` is true.
* **Failures.** :class:`~fooling_gui.core.errors.FoolingError` becomes ``failed`` with
  its sentence; any other exception becomes ``"Unexpected error: …"`` with the
  traceback logged. The thread and the other jobs carry on.
* **References.** The runner keeps every job handle until ``finished`` is emitted;
  after that signal every slot is disconnected from the handle, so slots that
  capture it do not keep it alive.
"""

from __future__ import annotations

import inspect
import itertools
import logging
import warnings
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThread, QTimer, Signal, Slot

from ..core.errors import FoolingError
from ..sessions.job_control import DEFAULT_INTERVAL_S, JobControl, JobStopped

log = logging.getLogger(__name__)

class Job(QObject):
    """GUI-thread handle of one submitted job. Signals arrive in the GUI thread.

    Signals:
        started: the job began running in the worker thread.
        yielded(object): the latest value (throttled, see the module docstring).
        returned(object): the function's or generator's return value.
        failed(str): one sentence describing why the job failed.
        stopped: the job ended because :meth:`stop` was called.
        paused, resumed: the worker honoured :meth:`pause` / :meth:`resume`.
        finished: always the last signal, however the job ended.
    """

    started = Signal()
    yielded = Signal(object)
    returned = Signal(object)
    failed = Signal(str)
    stopped = Signal()
    paused = Signal()
    resumed = Signal()
    finished = Signal()

    def __init__(self, job_id: int, name: str, control: JobControl, runner: JobRunner):
        # No Qt parent: the runner holds a strong reference until ``finished``, then
        # Python owns the handle (a deleteLater'd child races with the runner's end).
        super().__init__()
        self.id = job_id
        self.name = name
        self.control = control
        self._runner = runner
        self.is_running = False
        self.is_finished = False

    def pause(self) -> None:
        self.control.pause()
        self._runner._wake.emit()

    def resume(self) -> None:
        self.control.resume()
        self._runner._wake.emit()

    def stop(self) -> None:
        self.control.stop()
        self._runner._wake.emit()

    @property
    def is_paused(self) -> bool:
        return self.control.paused


@dataclass
class _Active:
    """A job as the worker thread sees it."""

    id: int
    name: str
    fn: Callable
    args: tuple
    kwargs: dict
    control: JobControl
    gen: Generator | None = None
    begun: bool = False
    pending: Any = None
    was_paused: bool = False


class _Worker(QObject):
    """Lives in the worker thread and steps the jobs round robin."""

    event = Signal(int, str, object)  # job id, kind, payload → GUI thread

    def __init__(self):
        super().__init__()
        self._jobs: list[_Active] = []
        self._tick_scheduled = False
        self._closing = False

    @Slot(object)
    def add(self, job: _Active) -> None:
        if self._closing:
            self.event.emit(job.id, "stopped", None)
            self.event.emit(job.id, "finished", None)
            return
        job.control._publish = lambda value, j=job: self._offer(j, value)
        job.control._notify = lambda kind, j=job: self._held(j, kind)
        self._jobs.append(job)
        self._schedule()

    @Slot()
    def wake(self) -> None:
        self._schedule()

    @Slot()
    def close(self) -> None:
        """Stop every job (their ``finally`` blocks run) and end the thread's loop."""
        self._closing = True
        for job in list(self._jobs):
            job.control.stop()
            self._end(job, "stopped", None)
        QThread.currentThread().quit()

    # -- scheduling ----------------------------------------------------------------
    def _schedule(self) -> None:
        if not self._tick_scheduled and self._jobs:
            self._tick_scheduled = True
            # 0 ms: the thread's event loop delivers queued requests between ticks.
            QTimer.singleShot(0, self._tick)

    def _tick(self) -> None:
        self._tick_scheduled = False
        runnable = False
        for job in list(self._jobs):
            if job.control.stop_requested:
                self._end(job, "stopped", None)
            elif job.control.paused:
                if not job.was_paused:
                    job.was_paused = True
                    self._flush(job)
                    self.event.emit(job.id, "paused", None)
            else:
                if job.was_paused:
                    job.was_paused = False
                    self.event.emit(job.id, "resumed", None)
                self._advance(job)
                runnable = True
        if runnable:
            self._schedule()

    def _held(self, job: _Active, kind: str) -> None:
        """A job paused (or resumed) inside a long step, at a checkpoint."""
        if kind == "paused" and not job.was_paused:
            job.was_paused = True
            self._flush(job)
            self.event.emit(job.id, "paused", None)
        elif kind == "resumed" and job.was_paused:
            job.was_paused = False
            self.event.emit(job.id, "resumed", None)

    def _advance(self, job: _Active) -> None:
        try:
            if not job.begun:
                job.begun = True
                self.event.emit(job.id, "started", None)
                result = job.fn(job.control, *job.args, **job.kwargs)
                if not inspect.isgenerator(result):
                    self._end(job, "returned", result)
                    return
                job.gen = result
            value = next(job.gen)
        except StopIteration as stop:
            self._end(job, "returned", stop.value)
            return
        except JobStopped:
            self._end(job, "stopped", None)
            return
        except FoolingError as exc:
            # After a stop request (a cancelled download…) the error is just the stop.
            if job.control.stop_requested:
                self._end(job, "stopped", None)
            else:
                self._end(job, "failed", str(exc))
            return
        except Exception as exc:
            log.exception("Job %r failed", job.name)
            first_line = (str(exc).strip().splitlines() or [""])[0].rstrip(".")
            self._end(job, "failed", f"Unexpected error: {type(exc).__name__}"
                      f"{': ' + first_line if first_line else ''} (details in the log).")
            return
        self._offer(job, value)

    def _offer(self, job: _Active, value: Any) -> None:
        if value is not None:
            job.pending = value
        if job.pending is not None and job.control.emit_due():
            self._flush(job)

    def _flush(self, job: _Active) -> None:
        if job.pending is not None:
            value, job.pending = job.pending, None
            job.control._mark_sent()
            self.event.emit(job.id, "yielded", value)

    def _end(self, job: _Active, kind: str, payload: Any) -> None:
        if job in self._jobs:
            self._jobs.remove(job)
        if job.gen is not None:
            try:
                job.gen.close()  # runs the job's finally blocks
            except Exception:
                log.exception("Job %r failed while closing", job.name)
        self._flush(job)
        job.control._publish = None
        job.control._notify = None
        self.event.emit(job.id, kind, payload)
        self.event.emit(job.id, "finished", None)


class JobRunner(QObject):
    """One worker thread running :class:`Job` s; create it in the GUI thread.

    Args:
        name: thread name (shows in debuggers and logs).
        parent: usually the widget whose jobs these are.
    """

    _submit = Signal(object)
    _wake = Signal()
    _close = Signal()

    def __init__(self, name: str = "jobs", parent: QObject | None = None):
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._jobs: dict[int, Job] = {}
        self._thread = QThread()
        self._thread.setObjectName(name)
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        # Queued: the worker's slots run in its own thread.
        self._submit.connect(self._worker.add)
        self._wake.connect(self._worker.wake)
        self._close.connect(self._worker.close)
        self._worker.event.connect(self._on_event)
        self._thread.start()

    def submit(self, fn: Callable, *args, name: str | None = None,
               interval_s: float = DEFAULT_INTERVAL_S, **kwargs) -> Job:
        """Run ``fn(control, *args, **kwargs)`` in the worker thread; returns its handle.

        Connect to the handle's signals right away (in the same GUI-thread call):
        nothing is delivered before control returns to the event loop.
        """
        job_id = next(self._ids)
        control = JobControl(interval_s)
        handle = Job(job_id, name or getattr(fn, "__name__", "job"), control, self)
        self._jobs[job_id] = handle
        if not self._thread.isRunning():
            # After shutdown (a late timer while the window closes): never runs.
            control.stop()
            QTimer.singleShot(0, lambda: (self._on_event(job_id, "stopped", None),
                                          self._on_event(job_id, "finished", None)))
            return handle
        self._submit.emit(_Active(job_id, handle.name, fn, args, kwargs, control))
        return handle

    def jobs(self) -> list[Job]:
        """Handles of the jobs not finished yet, oldest first."""
        return list(self._jobs.values())

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    def stop_all(self) -> None:
        for job in self.jobs():
            job.stop()

    def request_stop(self) -> None:
        """Tell every job to stop and the thread to end, without waiting (on quit, all
        runners are told first, then each is joined by :meth:`shutdown`)."""
        if not self._thread.isRunning():
            return
        for job in self.jobs():
            job.control.stop()
        self._close.emit()

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop all jobs, end the thread and wait for it; True when it ended in time."""
        ok = True
        if self._thread.isRunning():  # it may have ended already (request_stop on quit)
            self.request_stop()
            ok = self._thread.wait(timeout_ms)
        if not ok:
            log.warning("Worker thread %r did not stop within %d ms",
                        self._thread.objectName(), timeout_ms)
        # Deliver the worker's last events (stopped, finished) now, so every handle
        # reports its end even though the GUI event loop may be closing too.
        QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
        for job in self.jobs():  # only when the thread did not end in time
            job.is_running = False
            job.is_finished = True
        self._jobs.clear()
        return ok

    @Slot(int, str, object)
    def _on_event(self, job_id: int, kind: str, payload: Any) -> None:
        job = self._jobs.get(job_id)
        if job is None:
            return
        if kind == "yielded":
            try:
                job.yielded.emit(payload)
            finally:
                job.control._mark_delivered()
                self._wake.emit()  # a pending value may be due now
        elif kind == "started":
            job.is_running = True
            job.started.emit()
        elif kind == "returned":
            job.returned.emit(payload)
        elif kind == "failed":
            job.failed.emit(payload)
        elif kind == "stopped":
            job.stopped.emit()
        elif kind == "paused":
            job.paused.emit()
        elif kind == "resumed":
            job.resumed.emit()
        elif kind == "finished":
            job.is_running = False
            job.is_finished = True
            del self._jobs[job_id]
            try:
                job.finished.emit()
            finally:
                _release(job)


def _release(job: Job) -> None:
    """Disconnect every slot from an ended job's signals.

    Slots are often lambdas that capture their job (``lambda f, j=job: …``): a cycle
    through Qt's connection list that Python's collector cannot see, so without this
    every job would stay in memory for good (thousands a day in the kiosk).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "Failed to disconnect": none
        for signal in (job.started, job.yielded, job.returned, job.failed, job.stopped,
                       job.paused, job.resumed, job.finished):
            signal.disconnect()
