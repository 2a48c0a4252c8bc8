"""Which model and class the attract loop shows next. No Qt."""

from __future__ import annotations

import logging

from .config import KioskConfig

log = logging.getLogger(__name__)

FAILURES_BEFORE_DROP = 2


class Rotation:
    """Cycles through every configured class of every configured model, in order.

    A model whose loading or runs fail :data:`FAILURES_BEFORE_DROP` times in a row leaves
    the rotation (unless it is the last one), so one missing weights file does not keep
    interrupting the show.

    Args:
        config: supplies ``models`` and ``classes``.
    """

    def __init__(self, config: KioskConfig):
        self.config = config
        self.models = list(config.models)
        self.model_pos = 0
        self.class_pos = 0
        self.infos: dict[str, object] = {}  # model name → LoadedModel, once loaded
        self.failures: dict[str, int] = {}

    @property
    def model(self) -> str | None:
        """The model shown now (and offered to visitors), None when none is left."""
        return self.models[self.model_pos % len(self.models)] if self.models else None

    def classes(self, model: str) -> tuple[int, ...]:
        """The classes shown for a loaded ``model``."""
        return self.config.classes_for(model, len(self.infos[model].class_names))

    def current_class(self) -> int:
        """The class shown now (the current model must be loaded)."""
        classes = self.classes(self.model)
        return classes[self.class_pos % len(classes)]

    def advance(self) -> None:
        """The next class; after the last one, the next model's first class."""
        model = self.model
        self.class_pos += 1
        if model is None or model not in self.infos or self.class_pos >= len(self.classes(model)):
            self.class_pos = 0
            self.model_pos = (self.model_pos + 1) % max(len(self.models), 1)

    def record_success(self, model: str) -> None:
        """``model`` works (again): its earlier failures no longer count."""
        self.failures.pop(model, None)

    def record_failure(self, model: str) -> bool:
        """Count a failure of ``model``; True when it was dropped from the rotation."""
        self.failures[model] = self.failures.get(model, 0) + 1
        if (self.failures[model] >= FAILURES_BEFORE_DROP and len(self.models) > 1
                and model in self.models):
            log.warning("Model %s failed %d times; it leaves the rotation.", model,
                        self.failures[model])
            self.models.remove(model)
            self.model_pos, self.class_pos = 0, 0
            return True
        return False
