"""The "Small pushes add up" pane: a ten-input logistic regression to click.

Ten inputs, each with its weight; a button per input moves it 0.5 in the sign of its
weight, "Push all" moves every input at once (the FGSM step with ε = 0.5). The output
``sigmoid(W·x)`` climbs from about 0.05 to about 0.88 although no input moved more
than 0.5. Numpy only and instant, so it runs in the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...core.attacks import LogisticToy
from .. import theme

EXPLANATION = (
    "<p>This is the simplest possible “network”: it multiplies ten inputs by ten weights, "
    "adds them up and squashes the sum into a probability, <b>sigmoid(W·x)</b>.</p>"
    "<p>Each button moves one input by only <b>0.5</b> — in the direction its weight "
    "favours. One push changes the sum by 0.5; ten pushes change it by 5, enough to take "
    "the answer from about <b>5 %</b> to about <b>88 %</b>.</p>"
    "<p>An image is the same thing with far more inputs: 784 pixels for a 28×28 digit, "
    "about 150,000 for a 224×224 photo. So a change of one or two brightness levels per "
    "pixel — invisible to us — adds up to a different answer. Finding the direction for "
    "each pixel is what backpropagation to the <i>input</i> does (the Adversarial pane).</p>")


class ScoreBar(QWidget):
    """The output probability as one wide bar with a 0.5 decision line."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.value = 0.0
        self.setMinimumHeight(34)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_value(self, value: float) -> None:
        self.value = float(value)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(400, 34)

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect()).adjusted(1, 4, -1, -4)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(theme.BASE))
        p.drawRoundedRect(r, 5, 5)
        p.setBrush(QColor(theme.GOOD if self.value >= 0.5 else theme.ACCENT))
        p.drawRoundedRect(QRectF(r.x(), r.y(), max(r.width() * self.value, 3), r.height()), 5, 5)
        p.setPen(QColor(theme.MUTED))
        x = r.x() + r.width() * 0.5
        p.drawLine(int(x), int(r.top()) - 3, int(x), int(r.bottom()) + 3)
        p.end()


class ToyPane(QWidget):
    """Push the ten inputs of :class:`~fooling_gui.core.attacks.LogisticToy` and watch
    the output move."""

    def __init__(self, toy: LogisticToy | None = None, parent=None):
        super().__init__(parent)
        self.toy = toy or LogisticToy()
        title = QLabel("Small pushes add up", objectName="heading")
        explain = QLabel(EXPLANATION, objectName="muted")
        explain.setWordWrap(True)
        explain.setMaximumWidth(460)
        explain.setAlignment(Qt.AlignmentFlag.AlignTop)

        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        for col, text in enumerate(("input", "weight W", "value x", "W × x", "moved", "")):
            head = QLabel(text, objectName="muted")
            grid.addWidget(head, 0, col, Qt.AlignmentFlag.AlignRight if col < 5 else
                           Qt.AlignmentFlag.AlignLeft)
        self.value_labels: list[QLabel] = []
        self.product_labels: list[QLabel] = []
        self.moved_labels: list[QLabel] = []
        self.push_buttons: list[QPushButton] = []
        for i, w in enumerate(self.toy.weights):
            sign = "+" if w > 0 else "−"
            cells = [QLabel(f"x{i + 1}"), QLabel(f"{w:+g}".replace("-", "−")), QLabel(),
                     QLabel(), QLabel()]
            for col, cell in enumerate(cells):
                cell.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                grid.addWidget(cell, i + 1, col)
            button = QPushButton(f"push {sign}{self.toy.step_size:g}")
            button.setToolTip(f"Move x{i + 1} by {self.toy.step_size:g} in the sign of its "
                              "weight")
            button.clicked.connect(lambda _c=False, k=i: self.push(k))
            grid.addWidget(button, i + 1, 5)
            self.value_labels.append(cells[2])
            self.product_labels.append(cells[3])
            self.moved_labels.append(cells[4])
            self.push_buttons.append(button)
        self.push_all_button = QPushButton("Push all", objectName="primary")
        self.push_all_button.clicked.connect(self.push_all)
        self.reset_button = QPushButton("Reset")
        self.reset_button.clicked.connect(self.reset)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.push_all_button)
        grid.addLayout(buttons, len(self.toy.weights) + 1, 0, 1, 6)
        inputs = QGroupBox("Ten inputs and their weights")
        inputs.setLayout(grid)

        self.score_label = QLabel()
        self.score_label.setStyleSheet("font-size: 40pt; font-weight: 700;")
        self.score_bar = ScoreBar()
        self.sum_label = QLabel(objectName="muted")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        output = QGroupBox("Output: probability of “yes”")
        out = QVBoxLayout(output)
        out.addWidget(self.score_label)
        out.addWidget(self.score_bar)
        out.addWidget(self.sum_label)
        out.addWidget(self.summary)

        middle = QVBoxLayout()
        middle.addWidget(inputs)
        middle.addWidget(output)
        middle.addStretch(1)
        body = QHBoxLayout()
        body.addLayout(middle, 3)
        body.addSpacing(18)
        body.addWidget(explain, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addLayout(body, 1)
        self.refresh()

    # -- actions -------------------------------------------------------------------
    def push(self, i: int) -> None:
        self.toy = self.toy.step(i)
        self.refresh()

    def push_all(self) -> None:
        self.toy = self.toy.step_all()
        self.refresh()

    def reset(self) -> None:
        self.toy = self.toy.reset()
        self.refresh()

    @property
    def score(self) -> float:
        return self.toy.score()

    # -- drawing -------------------------------------------------------------------
    def refresh(self) -> None:
        toy = self.toy
        moved = toy.moved()
        for i, (x, wx, m) in enumerate(zip(toy.x, toy.contributions(), moved)):
            self.value_labels[i].setText(f"{x:+.1f}".replace("-", "−"))
            colour = theme.GOOD if wx > 0 else theme.BAD if wx < 0 else theme.MUTED
            self.product_labels[i].setText(f"<span style='color:{colour}'>{wx:+.1f}</span>"
                                           .replace("-", "−"))
            self.moved_labels[i].setText("" if m == 0 else f"{m:+.1f}".replace("-", "−"))
        score = toy.score()
        self.score_label.setText(f"{score:.3f}")
        self.score_label.setStyleSheet("font-size: 40pt; font-weight: 700; color: "
                                       f"{theme.GOOD if score >= 0.5 else theme.TEXT};")
        self.score_bar.set_value(score)
        self.sum_label.setText(f"W·x = {toy.logit():+.1f}   →   sigmoid(W·x) = {score:.3f}"
                               .replace("-", "−"))
        pushes = round(float(abs(moved).sum()) / toy.step_size)
        if pushes == 0:
            self.summary.setText("Nothing moved yet: the model says “no” (well under 0.5).")
        else:
            start = toy.score(toy.start)
            self.summary.setText(
                f"{pushes} push{'es' if pushes != 1 else ''} of {toy.step_size:g}; no input "
                f"moved more than {toy.max_change():g}. The output went from {start:.3f} to "
                f"{score:.3f}.")
