"""What the kiosk does next: attract loop, visits, idle time-outs, recovery from failures.

The controller owns an :class:`~fooling_gui.ui.evolution_worker.EvolutionWorker` (with a
:class:`~fooling_gui.sessions.paced_session.PacedSession`), drives the window's pages and
keeps the counters the heartbeat and ``--stats`` report. States::

    attract ──touch──▶ choosing ──class──▶ visiting ──done──▶ result ⇄ why
       ▲                  │                    │                 │
       └──── idle time-out, "back", or a worker failure ─────────┘
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from ...core.evolution import RunConfig
from ...core.gallery.export import slug
from ...sessions.model_cache import ModelCache, ModelKey
from ...sessions.paced_session import PacedSession, SavedImage
from ...sessions.run_builder import RunChoices
from ..evolution_worker import FINISHED, EvolutionWorker
from .config import KioskConfig
from .examples import Example, example_for
from .guarded_worker import GuardedWorker
from .heartbeat import trim_heap
from .idle import IdleWatch
from .rotation import Rotation
from .texts import Texts
from .window import KioskWindow

# Named faster options the kiosk uses instead of the paper's (see packaging/kiosk.toml).
# A kiosk run evolves one class, so its archive holds one image and every pair of
# parents is that image twice: the paper's SBX of an image with itself turns it grey
# (Sferes resets genes on which the parents agree to 0.5), wasting half the offspring.
# With the paper's pixel coordinates the CPPN "1" reached 99.99 % within 200
# generations in only 3 of 8 seeds; the smooth coordinates reach every digit within
# about 50 (README, MNIST table).
KIOSK_SETTINGS = {"direct": {"crossover_rate": 0.0}, "cppn": {"coordinates": "smooth"}}

log = logging.getLogger(__name__)

ATTRACT, CHOOSING, VISITING, RESULT, WHY = "attract", "choosing", "visiting", "result", "why"
VISITOR_STATES = (CHOOSING, VISITING, RESULT, WHY)
RECOVER_DELAYS_S = (3.0, 10.0, 30.0, 60.0)  # real seconds after 1, 2, 3, ≥4 failures in a row
ERRORS_KEPT = 50  # the newest error messages kept (the count is exact)


class KioskController(QObject):
    """Runs the exhibit on ``window``.

    Args:
        config: the kiosk settings.
        texts: captions and cards.
        window: the kiosk window (pages are driven from here).
        worker_factory: makes a fresh evolution worker (at start and after a stall);
            tests pass one with a failing or slow session.

    Signals:
        state_changed(str): one of the states above.
    """

    state_changed = Signal(str)

    def __init__(self, config: KioskConfig, texts: Texts, window: KioskWindow,
                 worker_factory: Callable[[], EvolutionWorker] | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.config = config
        self.texts = texts
        self.window = window
        # One model cache for every worker the watchdog makes: a replacement finds the
        # models already loaded.
        models = ModelCache(device=config.device)
        factory = worker_factory or (lambda: EvolutionWorker(PacedSession(
            config.pace, config.target_confidence, device=config.device, models=models)))
        self.worker = GuardedWorker(factory, config.stall_seconds, self)
        self.worker.frame.connect(self._on_frame)
        self.worker.state_changed.connect(self._on_state)
        self.worker.failed.connect(self._on_failed)
        self.worker.image_saved.connect(self._on_saved)
        self.worker.stalled.connect(self._on_stalled)
        self.state = ATTRACT
        self.attract_phase = "starting"
        self.attract_cycles = 0
        self.visitor_sessions = 0
        self.saved_images = 0
        self.generations_shown = 0
        self._frame_cursor = None  # where the drawn frames of the current run stand
        self.error_count = 0
        self.errors: list[str] = []
        self.rotation = Rotation(config)
        self._failures_in_a_row = 0
        self._seed = config.seed
        self._examples_shown = 0
        self._run: RunConfig | None = None  # the run whose frames are drawn
        self._run_purpose = ""
        self._run_info = None
        self._loading: str | None = None  # model whose info is being loaded
        self._when_loaded: list[Callable[[], None]] = []  # to call once it is
        self._card = 0
        self.recover_delays_s = RECOVER_DELAYS_S

        self._hold = QTimer(self, singleShot=True, interval=config.scaled_ms(config.hold_seconds))
        self._hold.timeout.connect(self._hold_done)
        self._recover = QTimer(self, singleShot=True)
        self._recover.timeout.connect(self._next_attract)
        self._visit_soon = QTimer(self, singleShot=True, interval=0)
        self._visit_soon.timeout.connect(self.begin_visit)
        self.idle = IdleWatch(config.scaled_ms(config.idle_seconds),
                              config.scaled_ms(config.warning_seconds), self)
        self.idle.warning.connect(self._idle_warning)
        self.idle.tick.connect(window.idle.set_seconds)
        self.idle.cancelled.connect(window.idle.hide)
        self.idle.expired.connect(self.end_visit)
        self._wire_window()

    # -- set-up --------------------------------------------------------------------
    def _wire_window(self) -> None:
        w = self.window
        w.chooser.chosen.connect(self.choose)
        w.chooser.back.connect(self.end_visit)
        w.visitor.why.connect(self.show_why)
        w.visitor.again.connect(self.try_another)
        w.visitor.back.connect(self.end_visit)
        w.why.next_card.connect(self.next_card)
        w.why.again.connect(self.try_another)
        w.why.back.connect(self.end_visit)
        w.idle.keep_going.connect(self.keep_going)

    def start(self) -> None:
        self.window.show_page(self.window.attract)
        self.worker.start_watching()
        self._next_attract()

    def shutdown(self) -> None:
        """Stop every timer and the worker thread (on quit)."""
        for timer in (self._hold, self._recover, self._visit_soon):
            timer.stop()
        self.idle.stop()
        self.worker.shutdown(5000)

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    # -- models and runs -------------------------------------------------------------
    def _with_info(self, model: str, then: Callable[[], None]) -> bool:
        """True when ``model``'s info is known; else load it and call ``then`` once ready."""
        if model in self.rotation.infos:
            return True
        if then not in self._when_loaded:
            self._when_loaded.append(then)
        if self._loading != model:
            self._loading = model
            self.worker.load_model(ModelKey(model), lambda info: self._info_ready(model, info))
        return False

    def _info_ready(self, model: str, info) -> None:
        self.rotation.infos[model] = info
        self._loading = None
        waiting, self._when_loaded = self._when_loaded, []
        for then in waiting:  # each checks the state it was meant for
            then()

    def _start_run(self, purpose: str, model: str, info, class_index: int) -> None:
        c = self.config
        # The kiosk scores centre crops; eval_batch is the model's, as for every run.
        self._run = RunChoices(ModelKey(model), c.encoding, generations=c.max_generations,
                               seed=self._seed, batch=c.batch, classes=(class_index,),
                               device=c.device, ten_crop=False,
                               encoding_params=KIOSK_SETTINGS[c.encoding]).config(info)
        self._seed = (self._seed + 1) % 2**31
        self._run_purpose, self._run_info = purpose, info
        self._frame_cursor = None  # the new run's first frame is whole
        self.worker.start(self._run)

    def _example(self, model: str, info, class_index: int) -> Example | None:
        self._examples_shown += 1
        return example_for(info, model, class_index, self._examples_shown,
                           self.config.examples_folder)

    def _label(self, info, class_index: int) -> str:
        """The class as visitors read it (the configuration's plain name, if any)."""
        return self.config.plain_name(info.class_names[class_index])

    def _on_frame(self, frame) -> None:
        if self._run is None or frame.config is not self._run:
            return  # from a run that was replaced or reset
        snap = frame.snapshot
        if not snap.follows(self._frame_cursor):  # a frame was lost: catch up with all
            self.worker.request_frame(whole=True)
            return
        shown = self._frame_cursor.history_length if self._frame_cursor is not None else 0
        self._frame_cursor = snap.cursor
        self._failures_in_a_row = 0
        self.rotation.record_success(self._run.model)
        self.generations_shown += snap.cursor.history_length - shown
        page = self.window.attract if self._run_purpose == "attract" else self.window.visitor
        page.show_frame(frame, self.config.target_confidence)

    def _on_state(self, state: str) -> None:
        if state != FINISHED or self._run is None:
            return
        purpose, self._run = self._run_purpose, None
        if purpose == "attract" and self.state == ATTRACT:
            self.attract_phase = "holding"
            self.window.attract.show_done()
            self._hold.start()
        elif purpose == "visitor" and self.state == VISITING:
            self._set_state(RESULT)
            self.window.visitor.show_done()
            self._save_visitor_image()

    # -- attract loop ----------------------------------------------------------------
    def _next_attract(self) -> None:
        if self.state != ATTRACT:
            return
        model = self.rotation.model
        if model is None:
            self._rest(self.texts.caption("resting"))
            return
        if not self._with_info(model, self._next_attract):
            self.attract_phase = "loading"
            self.window.attract.show_loading()
            return
        info = self.rotation.infos[model]
        cls = self.rotation.current_class()
        self.attract_phase = "evolving"
        self.window.attract.begin(self._label(info, cls), self._example(model, info, cls))
        self._start_run("attract", model, info, cls)

    def _hold_done(self) -> None:
        if self.state != ATTRACT:
            return
        self.attract_cycles += 1
        trim_heap()  # between runs, nothing big is in use: keep resident memory flat
        self.rotation.advance()
        self._next_attract()

    def _stop_runs(self) -> None:
        self._hold.stop()
        self._recover.stop()
        self._run = None
        self.worker.reset()

    # -- visits --------------------------------------------------------------------
    def on_press(self) -> None:
        """A touch, click or key anywhere (from the activity monitor)."""
        if self.window.pin is not None and self.window.pin.isVisible():
            return  # staff are typing the PIN
        if self.state == ATTRACT:
            self._visit_soon.start()  # after this press has been delivered
        else:
            self.idle.poke()

    def on_move(self) -> None:
        if self.state in VISITOR_STATES and not self.idle.warning_shown:
            self.idle.poke()

    def begin_visit(self) -> None:
        if self.state != ATTRACT:
            return
        was_showing = self._run is not None or self._hold.isActive()
        self._stop_runs()
        if was_showing:
            self.rotation.advance()  # the show resumes with something new
        self.visitor_sessions += 1
        self._set_state(CHOOSING)
        self.idle.start()
        self._show_chooser()

    def _show_chooser(self) -> None:
        if self.state != CHOOSING:
            return
        page = self.window.chooser
        model = self.rotation.model
        self.window.show_page(page)
        if model is None:
            return
        if not self._with_info(model, self._show_chooser):
            page.caption.setText(self.texts.caption("loading"))
            return
        info = self.rotation.infos[model]
        page.caption.setText(self.texts.caption("choose_hint"))
        page.set_classes([(c, self._label(info, c)) for c in self.rotation.classes(model)])

    def choose(self, class_index: int) -> None:
        model = self.rotation.model
        if self.state != CHOOSING or model not in self.rotation.infos:
            return
        info = self.rotation.infos[model]
        self._set_state(VISITING)
        self._card = 0
        self.window.visitor.begin(self._label(info, class_index),
                                  self._example(model, info, class_index))
        self.window.show_page(self.window.visitor)
        self._start_run("visitor", model, info, class_index)

    def show_why(self) -> None:
        if self.state not in (RESULT, WHY):
            return
        self._set_state(WHY)
        self._show_card()
        self.window.show_page(self.window.why)

    def next_card(self) -> None:
        if self.state == WHY:
            self._card += 1
            self._show_card()

    def _show_card(self) -> None:
        r = self.window.visitor.result
        info = self._run_info
        h, w = info.image_size
        values = self.texts.values(r.label, r.confidence, pixels=h * w * info.channels,
                                   n_classes=len(info.class_names))
        cards = self.texts.cards(values)
        title, text = cards[self._card % len(cards)]
        verdict = (f"{self.texts.caption('verdict_lead', **values)} {values['confidence']} "
                   f"{self.texts.caption('verdict_class', **values)}")
        self.window.why.show_card(title, text, r.evolved.shown, verdict,
                                  (self._card % len(cards) + 1, len(cards)))

    def try_another(self) -> None:
        if self.state not in VISITOR_STATES:
            return
        self._stop_runs()
        self._set_state(CHOOSING)
        self._show_chooser()

    def keep_going(self) -> None:
        self.idle.poke()

    def end_visit(self) -> None:
        """Back to the attract loop with the visitor's state cleared."""
        if self.state not in VISITOR_STATES:
            return
        self._go_attract()
        self._next_attract()

    def _go_attract(self) -> None:
        self.idle.stop()
        self.window.idle.hide()
        self._stop_runs()
        self.window.visitor.result.clear()
        self.window.why.show_card("", "", None, "")
        self._run_info = None
        self._card = 0
        trim_heap()
        self._set_state(ATTRACT)
        self.window.show_page(self.window.attract)

    def _idle_warning(self) -> None:
        if self.state in VISITOR_STATES:
            self.window.idle.cover()

    def _save_visitor_image(self) -> None:
        folder = self.config.gallery_folder
        if folder is None:
            return
        r = self.window.visitor.result
        name = f"{datetime.now():%Y%m%d-%H%M%S}-{self.visitor_sessions:05d}-{slug(r.label)}"
        self.worker.save_image(Path(folder) / name)

    def _on_saved(self, saved: SavedImage) -> None:
        if saved.folder is not None:
            self.saved_images += 1
            if self.state in (RESULT, WHY):
                self.window.visitor.show_notice(self.texts.caption("saved"))
        else:  # the visit goes on; staff see it in the heartbeat
            self.record_error(f"A visitor's picture could not be saved: {saved.problem}")

    # -- failures ------------------------------------------------------------------
    def record_error(self, message: str) -> None:
        self.error_count += 1
        self.errors.append(message)
        del self.errors[:-ERRORS_KEPT]
        log.warning("Kiosk error (%d so far): %s", self.error_count, message)

    def _on_failed(self, message: str) -> None:
        model = self._run.model if self._run is not None else self._loading
        self._loading = None
        self._when_loaded = []
        self.record_error(message)
        if model is not None:
            self.rotation.record_failure(model)
        self._recover_to_attract()

    def _recover_to_attract(self) -> None:
        """After a failure: the attract screen at once, the loop again after a pause."""
        self._failures_in_a_row += 1
        if self.state in VISITOR_STATES:
            self._go_attract()
        else:
            self._stop_runs()
        delays = self.recover_delays_s
        delay = delays[min(self._failures_in_a_row, len(delays)) - 1]
        self._rest(self.texts.caption("resting"), delay)

    def _rest(self, caption: str, delay_s: float | None = None) -> None:
        delay_s = self.recover_delays_s[-1] if delay_s is None else delay_s
        self.attract_phase = "resting"
        self.window.attract.show_resting()
        self.window.attract.caption.setText(caption)
        self._recover.start(int(delay_s * 1000))

    def _on_stalled(self) -> None:
        self._loading = None
        self._when_loaded = []
        self._run = None
        self.rotation.infos.clear()  # the new worker loads its models afresh
        self.record_error("The evolution worker stopped responding and was restarted.")
        self._recover_to_attract()

    # -- reporting -----------------------------------------------------------------
    def status(self) -> dict:
        """Counters and state, for the heartbeat and ``--stats``."""
        busy = self.worker.busy_since
        return {
            "state": self.state,
            "attract_phase": self.attract_phase,
            "model": self.rotation.model,
            "attract_cycles": self.attract_cycles,
            "visitor_sessions": self.visitor_sessions,
            "saved_images": self.saved_images,
            "generations_shown": self.generations_shown,
            "error_count": self.error_count,
            "last_error": self.errors[-1] if self.errors else None,
            "waiting_on_worker_s": round(time.monotonic() - busy, 1) if busy else 0.0,
        }
