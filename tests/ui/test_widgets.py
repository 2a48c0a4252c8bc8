"""The drawing widgets, fed hand-made frames (no model, no thread)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from fooling_gui.core.evolution import FrameCursor, GenerationStats, Snapshot
from fooling_gui.ui.widgets.confidence_plot import ConfidencePlot, nines
from fooling_gui.ui.widgets.elite_grid import EliteGrid, thumbnail
from fooling_gui.ui.widgets.offspring_view import OffspringView, mosaic
from fooling_gui.ui.widgets.probability_bars import ProbabilityBars

NAMES = ("goldfish", "school bus", "king penguin")


def snapshot(confidences, generation=1, improved=(), size=(8, 8, 3),
             image_cells=None) -> Snapshot:
    """A frame whose cells' images are filled with 60 × the cell index."""
    conf = np.asarray(confidences, dtype=np.float64)
    n = conf.size
    gens = np.where(conf >= 0, generation, -1)
    cells = np.flatnonzero(conf >= 0) if image_cells is None else np.asarray(image_cells)
    images = (cells[:, None, None, None] * 60 + np.zeros((cells.size, *size))).astype(np.uint8)
    stats = GenerationStats.of(conf, generation, 10 * (generation + 1), 1.0, len(improved))
    return Snapshot(since=None, cursor=FrameCursor(generation, generation + 1),
                    model_label="test", encoding="cppn", generation=generation,
                    evaluations=10 * (generation + 1), wall_seconds=1.0, evals_per_second=10.0,
                    class_indices=np.arange(n), class_names=NAMES[:n], confidences=conf,
                    elite_generations=gens, image_cells=cells.astype(np.int64), images=images,
                    improved=np.asarray(improved, dtype=np.int64), pending_images=0,
                    new_stats=(stats,), offspring=images[:2],
                    offspring_best=conf[:2].astype(np.float32), finished=False)


def test_the_scale_separates_the_last_nines():
    assert nines(0.9) == pytest.approx(1.0)
    assert nines(0.99) == pytest.approx(2.0)
    assert nines(0.9999) == pytest.approx(4.0)
    assert nines(1.0) == pytest.approx(7.0)  # a softmax of exactly 1 stays on the plot


def test_grid_shows_filters_and_flashes(qtbot):
    grid = EliteGrid()
    qtbot.addWidget(grid)
    grid.resize(600, 400)
    grid.reset_cells(np.arange(3), NAMES)
    assert grid.model.images == [None, None, None]
    grid.update_from(snapshot([0.5, -1.0, 0.2], generation=3, improved=[0, 2]))
    assert grid.model.images[0] is not None and grid.model.images[1] is None
    assert grid.model.flash_start[0] > 0 and grid.model.flash_start[1] < 0
    assert "50.00 %" in grid.model.data(grid.model.index(0), 3)  # tooltip
    grid.filter_edit.setText("BUS")
    assert grid.proxy.rowCount() == 1
    assert grid.count_label.text() == "1 of 3"
    grid.select_cell(2)  # hidden by the filter: the filter is cleared to show it
    assert grid.filter_edit.text() == "" and grid.selected_cell() == 2


def test_grid_picture_arrives_after_its_confidence_without_a_second_flash():
    model = EliteGrid().model
    model.reset_cells(np.arange(3), NAMES)
    model.update_from(snapshot([0.5, 0.7, 0.2], generation=3, image_cells=[0, 2]))
    flashed = model.flash_start[1]  # cell 1's confidence is news, its picture not drawn yet
    assert flashed > 0 and model.images[1] is None
    model.update_from(snapshot([0.5, 0.7, 0.2], generation=3, image_cells=[1]))
    assert model.images[1].pixelColor(0, 0).red() == 60  # the elite itself now
    assert model.flash_start[1] == flashed and model.versions[1] == 2


def test_grid_keeps_the_images_of_frames_it_has_not_shown_yet(qtbot):
    grid = EliteGrid()
    qtbot.addWidget(grid)
    grid.reset_cells(np.arange(3), NAMES)
    grid.update_from(snapshot([0.5, -1.0, -1.0], generation=1))
    grid.flush()
    # Two frames within one redraw interval, each with another cell's new image.
    grid.update_from(snapshot([0.5, 0.6, -1.0], generation=2, image_cells=[1]))
    grid.update_from(snapshot([0.5, 0.6, 0.7], generation=3, image_cells=[2]))
    grid.flush()
    assert [grid.model.images[c].pixelColor(0, 0).red() for c in range(3)] == [0, 60, 120]


def test_thumbnails_stride_without_blur():
    image = np.arange(256 * 256 * 3, dtype=np.uint32).reshape(256, 256, 3).astype(np.uint8)
    small = thumbnail(image, 128)
    assert small.shape == (128, 128, 3)
    np.testing.assert_array_equal(small, image[::2, ::2])  # original pixels, not averages


def test_plot_keeps_history_and_reads_out_on_hover(qtbot):
    plot = ConfidencePlot()
    qtbot.addWidget(plot)
    plot.resize(600, 400)
    plot.show()
    plot.reset(NAMES)
    for g, c in enumerate([[0.5, 0.1, 0.2], [0.99, 0.1, 0.3], [0.9999, 0.2, 0.3]]):
        plot.append(snapshot(c, generation=g).new_stats)
    assert plot._class_items[0].getData()[1].size < 3  # redraws are throttled…
    plot.flush()  # …and the last one is never lost
    assert plot.generations_plotted == 3
    y = plot._class_items[0].getData()[1]
    np.testing.assert_allclose(y, nines([0.5, 0.99, 0.9999]), rtol=1e-4)  # float32 history

    vb = plot.plot.getPlotItem().getViewBox()
    vb.setRange(xRange=(0, 2), yRange=(0, 4.6), padding=0)
    qtbot.wait(10)
    scene_pos = vb.mapViewToScene(QPointF(2, nines(0.9999)))
    plot._mouse_moved(scene_pos)
    assert "goldfish" in plot.readout.text() and "99.99 %" in plot.readout.text()

    class Click:
        def scenePos(self):
            return scene_pos

    with qtbot.waitSignal(plot.cell_selected) as blocker:
        plot._mouse_clicked(Click())
    assert blocker.args == [0]
    assert plot.selected == 0


def test_plot_of_many_classes_shows_bands_and_the_classes_a_filter_finds(qtbot):
    plot = ConfidencePlot()
    qtbot.addWidget(plot)
    names = tuple(f"class {i}" for i in range(300))
    plot.reset(names)
    assert plot._class_items == [] and plot.y_scale == "linear"  # no tangle of 300 curves
    for g in range(3):
        stats = GenerationStats.of(np.linspace(0, 0.3 * (g + 1), 300), g, 10 * (g + 1), 1.0, 0)
        plot.append((stats,))
    plot.flush()
    _x, q1 = plot._band_edges["q1"].getData()
    _x, q3 = plot._band_edges["q3"].getData()
    np.testing.assert_allclose(q1, [0.075, 0.15, 0.225], atol=1e-3)  # quartiles per generation
    np.testing.assert_allclose(q3, [0.225, 0.45, 0.675], atol=1e-3)
    # The filled band needs its edges' curves, not just their data (a pen of None has none).
    _x, drawn_q3 = plot._band_edges["q3"].curve.getData()
    assert drawn_q3 is not None and len(drawn_q3) == 3
    _x, median = plot._median_item.getData()
    np.testing.assert_allclose(median, [0.15, 0.3, 0.45], atol=1e-3)  # linear: 0–1

    plot.emphasise([7, 250])
    assert [it.name() for it in plot._emphasis_items] == ["class 7", "class 250"]
    _x, y = plot._emphasis_items[1].getData()
    np.testing.assert_allclose(y, [0.3 * 250 / 299 * (g + 1) for g in range(3)], rtol=1e-4)
    plot.emphasise([])
    assert plot._emphasis_items == []

    plot.highlight(299)  # the best class at 0.9: the axis grows to hold it
    assert plot.plot.getPlotItem().getViewBox().viewRange()[1][1] > 1.0

    plot.set_y_scale("nines")  # the paper's last nines, on demand
    _x, median = plot._median_item.getData()
    np.testing.assert_allclose(median, nines([0.15, 0.3, 0.45]), atol=1e-3)
    assert plot.scale_button.isChecked() is False


def test_the_linear_axis_zooms_to_an_early_imagenet_run(qtbot):
    plot = ConfidencePlot()
    qtbot.addWidget(plot)
    plot.reset(tuple(f"class {i}" for i in range(1000)))
    plot.append((GenerationStats.of(np.linspace(0.0, 0.03, 1000), 0, 10, 1.0, 0),))
    plot.flush()
    top = plot.plot.getPlotItem().getViewBox().viewRange()[1][1]
    assert 0.05 <= top < 0.06  # 0–5 %: the spread of the classes is visible


def test_offspring_mosaic_and_bars(qtbot):
    images = np.stack([np.full((4, 4, 1), i * 40, np.uint8) for i in range(5)])
    m = mosaic(images, columns=3, gap=1)
    assert m.shape == (2 * 5 - 1, 3 * 5 - 1, 1)
    assert m[0, 0, 0] == 0 and m[0, 5, 0] == 40 and m[5, 0, 0] == 120

    view = OffspringView()
    qtbot.addWidget(view)
    view.update_from(snapshot([0.5, 0.25, 0.1]))
    assert view.image_item.image.shape[:2] == (8, 8 * 2 + 2)
    assert "50.00 %" in view.readout.text()

    bars = ProbabilityBars()
    bars.set_rows([(3, "3", 0.99991), (8, "8", 0.00005)], emphasis=3)
    assert bars.height() == 2 * 24 + 4
