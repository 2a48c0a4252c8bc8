"""The Defences tab says what its tables show, shows whole headers and readable cells."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QStyle, QStyleOptionHeader

from fooling_gui.ui.panes.defence_views import (
    RetrainView,
    TransferView,
    contrast_ratio,
    heat_colour,
    retrain_lesson,
    text_colour_on,
)


def round_row(k: int, at_99: int, best=(0.5, 0.9)) -> dict:
    return {"round": k, "model": "lenet", "fooling_in_training": 100 * k,
            "clean_accuracy": 0.978, "digits_called_fooling": 0.0,
            "median_generations_to_99": None if at_99 < 5 else 40, "classes_at_99": at_99,
            "classes_at_9999": 0, "best": list(best) * 5, "generations_to_99": [],
            "fooling_collected": 0, "train_seconds": 1.0, "evolve_seconds": 1.0}


def retrain_result(rounds) -> dict:
    return {"experiment": "retrain", "model": "lenet", "seed": 0, "generations": 50,
            "batch": 100, "rounds": rounds, "epochs": 1, "max_fooling_per_round": 300,
            "collect_above": 0.99, "wall_seconds": 75.0}


def test_the_retraining_headline_agrees_with_its_table():
    fewer = retrain_lesson([round_row(0, 4), round_row(1, 0)], 50)
    assert "simply finds new" not in fewer and "0/10" in fewer and "not gone" in fewer
    same = retrain_lesson([round_row(0, 10), round_row(1, 10)], 200)
    assert "finds new fooling images" in same
    none_before = retrain_lesson([round_row(0, 0), round_row(1, 0)], 5)
    assert "too few" in none_before


def header_fits(table, column: int) -> bool:
    header = table.horizontalHeader()
    text = table.horizontalHeaderItem(column).text()
    fm = header.fontMetrics()
    opt = QStyleOptionHeader()
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, opt, header)
    wide = max(fm.horizontalAdvance(line) for line in text.splitlines())
    tall = fm.lineSpacing() * len(text.splitlines())
    return (wide + 2 * margin <= header.sectionSize(column)
            and tall <= header.height())


@pytest.mark.parametrize("width", [1000, 760])
def test_column_headers_are_shown_whole(qtbot, width):
    view = RetrainView()
    qtbot.addWidget(view)
    view.resize(width, 500)
    view.show()
    view.show_result(retrain_result([round_row(0, 4), round_row(1, 0)]))
    table = view.table
    header = table.horizontalHeader()
    qtbot.waitUntil(lambda: header.height() >= header.sizeHint().height())  # laid out
    for c in range(table.columnCount()):
        assert header_fits(table, c), table.horizontalHeaderItem(c).text()
        assert table.horizontalHeaderItem(c).toolTip()  # the one-line text too


def test_every_heat_map_cell_is_readable():
    for v in range(101):
        bg = heat_colour(v / 100)
        assert contrast_ratio(text_colour_on(bg), bg) >= 4.5, v


def test_the_transfer_matrix_uses_readable_text(qtbot):
    view = TransferView()
    qtbot.addWidget(view)
    matrix = {"sources": ["lenet", "lenet-seed1"], "targets": ["lenet", "lenet-seed1", "x"],
              "mean_confidence": [[0.9053, 0.355, 0.1003], [0.5814, 0.5122, 0.1003]]}
    view.show_result({"model": "lenet", "generations": 50, "batch": 100, "seed": 0,
                      "wall_seconds": 1.0, "train_epochs": 3, "matrix": matrix,
                      "clean_accuracy": {}})
    for r in range(2):
        for c in range(3):
            item = view.table.item(r, c)
            fg, bg = item.foreground().color(), item.background().color()
            assert contrast_ratio(fg, bg) >= 4.5, item.text()
