"""File → Open sweep…: a sweep folder's runs, their images and the transfer matrix."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QMessageBox

from fooling_gui.core.cluster import sweep_folder as folder
from fooling_gui.core.evolution.archive import Elite
from fooling_gui.core.gallery import Provenance, export_gallery


def make_sweep(root):
    """A sweep folder as `fooling-gui sweep` leaves it: one run done, one not yet."""
    elites = [Elite(k, str(k), 0.9 + k / 100, 3, np.full((28, 28, 1), 40 * k, np.uint8), None,
                    np.zeros(10, np.float32)) for k in range(4)]
    prov = Provenance("lenet", "LeNet (MNIST)", "", False, "direct", 0, 3, 80, 0.5)
    export_gallery(elites, prov, folder.gallery_dir(root, "lenet-direct-seed0"))
    rows = [{"run_id": "lenet-direct-seed0", "status": "done", "model_label": "LeNet (MNIST)",
             "encoding": "direct", "seed": 0, "generations": 3, "cells": 4,
             "median_confidence": 0.92, "wall_seconds": 0.5},
            {"run_id": "other-direct-seed0", "status": "pending", "encoding": "direct"}]
    folder.write_summary(root, rows, {"format": folder.SWEEP_FORMAT})
    folder.write_transfer(root, {
        "models": ["lenet", "other"], "runs": ["lenet-direct-seed0"],
        "cells": [{"run_id": "lenet-direct-seed0", "model": "lenet", "mean_confidence": 0.915},
                  {"run_id": "lenet-direct-seed0", "model": "other", "mean_confidence": 0.2}]})



def test_the_window_opens_a_sweep_and_shows_a_runs_images(window, tmp_path):
    make_sweep(tmp_path)
    assert any(a.text() == "Open s&weep…" for a in window.menuBar().actions()[0].menu().actions())
    view = window.open_sweep(str(tmp_path))
    assert view.table.rowCount() == 2 and "1 of 2 runs finished" in view.header.text()
    assert view.table.item(0, 10).text() == "92.00 %"
    # The first finished run is shown: its four images, named and scored.
    assert view.gallery.count() == 4
    assert view.gallery.item(3).text() == "3\n93.00 %"
    assert not view.gallery.item(3).icon().isNull()
    view.table.selectRow(1)
    assert view.gallery.count() == 0 and "has not finished" in view.gallery_title.text()
    assert view.tabs.tabText(1) == "Transfer"
    assert view.transfer.item(0, 1).text() == "20.00 %"


def test_a_folder_that_is_not_a_sweep_is_said_in_a_message(window, tmp_path, monkeypatch):
    said = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: said.append(args[2]))
    assert window.open_sweep(str(tmp_path)) is None
    assert said and "is not a sweep folder" in said[0]
