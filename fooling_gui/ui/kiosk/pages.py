"""The kiosk's four screens: attract loop, class chooser, visitor's run, "why" cards.

Pages only display and report taps (signals); :class:`~.controller.KioskController`
decides what happens next.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from .examples import Example
from .kiosk_widgets import ImageCard, button, label, px
from .result_panel import ResultPanel
from .texts import Texts

MAX_CLASS_BUTTONS = 24  # more would no longer be big touch targets on one screen


class Page(QWidget):
    """A full-screen page: title, caption, body, bottom row."""

    def __init__(self, texts: Texts, parent=None):
        super().__init__(parent)
        self.setObjectName("page")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.texts = texts
        self.title = label(name="title")
        self.caption = label(name="caption")
        self.caption.setMinimumHeight(1)
        self.body = QVBoxLayout()
        self.bottom = QHBoxLayout()
        self.bottom.setSpacing(32)
        outer = QVBoxLayout(self)
        outer.addWidget(self.title)
        outer.addWidget(self.caption)
        outer.addLayout(self.body, 1)
        outer.addLayout(self.bottom)
        self._outer = outer

    def set_scale(self, scale: float) -> None:
        m = px(48, scale)
        self._outer.setContentsMargins(m, px(30, scale), m, px(36, scale))
        self._outer.setSpacing(px(22, scale))
        self.bottom.setSpacing(px(40, scale))
        # Two lines of caption always fit, so the layout does not jump as texts change.
        self.caption.setMinimumHeight(px(2 * 38 * 1.35, scale))


class AttractPage(Page):
    """Live evolution with a big caption, the verdict, a real example, "touch to try"."""

    def __init__(self, texts: Texts, parent=None):
        super().__init__(texts, parent)
        self.title.setText(texts.caption("attract_title"))
        self.result = ResultPanel(texts, with_plot=False)
        self.prompt = label(texts.caption("touch_prompt"), name="prompt")
        self.body.addWidget(self.result, 1)
        self.bottom.addWidget(self.prompt, 1)

    def set_scale(self, scale: float) -> None:
        super().set_scale(scale)
        self.result.set_scale(scale)

    def show_loading(self) -> None:
        self.caption.setText(self.texts.caption("loading"))

    def show_resting(self) -> None:
        self.result.clear()
        self.caption.setText(self.texts.caption("resting"))

    def begin(self, label_text: str, example: Example | None) -> None:
        self.result.begin(label_text, example)
        self.caption.setText(self.texts.caption(
            "attract_evolving", **self.texts.values(label_text)))

    def show_frame(self, frame, target: float) -> None:
        self.result.show_frame(frame, target)

    def show_done(self) -> None:
        r = self.result
        self.caption.setText(self.texts.caption("attract_done",
                                                **self.texts.values(r.label, r.confidence)))


class ChooserPage(Page):
    """"What should the computer see?" and one big button per class."""

    chosen = Signal(int)
    back = Signal()

    def __init__(self, texts: Texts, parent=None):
        super().__init__(texts, parent)
        self.title.setText(texts.caption("choose_title"))
        self.caption.setText(texts.caption("choose_hint"))
        self.grid = QGridLayout()
        self.body.addStretch(1)
        self.body.addLayout(self.grid)
        self.body.addStretch(1)
        self.back_button = button(texts.caption("back_button"))
        self.back_button.clicked.connect(self.back)
        self.bottom.addStretch(1)
        self.bottom.addWidget(self.back_button)
        self.buttons: dict[int, object] = {}
        self._scale = 1.0

    def set_scale(self, scale: float) -> None:
        super().set_scale(scale)
        self._scale = scale
        self.grid.setSpacing(px(36, scale))
        self._size_buttons()

    def set_classes(self, classes: list[tuple[int, str]]) -> None:
        """``(class index, name)`` pairs, one button each (at most MAX_CLASS_BUTTONS)."""
        if [(i, b.text()) for i, b in self.buttons.items()] == classes[:MAX_CLASS_BUTTONS]:
            return
        for b in self.buttons.values():
            self.grid.removeWidget(b)
            b.deleteLater()
        self.buttons = {}
        shown = classes[:MAX_CLASS_BUTTONS]
        columns = 5 if len(shown) <= 10 else 6
        # Large type only when every name is that short (the digits), so one short
        # word among longer ones ("cat") does not stand out.
        style = "classButton" if all(len(n) <= 3 for _, n in shown) else "classButtonLong"
        for pos, (index, name) in enumerate(shown):
            b = button(name, style)
            b.clicked.connect(lambda _checked=False, i=index: self.chosen.emit(i))
            self.grid.addWidget(b, pos // columns, pos % columns)
            self.buttons[index] = b
        self._size_buttons()

    def _size_buttons(self) -> None:
        side = max(px(200, self._scale), 96)
        for b in self.buttons.values():
            b.setMinimumSize(side if len(b.text()) <= 3 else int(side * 1.4), side)


class VisitorPage(Page):
    """The visitor's run: image, climbing confidence, example; then what next."""

    why = Signal()
    again = Signal()
    back = Signal()

    def __init__(self, texts: Texts, parent=None):
        super().__init__(texts, parent)
        self.result = ResultPanel(texts, with_plot=True)
        self.notice = label(name="notice")
        self.why_button = button(texts.caption("why_button"), "primary")
        self.again_button = button(texts.caption("again_button"))
        self.back_button = button(texts.caption("back_button"))
        self.why_button.clicked.connect(self.why)
        self.again_button.clicked.connect(self.again)
        self.back_button.clicked.connect(self.back)
        self.body.addWidget(self.result, 1)
        self.body.addWidget(self.notice)
        self.bottom.addWidget(self.why_button)
        self.bottom.addWidget(self.again_button)
        self.bottom.addStretch(1)
        self.bottom.addWidget(self.back_button)

    def set_scale(self, scale: float) -> None:
        super().set_scale(scale)
        self.result.set_scale(scale)

    def begin(self, label_text: str, example: Example | None) -> None:
        self.title.setText(self.texts.caption("visitor_title", **self.texts.values(label_text)))
        self.result.begin(label_text, example)
        self.caption.setText(self.texts.caption("visitor_evolving",
                                                **self.texts.values(label_text)))
        self.notice.setText(" ")
        self.why_button.setEnabled(False)

    def show_frame(self, frame, target: float) -> None:
        self.result.show_frame(frame, target)

    def show_done(self) -> None:
        r = self.result
        self.caption.setText(self.texts.caption("visitor_done",
                                                **self.texts.values(r.label, r.confidence)))
        self.why_button.setEnabled(True)

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)


class WhyPage(Page):
    """One "why does this work?" card in large type beside the visitor's image."""

    next_card = Signal()
    again = Signal()
    back = Signal()

    def __init__(self, texts: Texts, parent=None):
        super().__init__(texts, parent)
        self.image = ImageCard()
        self.card_title = label(name="cardTitle", align=Qt.AlignmentFlag.AlignLeft)
        self.card_text = label(name="cardText",
                               align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.card_count = label(name="small", align=Qt.AlignmentFlag.AlignLeft)
        right = QVBoxLayout()
        right.addStretch(1)
        right.addWidget(self.card_title)
        right.addWidget(self.card_text)
        right.addWidget(self.card_count)
        right.addStretch(2)
        self.row = QHBoxLayout()
        self.row.addWidget(self.image, 2)
        self.row.addLayout(right, 3)
        self.body.addLayout(self.row, 1)
        self.next_button = button(texts.caption("next_card"), "primary")
        self.again_button = button(texts.caption("again_button"))
        self.back_button = button(texts.caption("back_button"))
        self.next_button.clicked.connect(self.next_card)
        self.again_button.clicked.connect(self.again)
        self.back_button.clicked.connect(self.back)
        self.bottom.addWidget(self.next_button)
        self.bottom.addWidget(self.again_button)
        self.bottom.addStretch(1)
        self.bottom.addWidget(self.back_button)
        self.title.hide()
        self.caption.hide()

    def set_scale(self, scale: float) -> None:
        super().set_scale(scale)
        self.row.setSpacing(px(72, scale))

    def show_card(self, title: str, text: str, image: np.ndarray | None, verdict: str,
                  position: tuple[int, int] = (0, 0)) -> None:
        """``verdict`` goes over the image ("The computer says: 99.99 % a 7");
        ``position`` is (this card, all cards), counted from 1."""
        self.card_title.setText(title)
        self.card_text.setText(text)
        self.card_count.setText(f"{position[0]} / {position[1]}" if position[1] else " ")
        self.image.caption.setText(verdict)
        self.image.set_image(image)
