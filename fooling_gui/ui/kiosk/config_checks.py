"""What a kiosk configuration asks of *this* computer: a device, models, writable folders.

:func:`~.config.load_config` checks that each value is well formed; these checks ask
whether the computer can do it — a GPU named in ``device`` may be missing, a model's
weights may not be downloaded, the gallery folder may be read-only. Each problem is one
sentence and falls back to what works (the CPU, the shipped LeNet, no gallery), so the
exhibit still starts; the kiosk shows the sentence and counts it in the heartbeat, and
the configuration checker reports it. No Qt, and no model is loaded.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .config import KioskConfig

FALLBACK_MODEL = "lenet"  # ships with fooling-gui: always loadable, offline


def check_environment(config: KioskConfig, name: str = "the kiosk configuration"
                      ) -> tuple[KioskConfig, list[str]]:
    """``config`` with what this computer cannot do replaced by what it can, and why.

    Args:
        config: parsed settings.
        name: how the sentences name the configuration (its file name).
    """
    from ...core.devices import usable_device
    from ...core.errors import FoolingError
    from ...core.files import check_folder_writable

    problems: list[str] = []
    device, problem = usable_device(config.device)
    if problem is not None:
        problems.append(f"In {name}, device {config.device!r} cannot be used ({problem}); "
                        "the kiosk runs on the CPU.")
    models = []
    for model in config.models:
        problem = model_problem(model)
        if problem is None:
            models.append(model)
        else:
            problems.append(f"In {name}, the model {model!r} is left out: {problem}.")
    if not models:
        models = [FALLBACK_MODEL]
        problems.append(f"In {name}, no model in models can be shown; the built-in "
                        f"{FALLBACK_MODEL} is shown instead.")
    gallery = config.gallery_folder
    if gallery is not None:
        try:
            if gallery.exists() and not gallery.is_dir():
                raise FoolingError(f"gallery.folder {gallery} is a file, not a folder")
            check_folder_writable(gallery, "gallery.folder")
        except FoolingError as exc:
            problems.append(f"In {name}, {str(exc).rstrip('.')}; visitors' pictures are "
                            "not saved.")
            gallery = None
    beat = config.heartbeat_file
    if beat is not None:
        try:
            if beat.is_dir():
                raise FoolingError(f"monitoring.heartbeat_file {beat} is a folder")
            check_folder_writable(beat.parent, "monitoring.heartbeat_file")
        except FoolingError as exc:
            problems.append(f"In {name}, {str(exc).rstrip('.')}; the watchdog will see no "
                            "heartbeat.")
    checked = replace(config, device=device, models=tuple(models), gallery_folder=gallery)
    return checked, problems


def model_problem(model: str) -> str | None:
    """Why ``model`` cannot be shown on this computer (a phrase), or None.

    Found without loading it: a name must be one fooling-gui offers, with its weights
    present (an exhibit must not depend on a download at opening time); a file must
    exist and have a readable sidecar.
    """
    from ...core.errors import FoolingError
    from ...core.models import torchvision_models as tvm
    from ...core.models.custom import MODEL_SUFFIXES
    from ...core.models.registry import available_models
    from ...core.models.sidecar import read_sidecar, sidecar_path_for

    key = model.strip().lower()
    if tvm.is_imagenet_model(key):
        weights = tvm.weights_file(key)
        if not weights.is_file():
            return f"its weights are not on this computer (put {weights.name} in {weights.parent})"
        return None
    known = {info.name: info for info in available_models()}  # LeNet and any other built-in
    if key in known:
        return None if known[key].weights_present else \
            f"its weights are not on this computer ({known[key].weights_path})"
    path = Path(model.strip()).expanduser()
    if path.suffix.lower() in MODEL_SUFFIXES or path.exists() or "/" in model or "\\" in model:
        if not path.is_file():
            return f"there is no model file {path}"
        try:
            read_sidecar(sidecar_path_for(path))
        except FoolingError as exc:
            return _lower_first(str(exc).rstrip("."))
        return None
    return "fooling-gui knows no model of that name (see fooling-gui models)"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text
