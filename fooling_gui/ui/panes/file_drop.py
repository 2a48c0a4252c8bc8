"""Panes that open an image file: the file dialog's filter, and files dropped on them."""

from __future__ import annotations

IMAGE_FILES = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.tif *.tiff);;All files (*)"


class ImageDropMixin:
    """Accept one dropped local file and pass it to ``self.open_image(path)``.

    Mix in before ``QWidget``; the pane needs ``model`` (drops are refused until a
    model is loaded) and ``open_image``, and must call ``setAcceptDrops(True)``.
    """

    @staticmethod
    def _dropped_file(event) -> str | None:
        mime = event.mimeData()
        if not mime.hasUrls():
            return None
        files = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]
        return files[0] if files else None

    def dragEnterEvent(self, event) -> None:
        if self.model is not None and self._dropped_file(event):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        path = self._dropped_file(event)
        if path:
            event.acceptProposedAction()
            self.open_image(path)
