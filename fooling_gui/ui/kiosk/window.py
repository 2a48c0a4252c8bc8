"""The kiosk's one window: frameless, fullscreen, on top, and closed only when staff allow."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from .kiosk_widgets import kiosk_style
from .overlays import IdleOverlay, PinOverlay, StaffNote
from .pages import AttractPage, ChooserPage, Page, VisitorPage, WhyPage
from .texts import Texts

DESIGN_SIZE = (1920, 1080)  # sizes in the style sheet are for this screen


class KioskWindow(QWidget):
    """Pages in a stack, overlays above them. Displays only; the controller drives it.

    Args:
        texts: captions and cards.
        pin_length: digits of the staff PIN (0: no PIN pad).
    """

    FLAGS = (Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint
             | Qt.WindowType.WindowStaysOnTopHint)

    def __init__(self, texts: Texts, pin_length: int = 0, parent=None):
        super().__init__(parent, self.FLAGS)
        self.setObjectName("kiosk")
        self.setWindowTitle("fooling-gui kiosk")
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.texts = texts
        self.close_allowed = False
        self.stack = QStackedWidget()
        self.attract = AttractPage(texts)
        self.chooser = ChooserPage(texts)
        self.visitor = VisitorPage(texts)
        self.why = WhyPage(texts)
        for page in (self.attract, self.chooser, self.visitor, self.why):
            self.stack.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.idle = IdleOverlay(texts, self)
        self.pin = PinOverlay(texts, pin_length, self) if pin_length else None
        self.staff_note = StaffNote(self)
        self.scale = 0.0
        self._apply_scale(1.0)
        # Whatever the pages would like, the window fits the screen it fills: a minimum
        # taller than the screen would make the window manager drop fullscreen.
        self.setMinimumSize(320, 240)

    # -- lock-down -----------------------------------------------------------------
    def show_kiosk(self) -> None:
        self.fill_screen()
        self.raise_()
        self.activateWindow()

    def fill_screen(self) -> None:
        """Cover the whole screen, with or without a window manager. Exhibit PCs often
        run a bare X server, where "fullscreen" is only a request nobody acts on and Qt
        would leave the window at its default two thirds of the screen; so the window
        also takes the screen's geometry itself."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            self.setGeometry(screen.geometry())
        self.showFullScreen()
        if screen is not None and self.geometry() != screen.geometry():
            self.setGeometry(screen.geometry())

    @property
    def fills_screen(self) -> bool:
        screen = self.screen()
        return screen is not None and self.geometry() == screen.geometry()

    @property
    def locked_down(self) -> bool:
        """Still fullscreen, frameless and open: a visitor has not escaped."""
        return (self.isVisible() and self.isFullScreen()
                and bool(self.windowFlags() & Qt.WindowType.FramelessWindowHint))

    def allow_close(self) -> None:
        self.close_allowed = True

    def closeEvent(self, event) -> None:
        # Alt+F4, a window manager's close button, a stray close(): only staff may close.
        if self.close_allowed:
            event.accept()
        else:
            event.ignore()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        # Something un-fullscreened or minimised us (a window manager key): undo it.
        if (event.type() == QEvent.Type.WindowStateChange and not self.close_allowed
                and self.isVisible() and not self.isFullScreen()):
            self.fill_screen()

    # -- pages ---------------------------------------------------------------------
    def show_page(self, page: Page) -> None:
        self.stack.setCurrentWidget(page)

    @property
    def current_page(self) -> Page:
        return self.stack.currentWidget()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        w, h = self.width(), self.height()
        self._apply_scale(min(w / DESIGN_SIZE[0], h / DESIGN_SIZE[1]))
        for overlay in (self.idle, self.pin):
            if overlay is not None and overlay.isVisible():
                overlay.setGeometry(self.rect())
        if self.staff_note.isVisible():
            self.staff_note.place()

    def _apply_scale(self, scale: float) -> None:
        if abs(scale - self.scale) < 0.01:
            return
        self.scale = scale
        self.setStyleSheet(kiosk_style(scale))
        for page in (self.attract, self.chooser, self.visitor, self.why):
            page.set_scale(scale)
        for overlay in (self.idle, self.pin):
            if overlay is not None:
                overlay.set_scale(scale)
