"""What the kiosk shows beside the evolved image: a real example of the class.

In order: a real handwritten digit (MNIST models); a shipped photograph showing the
class (ImageNet models: the cat, the espresso…); else a picture the network drew of
the class itself — a feature visualisation made beforehand and kept as
``<folder>/<model>/<class index>.png`` — and the screen says that it is one. No Qt
here. Make the pictures for a configuration's classes with::

    python -m fooling_gui.ui.kiosk.examples packaging/kiosk-imagenet.toml
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...core.datasets import example_digit
from ...core.errors import FoolingError
from ...core.models import MNIST_CLASSES
from ...core.resources import resources_root

log = logging.getLogger(__name__)

#: The readable preset, made stronger for an ImageNet network at its 224 px input:
#: smaller steps, larger jitter, zoom and rotation, and a steeper spectrum (tried on
#: EfficientNet-Lite0's king penguin and zebra: the preset's own settings give
#: high-frequency texture, a decay power of 1.5 saturates the colours).
VIS_SETTINGS = dict(steps=256, lr=0.05, jitter=16, scales=(0.9, 0.95, 1.0, 1.05, 1.1),
                    rotate=10.0, decay_power=1.25)


@dataclass(frozen=True)
class Example:
    """A picture for the right-hand pane.

    Attributes:
        image: ``(H, W, C)`` uint8.
        kind: ``"digit"`` (a real handwritten one), ``"photo"`` (a real photograph) or
            ``"visualisation"`` (drawn by the network: not a real example).
        credit: who took a photo, and its licence ("" for the other kinds).
    """

    image: np.ndarray
    kind: str
    credit: str = ""


def shipped_folder() -> Path:
    """The feature visualisations that ship with fooling-gui (``resources/kiosk_examples``)."""
    return resources_root() / "kiosk_examples"


def picture_path(folder: Path, model: str, class_index: int) -> Path:
    return folder / Path(model).name / f"{class_index}.png"


def example_for(info, model: str, class_index: int, n: int,
                folder: Path | None = None) -> Example | None:
    """The best example of class ``class_index`` for the model ``info`` describes.

    Args:
        info: the model's class names, channels and image size.
        model: its registry name (for the pictures' folder).
        n: which example (digits: a different one each time).
        folder: the configured pictures folder (``None``: the shipped one).
    """
    names = tuple(info.class_names)
    if names == MNIST_CLASSES and info.channels == 1 and tuple(info.image_size) == (28, 28):
        try:
            return Example(example_digit(class_index, n), "digit")
        except FoolingError as exc:
            log.warning("No example digit: %s", exc)
            return None
    if info.channels != 3 or not 0 <= class_index < len(names):
        return None
    from ...core.images import fit_image, load_image
    from ...core.photos import photo_for_class

    shown = photo_for_class(names[class_index])
    try:
        if shown is not None:
            return Example(fit_image(shown.load(), (256, 256)), "photo", shown.credit)
        path = picture_path(folder or shipped_folder(), model, class_index)
        if path.is_file():
            return Example(load_image(path, 3), "visualisation")
    except FoolingError as exc:
        log.warning("No example picture: %s", exc)
    return None


def make_pictures(config_path: str | Path, out: Path | None = None, steps: int | None = None,
                  log_line=print) -> list[Path]:
    """Draw the feature visualisation of every class a configuration shows (colour
    models, classes without a shipped photo, pictures not there yet).

    Returns the pictures written.
    """
    from ...core.gallery.png_meta import write_png
    from ...core.images import pil_image
    from ...core.photos import photo_for_class
    from ...core.vis.optimize import run_to_end
    from ...core.vis.recipes import class_steps, preset
    from ...sessions import ModelCache
    from .config import load_config

    config, problems = load_config(config_path)
    for problem in problems:
        log_line(problem)
    folder = Path(out) if out is not None else (config.examples_folder or shipped_folder())
    settings = dict(VIS_SETTINGS) | ({"steps": steps} if steps else {})
    written = []
    # Through the session layer's cache, as the kiosk itself loads them (never downloading).
    models = ModelCache(device=config.device, spare=0)
    for model in config.models:
        classifier = models.get(model)
        spec = classifier.spec
        if spec.channels != 3:
            continue
        for k in config.classes_for(model, spec.n_classes):
            path = picture_path(folder, model, k)
            if photo_for_class(spec.class_names[k]) is not None or path.exists():
                continue
            size = tuple(spec.input_size)
            result = run_to_end(class_steps(classifier, k, preset("readable", size=size,
                                                                   **settings), seed=0))
            image = pil_image(np.asarray(result.image))
            write_png(path, image)
            log_line(f"{path}: {spec.class_names[k]}, {100 * result.confidence:.2f} %")
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m fooling_gui.ui.kiosk.examples",
        description="Draw the feature visualisations the kiosk shows for classes without "
        "a real photo (several minutes per class on a CPU).")
    parser.add_argument("config", help="the kiosk configuration (TOML)")
    parser.add_argument("--out", type=Path, help="folder for the pictures (default: the "
                        "configuration's examples_folder, else the shipped folder)")
    parser.add_argument("--steps", type=int, help=f"gradient steps (default "
                        f"{VIS_SETTINGS['steps']})")
    args = parser.parse_args(argv)
    try:
        make_pictures(args.config, args.out, args.steps)
    except FoolingError as exc:
        print(f"examples: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
