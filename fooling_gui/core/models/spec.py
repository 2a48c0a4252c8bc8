"""What the rest of the app needs to know about a classifier, as plain data."""

from __future__ import annotations

from dataclasses import dataclass

OUTPUT_KINDS = ("logits", "log_probs", "probs")


@dataclass(frozen=True)
class ModelSpec:
    """Describes a classifier's classes, input and preprocessing.

    Attributes:
        name: registry name (``"lenet"``, ``"alexnet"``, ``"custom:<file stem>"``).
        class_names: one readable name per output unit.
        channels: 1 (grey) or 3 (RGB) channels the network reads.
        input_size: ``(H, W)`` the network itself sees.
        image_size: ``(H, W)`` images are evolved and saved at. When larger than
            ``input_size`` the classifier crops (centre, or ten crops); other sizes
            are resized to ``image_size`` first.
        mean, std: per-channel normalisation applied after scaling to ``value_range``.
        value_range: the network expects pixel values in this range before
            normalisation (``(0, 255)`` for some exported models).
        output: whether the network returns ``logits``, ``log_probs`` or ``probs``.
        ten_crop: average softmax over 4 corners + centre, each mirrored (the paper).
        weights_sha256: SHA-256 of the weights file ("" when random).
        random_init: the weights are random — benchmarks and tests only.
        description: one line for menus and ``fooling-gui models``.
        cpu_eval_batch: images per forward pass that run fastest on a CPU, when that is
            known to be small (networks whose activations must stay in the cache);
            None: no preference (see :func:`~fooling_gui.core.evolution.run_defaults`).
    """

    name: str
    class_names: tuple[str, ...]
    channels: int
    input_size: tuple[int, int]
    image_size: tuple[int, int]
    mean: tuple[float, ...]
    std: tuple[float, ...]
    value_range: tuple[float, float] = (0.0, 1.0)
    output: str = "logits"
    ten_crop: bool = False
    weights_sha256: str = ""
    random_init: bool = False
    description: str = ""
    cpu_eval_batch: int | None = None

    def __post_init__(self) -> None:
        if self.output not in OUTPUT_KINDS:
            raise ValueError(f"output must be one of {OUTPUT_KINDS}, not {self.output!r}")
        if self.channels not in (1, 3):
            raise ValueError("channels must be 1 or 3")

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    @property
    def label(self) -> str:
        """Name for titles and metadata; random weights are always flagged."""
        return f"{self.name} (RANDOM WEIGHTS)" if self.random_init else self.name
