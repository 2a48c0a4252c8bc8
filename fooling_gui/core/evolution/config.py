"""Run configuration: everything that, with the seed, determines a run's images."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..errors import FoolingError

ENCODINGS = ("direct", "cppn")

# The paper's offspring per generation (shared/BRIEF.md).
DEFAULT_BATCH = {("mnist", "direct"): 200, ("mnist", "cppn"): 200,
                 ("imagenet", "direct"): 200, ("imagenet", "cppn"): 400}


def default_eval_batch(spec, device: str = "cpu") -> int | None:
    """How many images a run scores per forward pass unless told otherwise: the whole
    batch for small (grey) models; 64 for ImageNet-sized ones, which bounds memory; on
    a CPU, less where the model says it runs faster so (``spec.cpu_eval_batch``)."""
    if spec.channels == 1:
        return None
    if str(device).startswith("cpu") and getattr(spec, "cpu_eval_batch", None):
        return int(spec.cpu_eval_batch)
    return 64


@dataclass(frozen=True)
class RunConfig:
    """What to evolve, against which model, for how long.

    Attributes:
        model: registry name or custom model path.
        encoding: ``"direct"`` or ``"cppn"``.
        batch: offspring per generation.
        generations: generations after the random generation 0.
        classes: class indices that get an archive cell; ``None`` means all.
        seed: seeds every random choice of the run.
        device: torch device for the model and rendering.
        random_init: the model has random weights (benchmarks and tests only).
        ten_crop: ImageNet models average over 10 crops, as in the paper.
        encoding_params: overrides of the encoding's parameters.
        eval_batch: largest forward-pass batch (bounds memory; ``None`` = whole batch).
    """

    model: str = "lenet"
    encoding: str = "direct"
    batch: int = 200
    generations: int = 200
    classes: tuple[int, ...] | None = None
    seed: int = 0
    device: str = "cpu"
    random_init: bool = False
    ten_crop: bool = False
    encoding_params: dict = field(default_factory=dict)
    eval_batch: int | None = None

    def __post_init__(self) -> None:
        if self.encoding not in ENCODINGS:
            raise FoolingError(f"Unknown encoding {self.encoding!r}; choose direct or cppn.")
        if self.batch < 1:
            raise FoolingError("The number of offspring per generation must be at least 1.")
        if self.generations < 0:
            raise FoolingError("The number of generations must not be negative.")
        if self.eval_batch is not None and self.eval_batch < 1:
            raise FoolingError("The evaluation batch size must be at least 1.")
        if self.classes is not None:
            object.__setattr__(self, "classes", tuple(int(c) for c in self.classes))
            if not self.classes:
                raise FoolingError("Choose at least one class to evolve.")
            if len(set(self.classes)) != len(self.classes):
                raise FoolingError("Each class may be chosen only once.")

    def to_dict(self) -> dict:
        data = asdict(self)
        data["classes"] = list(self.classes) if self.classes is not None else None
        return data

    @classmethod
    def from_dict(cls, data: dict) -> RunConfig:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if known.get("classes") is not None:
            known["classes"] = tuple(known["classes"])
        return cls(**known)
