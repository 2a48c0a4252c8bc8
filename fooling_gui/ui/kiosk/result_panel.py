"""The heart of every kiosk screen: evolved image · the network's verdict · a real example."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from .examples import Example
from .kiosk_widgets import ImageCard, KioskConfidencePlot, Verdict, px
from .texts import Texts


class ResultPanel(QWidget):
    """Three columns: the evolved image, the verdict (and, optionally, the climbing
    confidence), and a real example of the class when the model has one.

    Args:
        texts: captions.
        with_plot: show the confidence curve under the verdict (visitor mode).
    """

    def __init__(self, texts: Texts, with_plot: bool = False, parent=None):
        super().__init__(parent)
        self.texts = texts
        self.evolved = ImageCard()
        self.verdict = Verdict(compact=with_plot)
        self.example = ImageCard()
        self.plot = KioskConfidencePlot() if with_plot else None
        if self.plot is not None:
            self.plot.set_tick_text(texts.decimals)
        self.label = ""
        self.confidence = 0.0
        self.generation = -1
        self.reached = False
        middle = QVBoxLayout()
        middle.setContentsMargins(0, 0, 0, 0)
        middle.addWidget(self.verdict, 2)
        if self.plot is not None:
            middle.addWidget(self.plot, 3)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.evolved, 5)
        row.addLayout(middle, 6)
        row.addWidget(self.example, 5)

    def set_scale(self, scale: float) -> None:
        self.layout().setSpacing(px(48, scale))
        if self.plot is not None:
            self.plot.setMinimumHeight(px(320, scale))
            self.plot.set_scale(scale)
            self.plot.set_axis_labels(self.texts.caption("plot_left"),
                                      self.texts.caption("plot_bottom"), scale)

    def begin(self, label: str, example: Example | None) -> None:
        """A new run for class ``label``: empty image, no verdict yet, the example shown
        with what it is (a real digit, a photo and its credit, or the network's own
        picture of the class, said plainly)."""
        self.label = label
        self.confidence = 0.0
        self.generation = -1
        self.reached = False
        self.evolved.caption.setText(self.texts.caption("evolved_caption"))
        self.evolved.set_image(None)
        self.evolved.footer.setText(" ")
        self.verdict.clear()
        caption = footer = " "
        if example is not None:
            values = self.texts.values(label)
            if example.kind == "visualisation":
                caption = self.texts.caption("vis_caption", **values)
                footer = self.texts.caption("vis_credit", **values)
            else:
                caption = self.texts.caption("example_caption", **values)
                footer = (example.credit if example.kind == "photo"
                          else self.texts.caption("example_credit", **values))
        self.example.caption.setText(caption)
        self.example.footer.setText(footer)
        self.example.set_image(None if example is None else example.image)
        self.example.image.setVisible(example is not None)
        if self.plot is not None:
            self.plot.reset((label,))

    def clear(self) -> None:
        self.begin("", None)

    def show_frame(self, frame, target: float) -> None:
        """Draw the run's single cell from a RunFrame."""
        snap = frame.snapshot
        if snap.confidences.size == 0:
            return
        image = snap.image_of(0)  # frames bring an image only when it changed
        if image is not None:
            self.evolved.set_image(image)
        self.confidence = float(max(snap.confidences[0], 0.0))
        self.generation = int(snap.generation)
        self.reached = self.confidence >= target
        values = self.texts.values(self.label, self.confidence, generation=self.generation)
        self.evolved.footer.setText(self.texts.caption("generation", **values))
        self.verdict.set_verdict(self.texts.caption("verdict_lead", **values),
                                 values["confidence"],
                                 self.texts.caption("verdict_class", **values), self.reached)
        if self.plot is not None:
            if snap.whole:  # the whole history again (a new run, or after a lost frame)
                self.plot.reset((self.label,))
            self.plot.append(snap.new_stats)
