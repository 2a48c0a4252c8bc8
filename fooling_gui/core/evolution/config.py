"""Run configuration: everything that, with the seed, determines a run's images."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..errors import FoolingError
from . import settings as run_settings

ENCODINGS = ("direct", "cppn")

# Offspring per generation as in the paper's experiments (400 for CPPN on ImageNet).
DEFAULT_BATCH = {("mnist", "direct"): 200, ("mnist", "cppn"): 200,
                 ("imagenet", "direct"): 200, ("imagenet", "cppn"): 400}
#: Network inputs per forward pass for colour (ImageNet-sized) models: it bounds the
#: memory of a generation, and the window checks for pause and stop between passes.
IMAGENET_CROPS_PER_PASS = 64


def model_kind(spec) -> str:
    """``"mnist"`` for grey models, ``"imagenet"`` for colour ones: which paper defaults apply."""
    return "mnist" if spec.channels == 1 else "imagenet"


def run_defaults(spec, encoding: str, ten_crop: bool,
                 device: str = "cpu") -> tuple[int, int | None]:
    """``(offspring per generation, eval_batch)`` for a model: the one place the CLI, the
    window, the kiosk and sweeps take them from.

    Grey models score the whole batch in one pass. Colour models score 64 network inputs
    per pass, which bounds memory; on a CPU fewer where the model runs faster so
    (``spec.cpu_eval_batch``: EfficientNet-Lite0's depthwise convolutions are
    memory-bound). Ten crops make each image ten network inputs, so a pass then takes a
    tenth of the images.
    """
    kind = model_kind(spec)
    if kind == "mnist":
        return DEFAULT_BATCH[(kind, encoding)], None
    inputs = IMAGENET_CROPS_PER_PASS
    if str(device).startswith("cpu") and getattr(spec, "cpu_eval_batch", None):
        inputs = int(spec.cpu_eval_batch)
    per_image = 10 if ten_crop else 1
    return DEFAULT_BATCH[(kind, encoding)], max(1, inputs // per_image)


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
        ten_crop: ImageNet-sized models average over 10 crops (the paper) or score the
            centre crop; ``None``: as the preset says (see :attr:`uses_ten_crop`).
        encoding_params: the encoding settings changed from the preset's.
        eval_batch: largest forward-pass batch (bounds memory; ``None`` = whole batch).
        preset: ``"paper"`` (the original code's operators) or ``"legacy"`` (see
            :mod:`.settings`).
    """

    model: str = "lenet"
    encoding: str = "direct"
    batch: int = 200
    generations: int = 200
    classes: tuple[int, ...] | None = None
    seed: int = 0
    device: str = "cpu"
    random_init: bool = False
    ten_crop: bool | None = None
    encoding_params: dict = field(default_factory=dict)
    eval_batch: int | None = None
    preset: str = run_settings.DEFAULT_PRESET

    def __post_init__(self) -> None:
        if self.encoding not in ENCODINGS:
            raise FoolingError(f"Unknown encoding {self.encoding!r}; choose direct or cppn.")
        if self.batch < 1:
            raise FoolingError("The number of offspring per generation must be at least 1.")
        if self.generations < 0:
            raise FoolingError("The number of generations must not be negative.")
        if self.eval_batch is not None and self.eval_batch < 1:
            raise FoolingError("The evaluation batch size must be at least 1.")
        if self.preset not in run_settings.PRESETS:
            raise FoolingError(f"Unknown preset {self.preset!r}; choose "
                               f"{' or '.join(run_settings.PRESETS)}.")
        params = {k: run_settings.coerce(k, v, self.encoding)
                  for k, v in dict(self.encoding_params).items()}
        run_wide, params = run_settings.split_run_settings(params)
        if run_wide:
            raise FoolingError(f"{next(iter(run_wide))} is a run setting, not an encoding one.")
        object.__setattr__(self, "encoding_params", params)
        if self.classes is not None:
            object.__setattr__(self, "classes", tuple(int(c) for c in self.classes))
            if not self.classes:
                raise FoolingError("Choose at least one class to evolve.")
            if len(set(self.classes)) != len(self.classes):
                raise FoolingError("Each class may be chosen only once.")

    @property
    def uses_ten_crop(self) -> bool:
        """Whether ImageNet-sized models score 10 crops (the preset decides unless set)."""
        if self.ten_crop is not None:
            return bool(self.ten_crop)
        return run_settings.preset_values(self.preset, self.encoding)["crops"] == "ten"

    def encoding_settings(self) -> dict:
        """Every parameter of the encoding: the preset's, then the changed ones."""
        values = run_settings.preset_values(self.preset, self.encoding)
        _, params = run_settings.split_run_settings(values)
        return {**params, **self.encoding_params}

    def settings(self) -> dict:
        """Every setting of this run (preset, crops, encoding parameters), JSON-ready."""
        params = {k: list(v) if isinstance(v, tuple) else v
                  for k, v in self.encoding_settings().items()}
        return {"preset": self.preset, "crops": "ten" if self.uses_ten_crop else "centre",
                **params}

    def to_dict(self) -> dict:
        data = asdict(self)
        data["classes"] = list(self.classes) if self.classes is not None else None
        data["encoding_params"] = {k: list(v) if isinstance(v, tuple) else v
                                   for k, v in self.encoding_params.items()}
        return data

    @classmethod
    def from_dict(cls, data: dict) -> RunConfig:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if known.get("classes") is not None:
            known["classes"] = tuple(known["classes"])
        return cls(**known)

