"""The main window: a tab per pane (Evolution first), menus, status bar, saved layout.

Other panes ("Feature visualisation", "Adversarial", "Defences") are added with
:meth:`MainWindow.add_pane`. A pane that owns worker threads gives itself a
``shutdown()`` method; the window calls it on close, before the threads would be
destroyed.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from .. import __version__
from .evolution_view import EvolutionView
from .job_thread import JobRunner
from .panes import install_panes
from .settings import Settings
from .widgets.status_message import StatusMessage

DEFAULT_SIZE = (1400, 900)


class MainWindow(QMainWindow):
    """The window people open.

    Args:
        settings: persistent settings (tests pass one backed by a file in tmp_path).
        evolution: the Evolution pane (built from ``settings`` when omitted).
    """

    def __init__(self, settings: Settings, evolution: EvolutionView | None = None):
        super().__init__()
        self.settings = settings
        self.setWindowTitle("fooling-gui — images that fool neural networks")
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.evolution = evolution or EvolutionView(settings)
        self.add_pane("Evolution", self.evolution)
        self._closed = False

        self.message = StatusMessage()
        self.statusBar().addWidget(self.message, 1)
        self.gen_label = QLabel("generation —")
        self.rate_label = QLabel("— evaluations/s")
        self.model_label = QLabel("")
        for w in (self.model_label, self.gen_label, self.rate_label):
            w.setContentsMargins(8, 0, 8, 0)
            self.statusBar().addPermanentWidget(w)
        self.evolution.status.connect(self.show_status)
        self.evolution.frame_drawn.connect(self._frame_drawn)
        self.evolution.model_selected.connect(self._model_selected)
        self.tabs.currentChanged.connect(self._tab_changed)
        self._build_menus()
        install_panes(self)  # Feature visualisation and the panes after it
        self._restore_layout()

    # -- panes ---------------------------------------------------------------------
    def add_pane(self, title: str, widget: QWidget) -> int:
        """Add a pane as a tab; returns its index. Give the widget ``shutdown()`` if it
        owns threads."""
        return self.tabs.addTab(widget, title)

    def panes(self) -> list[QWidget]:
        return [self.tabs.widget(i) for i in range(self.tabs.count())]

    # -- menus ---------------------------------------------------------------------
    def _build_menus(self) -> None:
        ev = self.evolution
        file_menu = self.menuBar().addMenu("&File")
        self.export_action = self._action(file_menu, "&Export gallery…", ev.export_gallery,
                                          QKeySequence("Ctrl+E"))
        self._action(file_menu, "&Save inspected image…", ev.save_inspected,
                     QKeySequence.StandardKey.Save)
        self._action(file_menu, "Open s&weep…", self.open_sweep)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        run_menu = self.menuBar().addMenu("&Run")
        self._action(run_menu, "&Start", ev.start, QKeySequence("Ctrl+Return"))
        self._action(run_menu, "&Pause / resume", ev.toggle_pause, QKeySequence("Ctrl+P"))
        self._action(run_menu, "S&top", ev.stop, QKeySequence("Ctrl+."))
        self._action(run_menu, "&Reset", ev.reset)
        run_menu.addSeparator()
        self.back_action = self._action(run_menu, "&Back to the previous run",
                                        ev.back_to_previous_run, QKeySequence("Ctrl+B"))
        self.back_action.setEnabled(False)
        ev.previous_run_changed.connect(self._previous_run_changed)

        view_menu = self.menuBar().addMenu("&View")
        self._action(view_menu, "&Elites", ev.show_elites, QKeySequence("Ctrl+1"))
        self._action(view_menu, "&Offspring", ev.show_offspring, QKeySequence("Ctrl+2"))
        self._action(view_menu, "&Find class…", ev.find_class, QKeySequence.StandardKey.Find)

        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&About", self._about)

    def _action(self, menu, text, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        def triggered(_checked: bool = False) -> None:
            slot()  # whatever it returns, the slot returns None

        action.triggered.connect(triggered)
        menu.addAction(action)
        return action

    def open_sweep(self, path: str | None = None):
        """Browse a sweep folder (``fooling-gui sweep``); asks for it when not given."""
        from PySide6.QtWidgets import QFileDialog

        from ..core.errors import FoolingError
        from .sweep_view import open_sweep_folder

        if path is None:
            path = QFileDialog.getExistingDirectory(self, "Open a sweep folder")
            if not path:
                return None
        try:
            view = open_sweep_folder(path, self)
        except FoolingError as exc:
            QMessageBox.warning(self, "Open sweep", str(exc))
            return None
        view.show()
        return view

    def _about(self) -> None:
        QMessageBox.about(
            self, "About fooling-gui",
            f"<b>fooling-gui {__version__}</b><p>Reproduces Nguyen, Yosinski &amp; Clune, "
            "<i>Deep Neural Networks are Easily Fooled: High Confidence Predictions for "
            "Unrecognizable Images</i> (CVPR 2015): evolution finds images a network labels "
            "with 99.99 % confidence although no person recognises them.</p>"
            "<p>Sample MNIST digits: LeCun &amp; Cortes, CC BY-SA 3.0.</p>")

    # -- status --------------------------------------------------------------------
    def show_status(self, text: str) -> None:
        """A passing message (every pane's ``status`` signal ends here)."""
        self.message.show_message(text)

    def _frame_drawn(self, frame) -> None:
        snap = frame.snapshot
        self.gen_label.setText(f"generation {max(snap.generation, 0):,}")
        self.rate_label.setText(f"{snap.evals_per_second:,.0f} evaluations/s")
        self.model_label.setText(f"{snap.model_label} · {snap.encoding}")

    def _model_selected(self, text: str) -> None:
        # A newly chosen model: the counters of the run it replaces would mislead.
        if not self.evolution.running:
            self.model_label.setText(text)
            self.gen_label.setText("generation —")
            self.rate_label.setText("— evaluations/s")

    def _tab_changed(self, index: int) -> None:
        # The run's counters belong to the Evolution tab; elsewhere they would read as
        # that tab's own (and leave its messages less room).
        on_evolution = self.tabs.widget(index) is self.evolution
        for w in (self.model_label, self.gen_label, self.rate_label):
            w.setVisible(on_evolution)

    def _previous_run_changed(self, description: str) -> None:
        self.back_action.setEnabled(bool(description))
        self.back_action.setText(f"&Back to the previous run ({description})" if description
                                 else "&Back to the previous run")

    # -- layout persistence and closing --------------------------------------------
    def _restore_layout(self) -> None:
        s = self.settings
        geometry = s.get("window/geometry")
        if geometry.isEmpty() or not self.restoreGeometry(geometry):
            self.resize(*DEFAULT_SIZE)
        state = s.get("window/state")
        if not state.isEmpty():
            self.restoreState(state)
        self.evolution.restore_layout_state(
            {name: s.get(f"window/{name}") for name in ("evolution_splitter", "view_splitter")})

    def save_layout(self) -> None:
        s = self.settings
        s.set("window/geometry", self.saveGeometry())
        s.set("window/state", self.saveState())
        for name, state in self.evolution.layout_state().items():
            s.set(f"window/{name}", state)
        s.sync()

    def closeEvent(self, event) -> None:
        """Save the layout and stop every pane's workers before the window goes."""
        if not self._closed:
            self._closed = True
            self.save_layout()
            # Gone from the screen at once; then every worker is told to stop before
            # any is waited for, so they wind down together rather than in turn.
            self.hide()
            QApplication.sync()
            for runner in self.findChildren(JobRunner):
                runner.request_stop()
            for pane in self.panes():
                shutdown = getattr(pane, "shutdown", None)
                if callable(shutdown):
                    shutdown()
            self.settings.sync()
            self.settings.release()
        super().closeEvent(event)

