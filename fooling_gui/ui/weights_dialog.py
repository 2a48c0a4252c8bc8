"""Getting an ImageNet model's weights: download (progress, cancel) or locate a file.

The download and the file check run as jobs on their own :class:`JobRunner`, so the
window and any running evolution stay responsive; cancelling removes the partial file.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from .job_thread import Job, JobRunner


def _download_job(control, name: str):
    from ..core.models.torchvision_models import download_weights

    def progress(done: int, total: int) -> bool:
        control.publish((done, total))
        return not control.stop_requested

    return str(download_weights(name, progress))


def _install_job(control, name: str, path: str):
    from ..core.models.torchvision_models import install_weights_file

    return str(install_weights_file(name, path))


class WeightsDialog(QDialog):
    """Asks how to get the missing weights of ``name``; ``accept()`` once they are in place.

    Args:
        name: torchvision model name.
        runner: where the download and the file check run (not the evolution thread).
        allow_random: offer "use random weights" (the architecture only, clearly flagged).
    """

    def __init__(self, name: str, runner: JobRunner, parent=None, allow_random: bool = True):
        super().__init__(parent)
        from ..core.models.torchvision_models import describe, display_name, weights_file

        self.name = name
        self.use_random = False
        self._runner = runner
        self._job: Job | None = None
        self.setWindowTitle(f"{display_name(name)} weights")
        self.setMinimumWidth(520)
        dest = weights_file(name)
        self.message = QLabel(
            f"<b>{describe(name)}</b><br>The trained weights are not on this computer yet. "
            f"Download them (once; they are kept in <tt>{dest.parent}</tt>), or point to "
            f"a copy of <tt>{dest.name}</tt> you already have.")
        self.message.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.hide()
        self.error = QLabel(objectName="muted")
        self.error.setWordWrap(True)
        self.error.hide()

        self.download_button = QPushButton("Download", objectName="primary")
        self.locate_button = QPushButton("Locate weights file…")
        self.random_button = QPushButton("Use random weights")
        self.random_button.setToolTip("Try the architecture untrained; results are marked "
                                      "RANDOM WEIGHTS and mean nothing about the real network")
        self.random_button.setVisible(allow_random)
        self.cancel_button = QPushButton("Cancel")
        self.download_button.clicked.connect(self.start_download)
        self.locate_button.clicked.connect(self.locate)
        self.random_button.clicked.connect(self._choose_random)
        self.cancel_button.clicked.connect(self._cancel)

        buttons = QHBoxLayout()
        buttons.addWidget(self.download_button)
        buttons.addWidget(self.locate_button)
        buttons.addWidget(self.random_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    # -- actions -------------------------------------------------------------------
    def start_download(self) -> None:
        self._busy(True, "Connecting…")
        job = self._runner.submit(_download_job, self.name, name="download weights")
        self._track(job)
        job.yielded.connect(self._progress)

    def locate(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Locate weights file", "",
                                                  "PyTorch weights (*.pth *.pt);;All files (*)")
        if not path:
            return
        self._busy(True, "Checking the file…")
        self.progress.setRange(0, 0)  # indeterminate while it loads
        self._track(self._runner.submit(_install_job, self.name, str(path), name="install weights"))

    def _choose_random(self) -> None:
        self.use_random = True
        self.accept()

    def _cancel(self) -> None:
        if self._job is not None:
            self._job.stop()  # the download removes its partial file
            self.progress.setFormat("Cancelling…")
        else:
            self.reject()

    def reject(self) -> None:
        if self._job is not None:  # Esc or the close button during a download
            self._job.stop()
        super().reject()

    # -- job plumbing --------------------------------------------------------------
    def _track(self, job: Job) -> None:
        self._job = job
        job.returned.connect(lambda _path: self.accept())
        job.failed.connect(self._failed)
        job.stopped.connect(lambda: self._busy(False))
        job.finished.connect(self._job_finished)

    def _job_finished(self) -> None:
        self._job = None

    def _progress(self, value) -> None:
        done, total = value
        mb = done / 2**20
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * done / total))
            self.progress.setFormat(f"{mb:.0f} of {total / 2**20:.0f} MB")
        else:
            self.progress.setRange(0, 0)
            self.progress.setFormat(f"{mb:.0f} MB")

    def _failed(self, message: str) -> None:
        self._busy(False)
        self.error.setText(message)
        self.error.show()
        self.adjustSize()  # make room for the message

    def _busy(self, busy: bool, text: str = "") -> None:
        self.progress.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)
            self.progress.setFormat(text)
            self.error.hide()
        for b in (self.download_button, self.locate_button, self.random_button):
            b.setEnabled(not busy)
        self.adjustSize()
