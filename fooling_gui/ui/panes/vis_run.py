"""One visualisation run as the pane remembers it: its job, its settings and the states
drawn, enough to save the picture with its provenance."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...core.models.spec import ModelSpec
from ...core.vis import VisConfig, VisResult, VisStep


@dataclass
class VisRun:
    """A class, unit or channel-grid run.

    Attributes:
        job: its :class:`~fooling_gui.ui.job_thread.Job` handle.
        spec, config, seed, preset: how it was made.
        class_index: class runs; ``layer``, ``channel``, ``centre_neuron``: unit runs.
        start, last: the first and the latest state drawn (None before the first frame).
    """

    job: object
    spec: ModelSpec
    config: VisConfig
    seed: int
    preset: str
    class_index: int | None = None
    layer: str | None = None
    channel: int | None = None
    centre_neuron: bool = False
    start: VisStep | None = None
    last: VisStep | None = None

    @property
    def running(self) -> bool:
        return not self.job.is_finished

    def result(self) -> VisResult | None:
        return None if self.start is None else VisResult(self.start, self.last)

    def file_stem(self) -> str:
        """A file name (without suffix) that says what the picture shows."""
        from ...core.gallery.export import slug

        if self.class_index is not None:
            what = self.spec.class_names[self.class_index]
        else:
            what = f"{self.layer}_ch{self.channel}"
        return slug(f"{what}_{self.preset}_seed{self.seed}")

    def save(self, path: str | Path) -> Path:
        """Write the latest image with its provenance, atomically; ``.png`` is added when
        missing. Raises FoolingError (one sentence) when it cannot be written."""
        from ...core.vis.export import save_vis_png, vis_png_text

        path = Path(path)
        if path.suffix.lower() != ".png":
            path = path.with_suffix(".png")
        result = self.result()
        text = vis_png_text(self.spec, self.config, self.seed, result, preset=self.preset,
                            class_index=self.class_index, layer=self.layer,
                            channel=self.channel, centre_neuron=self.centre_neuron)
        return save_vis_png(path, result, text)
