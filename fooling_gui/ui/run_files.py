"""The Evolution tab's files: one elite as a PNG, a rendering, the run's gallery.

:class:`RunFiles` asks where (a file dialog), writes single images with their provenance
in the GUI thread (a few kilobytes) and has the worker write galleries (every elite,
with the run going on). Messages go out as ``status`` and ``error`` signals.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ..core.errors import FoolingError
from ..core.gallery.export import slug
from ..sessions.elite_files import elite_png_text, gallery_folder_name


class RunFiles(QObject):
    """Save and export dialogs for one evolution worker's run.

    Args:
        worker: the evolution worker (writes galleries in its thread).
        settings: remembers the last folder.
        parent: the widget dialogs open over.

    Signals:
        status(str): progress and results, for the status bar.
        error(str): something could not be written (one sentence).
    """

    status = Signal(str)
    error = Signal(str)

    def __init__(self, worker, settings, parent: QWidget):
        super().__init__(parent)
        self._worker = worker
        self._settings = settings
        self._parent = parent

    # -- single images -------------------------------------------------------------
    def save_image(self, details) -> None:
        """Ask where to save an inspected elite (EliteDetails), then save it."""
        start = Path(self._settings.get("export/last_folder")) / f"{slug(details.class_name)}.png"
        path, _ = QFileDialog.getSaveFileName(self._parent, "Save image", str(start),
                                              "PNG image (*.png)")
        if path:
            self.save_details_png(details, path)

    def save_rendering(self, details, result) -> None:
        """Ask where to save a high-resolution rendering (RenderResult) of ``details``."""
        h, w = result.image.shape[:2]
        start = (Path(self._settings.get("export/last_folder"))
                 / f"{slug(result.class_name)}_{w}px.png")
        path, _ = QFileDialog.getSaveFileName(self._parent, f"Save the {w}×{h} rendering",
                                              str(start), "PNG image (*.png)")
        if path:
            self.save_details_png(details, path, result.image)

    def save_details_png(self, details, path: str | Path, image: np.ndarray | None = None) -> Path:
        """Write the inspected elite (or its high-resolution rendering) with provenance."""
        from ..core.gallery import write_png

        path = Path(path)
        if path.suffix.lower() != ".png":
            path = path.with_suffix(".png")
        try:
            write_png(path, details.image if image is None else image, elite_png_text(details))
        except FoolingError as exc:
            self.error.emit(str(exc))
            return path
        self._settings.set("export/last_folder", str(path.parent))
        self.status.emit(f"Saved {path}")
        return path

    # -- galleries -----------------------------------------------------------------
    def export_gallery(self, frame) -> None:
        """File → Export gallery: choose a parent folder; a named gallery folder goes in it."""
        if frame is None:
            self.error.emit("There is nothing to export yet; start a run first.")
            return
        parent = QFileDialog.getExistingDirectory(self._parent, "Choose where to put the gallery",
                                                  self._settings.get("export/last_folder"))
        if not parent:
            return
        out = Path(parent) / gallery_folder_name(frame)
        overwrite = False
        if out.exists() and any(out.iterdir()):
            answer = QMessageBox.question(self._parent, "Replace gallery?",
                                          f"{out} already exists. Replace it?")
            if answer != QMessageBox.StandardButton.Yes:
                return
            overwrite = True
        # Named in the worker, after the generation the run has reached by then.
        self.export_gallery_to(Path(parent), overwrite, name_in=True)

    def export_gallery_to(self, out_dir: str | Path, overwrite: bool = False,
                          name_in: bool = False):
        """Export the current run's elites to ``out_dir`` (in the worker thread); with
        ``name_in``, into a folder in ``out_dir`` named after the run when it is written."""
        out_dir = Path(out_dir)
        self._settings.set("export/last_folder", str(out_dir if name_in else out_dir.parent))
        job = self._worker.export(out_dir, overwrite, name_in)
        job.returned.connect(
            lambda manifest: self.status.emit(f"Gallery written to {Path(manifest).parent}"))
        self.status.emit(f"Exporting to {out_dir}…")
        return job
