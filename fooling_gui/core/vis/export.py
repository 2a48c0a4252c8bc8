"""Saving a visualisation as a PNG that records how it was made."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from ... import __version__
from ..gallery.png_meta import write_png
from ..models.spec import ModelSpec
from .optimize import VisResult
from .recipes import PRESETS, VisConfig


def method_name(config: VisConfig, preset: str | None = None) -> str:
    """``"gradient ascent, plain preset (pixels/clamp, log_odds)"``-style one-liner.

    Steps, reporting interval and size do not change the method; any other change to
    the preset is called out as "modified".
    """
    kind = "fourier" if config.fourier else f"pixels/{config.squash}"
    if preset in PRESETS:
        same = dataclasses.replace(PRESETS[preset], steps=config.steps, every=config.every,
                                   size=config.size) == config
        label = f"{preset} preset" + ("" if same else ", modified")
    else:
        label = "custom settings"
    return f"gradient ascent, {label} ({kind}, {config.class_objective})"


def vis_png_text(spec: ModelSpec, config: VisConfig, seed: int, result: VisResult, *,
                 preset: str | None = None, class_index: int | None = None,
                 layer: str | None = None, channel: int | None = None,
                 centre_neuron: bool = False) -> dict[str, str]:
    """Provenance text chunks for the first image of ``result``."""
    text = {
        "Software": f"fooling-gui {__version__}",
        "model": spec.label,
        "weights_sha256": spec.weights_sha256,
        "method": method_name(config, preset),
        "steps": str(result.steps),
        "seed": str(seed),
        "config": json.dumps(dataclasses.asdict(config), separators=(",", ":")),
    }
    if class_index is not None:
        text["class_index"] = str(class_index)
        text["class_name"] = spec.class_names[class_index]
        text["confidence"] = repr(result.confidence)
    if layer is not None:
        text["layer"] = layer
        text["channel"] = str(channel)
        text["unit"] = "centre neuron" if centre_neuron else "channel mean"
        text["activation_start"] = repr(result.activation_start)
        text["activation_end"] = repr(result.activation_end)
    return text


def save_vis_png(path: str | Path, result: VisResult, text: dict[str, str]) -> Path:
    """Write the first image of ``result`` with ``text`` atomically (FoolingError on failure)."""
    return write_png(path, result.image, text)
