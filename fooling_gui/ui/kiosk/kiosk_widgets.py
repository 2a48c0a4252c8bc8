"""Building blocks of the kiosk screens, sized to be read from across a room.

They reuse the main window's widgets: :class:`~fooling_gui.ui.widgets.inspector.ImagePanel`
draws images pixel-sharp and :class:`~fooling_gui.ui.widgets.confidence_plot.ConfidencePlot`
draws the climbing confidence on its "nines" scale. Sizes are in pixels at 1920×1080
and scaled with the screen (:func:`kiosk_style`), never below :data:`MIN_TOUCH_PX`.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from .. import theme
from ..widgets.confidence_plot import TICKS, ConfidencePlot
from ..widgets.inspector import ImagePanel

MIN_TOUCH_PX = 64  # smallest touch target (WCAG-style guidance for public touch screens)
BACKGROUND = "#111316"  # darker than the desktop theme: more contrast from afar


def px(size: float, scale: float) -> int:
    return max(1, round(size * scale))


def kiosk_style(scale: float) -> str:
    """The kiosk's style sheet for a screen ``scale`` × 1920×1080."""
    def s(v: float) -> int:
        return px(v, scale)

    button_h = max(MIN_TOUCH_PX, s(110))
    return f"""
KioskWindow, QStackedWidget, QWidget#page {{ background: {BACKGROUND}; }}
QLabel {{ color: {theme.TEXT}; font-size: {s(30)}px; }}
QLabel#title {{ font-size: {s(66)}px; font-weight: 800; }}
QLabel#caption {{ font-size: {s(38)}px; color: {theme.TEXT}; }}
QLabel#small {{ font-size: {s(28)}px; color: {theme.MUTED}; }}
QLabel#verdictLead {{ font-size: {s(38)}px; color: {theme.MUTED}; }}
QLabel#verdictNumber {{ font-size: {s(132)}px; font-weight: 800; }}
QLabel#verdictClass {{ font-size: {s(78)}px; font-weight: 800; }}
QLabel#verdictNumberCompact {{ font-size: {s(104)}px; font-weight: 800; }}
QLabel#verdictClassCompact {{ font-size: {s(60)}px; font-weight: 800; }}
QLabel#prompt {{ font-size: {s(52)}px; font-weight: 800; color: #0c1722;
                 background: {theme.ACCENT}; border-radius: {s(18)}px; padding: {s(22)}px; }}
QLabel#cardTitle {{ font-size: {s(56)}px; font-weight: 800; color: {theme.FLASH}; }}
QLabel#cardText {{ font-size: {s(46)}px; }}
QLabel#notice {{ font-size: {s(30)}px; color: {theme.GOOD}; }}
QLabel#staff {{ font-size: {s(22)}px; color: #ffffff; background: #6b2b2b;
                border-radius: {s(8)}px; padding: {s(8)}px; }}
QPushButton {{ font-size: {s(40)}px; font-weight: 700; color: {theme.TEXT};
               background: {theme.RAISED}; border: {max(2, s(3))}px solid {theme.BORDER};
               border-radius: {s(18)}px; padding: {s(12)}px {s(34)}px;
               min-height: {button_h}px; min-width: {max(MIN_TOUCH_PX, s(150))}px; }}
QPushButton:pressed {{ background: {theme.ACCENT}; color: #0c1722; }}
QPushButton:disabled {{ color: #50565d; border-color: #2a2e33; }}
QPushButton#primary {{ background: {theme.ACCENT}; color: #0c1722; border-color: {theme.ACCENT}; }}
QPushButton#classButton {{ font-size: {s(96)}px; font-weight: 800; }}
QPushButton#classButtonLong {{ font-size: {s(36)}px; font-weight: 800; }}
QPushButton#pinKey {{ font-size: {s(64)}px; min-width: {max(MIN_TOUCH_PX, s(150))}px;
                      min-height: {max(MIN_TOUCH_PX, s(120))}px; }}
QWidget#overlayBox {{ background: {theme.PANEL}; border: {max(2, s(4))}px solid {theme.ACCENT};
                      border-radius: {s(28)}px; }}
"""


def label(text: str = "", name: str = "", wrap: bool = True,
          align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter) -> QLabel:
    widget = QLabel(text, objectName=name) if name else QLabel(text)
    widget.setWordWrap(wrap)
    widget.setAlignment(align)
    widget.setTextFormat(Qt.TextFormat.PlainText)  # captions come from config files
    return widget


def button(text: str, name: str = "") -> QPushButton:
    widget = QPushButton(text)
    if name:
        widget.setObjectName(name)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no focus frame drawn on a touch screen
    widget.setMinimumSize(MIN_TOUCH_PX, MIN_TOUCH_PX)
    return widget


class SquareImage(QWidget):
    """Keeps an :class:`ImagePanel` square and centred, framed so that a black MNIST
    digit stands out from the dark background."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.panel = ImagePanel(self)
        self.panel.setBackground("#000000")
        self.panel.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.panel.setStyleSheet(f"border: 3px solid {theme.BORDER};")
        self.panel.ci.layout.setContentsMargins(0, 0, 0, 0)  # the image meets the frame
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def resizeEvent(self, event) -> None:
        side = min(self.width(), self.height())
        self.panel.setGeometry((self.width() - side) // 2, (self.height() - side) // 2,
                               side, side)

    def show_image(self, image: np.ndarray | None) -> None:
        self.panel.show_image(image)


class ImageCard(QWidget):
    """A caption over a square, pixel-sharp image (the main window's ImagePanel)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.caption = label(name="caption")
        self.image = SquareImage()
        self.footer = label(name="small")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.image, 1)
        layout.addWidget(self.footer)
        self.shown: np.ndarray | None = None

    def set_image(self, image: np.ndarray | None) -> None:
        self.shown = image
        self.image.show_image(image)


class Verdict(QWidget):
    """"The computer says: / 99.99 % / a 7", coloured green once the target is reached.

    Args:
        compact: smaller type, for screens that show more beside the verdict.
    """

    def __init__(self, compact: bool = False, parent=None):
        super().__init__(parent)
        suffix = "Compact" if compact else ""
        self.lead = label(name="verdictLead")
        self.number = label(name="verdictNumber" + suffix, wrap=False)
        self.cls = label(name="verdictClass" + suffix)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addStretch(1)
        layout.addWidget(self.lead)
        layout.addWidget(self.number)
        layout.addWidget(self.cls)
        layout.addStretch(1)

    def set_verdict(self, lead: str, number: str, cls: str, reached: bool) -> None:
        self.lead.setText(lead)
        self.number.setText(number)
        self.cls.setText(cls)
        colour = theme.GOOD if reached else theme.TEXT
        self.number.setStyleSheet(f"color: {colour};")

    def clear(self) -> None:
        self.set_verdict(" ", " ", " ", False)


class KioskConfidencePlot(ConfidencePlot):
    """The main window's confidence plot, pared down for one class and large type.

    Only the class's own curve and the 99.99 % line stay (mean and median equal it
    with one class); axes get big labels; the mouse does nothing.
    """

    def __init__(self, scale: float = 1.0, parent=None):
        super().__init__(parent)
        self.readout.hide()
        self.scale_button.hide()
        item = self.plot.getPlotItem()
        if item.legend is not None:
            item.legend.hide()
        self._mean_item.hide()
        self._median_item.hide()
        item.getViewBox().setMouseEnabled(x=False, y=False)
        self.plot.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.plot.setBackground(BACKGROUND)
        self.set_scale(scale)

    def set_scale(self, scale: float) -> None:
        item = self.plot.getPlotItem()
        font = QFont()
        font.setPixelSize(px(24, scale))
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setStyle(tickFont=font, tickTextOffset=px(10, scale))
            axis.setTextPen(theme.TEXT)
        item.getAxis("left").setWidth(px(190, scale))
        item.getAxis("bottom").setHeight(px(80, scale))

    def set_axis_labels(self, left: str, bottom: str, scale: float) -> None:
        item = self.plot.getPlotItem()
        style = {"font-size": f"{px(26, scale)}px", "color": theme.MUTED}
        item.setLabel("left", left, **style)
        item.setLabel("bottom", bottom, **style)

    def set_tick_text(self, convert) -> None:
        """Pass the confidence axis labels ("99.99 %") through ``convert`` (decimal mark)."""
        self.plot.getPlotItem().getAxis("left").setTicks([[(v, convert(t)) for v, t in TICKS]])

    def reset(self, names: tuple[str, ...]) -> None:
        super().reset(names)
        for curve in self._class_items:
            curve.setPen(theme.ACCENT, width=6)
