"""Real photographs shipped in ``resources/photos/`` for the ImageNet models.

They come from scikit-image's sample data (the files of its wheel, copied unchanged;
scikit-image is not needed at run time). Each is public domain or CC0; the credits are
in ``resources/photos/README.md`` and in :data:`PHOTOS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import FoolingError
from .resources import resource_path


@dataclass(frozen=True)
class Photo:
    """One shipped photograph.

    Attributes:
        key: short name (``"cat"``), used on the command line.
        file: file name in ``resources/photos/``.
        subject: what it shows, in plain words.
        imagenet_classes: the ImageNet classes a person would accept for it, best first
            (empty when ImageNet has no class for the subject).
        credit: photographer or source, and licence.
    """

    key: str
    file: str
    subject: str
    imagenet_classes: tuple[str, ...]
    credit: str

    @property
    def path(self) -> Path:
        return resource_path("photos", self.file)

    def load(self, channels: int = 3) -> np.ndarray:
        """The photo as ``(H, W, channels)`` uint8, at its own size."""
        from .images import load_image

        return load_image(self.path, channels)


PHOTOS: tuple[Photo, ...] = (
    Photo("cat", "chelsea.png", "Chelsea the cat",
          ("tabby", "tiger cat", "Egyptian cat"),
          "Stefan van der Walt, CC0 (scikit-image sample data)"),
    Photo("coffee", "coffee.png", "a cup of espresso",
          ("espresso", "cup"),
          "Rachel Michetti, courtesy of Pikolo Espresso Bar, CC0 (scikit-image sample data)"),
    Photo("rocket", "rocket.jpg", "a Falcon 9 rocket launching DSCOVR",
          ("missile", "projectile"),
          "SpaceX, public domain (scikit-image sample data)"),
    Photo("cameraman", "camera.png", "a photographer with a camera on a tripod (grey)",
          ("tripod", "reflex camera", "Polaroid camera"),
          "Lav Varshney, CC0 (scikit-image sample data)"),
    Photo("astronaut", "astronaut.png", "the astronaut Eileen Collins (NASA)",
          (),
          "NASA, public domain (scikit-image sample data)"),
)


def photo(key: str) -> Photo:
    """The shipped photo called ``key`` (FoolingError listing the keys when unknown)."""
    for p in PHOTOS:
        if p.key == key.strip().lower():
            return p
    keys = ", ".join(p.key for p in PHOTOS)
    raise FoolingError(f"There is no shipped photo called {key!r}; choose one of {keys}.")


def photo_for_class(class_name: str) -> Photo | None:
    """A shipped photo showing ``class_name`` (an ImageNet class name), if there is one."""
    for p in PHOTOS:
        if class_name in p.imagenet_classes:
            return p
    return None
