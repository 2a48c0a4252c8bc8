"""Which models the selector offers, and whether their weights are here (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ModelEntry:
    """One line of the model selector."""

    name: str  # registry name or a custom model file path
    label: str  # for the selector's list: "AlexNet · ImageNet (the paper's)  ↓"
    description: str  # one line, for tooltips
    imagenet: bool  # a torchvision model whose weights may have to be fetched (not the
    # shipped EfficientNet-Lite0, whose weights come with the install)
    short: str = ""  # for the closed selector: "AlexNet · ImageNet"

    def short_label(self, random_init: bool = False) -> str:
        """The closed selector's text; random weights are said there too."""
        short = self.short or self.label
        return f"{short.split(' · ')[0]} · random weights" if random_init else short

    @property
    def weights_missing(self) -> bool:
        """Checked on the file system each time (a download may have just finished)."""
        if not self.imagenet:
            return False
        from ..core.models import weights_present

        return not weights_present(self.name)


def model_entries() -> list[ModelEntry]:
    """LeNet, the shipped EfficientNet-Lite0, AlexNet (the paper's network) and the other
    featured ImageNet models, then every other torchvision classifier (from the model
    registry's own order)."""
    from ..core.models import available_models
    from ..core.models import efficientnet_lite0 as lite0
    from ..core.models.torchvision_models import display_name

    entries = []
    for info in available_models(all_imagenet=True):
        if info.kind == "mnist":
            label = short = "LeNet · MNIST digits"
        elif info.name == lite0.NAME:
            label = short = lite0.DISPLAY_NAME
        elif info.kind == "imagenet":
            paper = " (the paper's)" if info.name == "alexnet" else ""
            fetch = "" if info.weights_present else "  ↓"
            short = f"{display_name(info.name)} · ImageNet"
            label = f"{short}{paper}{fetch}"
        else:
            label = short = custom_label(info.name)
        downloadable = info.kind == "imagenet" and info.name != lite0.NAME
        entries.append(ModelEntry(info.name, label, info.description, downloadable, short))
    return entries


def custom_label(path: str | Path) -> str:
    return f"Custom: {Path(path).name}"
