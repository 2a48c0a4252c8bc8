"""Feature visualisation: gradient ascent on the input, unit visualisation, saliency.

Composable pieces after lucent — parameterisations (:mod:`.param`), random transforms
(:mod:`.transforms`), objectives that add and scale (:mod:`.objectives`), layer
discovery and hooks (:mod:`.layers`), the optimisation generator (:mod:`.optimize`),
ready-made runs and presets (:mod:`.recipes`) and saliency maps (:mod:`.saliency`).
No Qt here: a GUI worker iterates the step generators and shows each frozen ``VisStep``.
"""

from .layers import LayerInfo, activation_maps, capture_activations, discover_layers, find_layer
from .objectives import (
    Objective,
    VisContext,
    channel,
    class_log_odds,
    class_logit,
    class_probability,
    l2_decay,
    neuron,
)
from .optimize import VisResult, VisStep, evaluate, run_to_end, visualize, visualize_steps
from .param import ImageParam, fourier_image, from_image, pixel_image
from .recipes import (
    PRESETS,
    VisConfig,
    channel_grid,
    class_steps,
    make_param,
    make_transform,
    preset,
    unit_steps,
)
from .saliency import saliency

__all__ = [
    "PRESETS",
    "ImageParam",
    "LayerInfo",
    "Objective",
    "VisConfig",
    "VisContext",
    "VisResult",
    "VisStep",
    "activation_maps",
    "capture_activations",
    "channel",
    "channel_grid",
    "class_log_odds",
    "class_logit",
    "class_probability",
    "class_steps",
    "discover_layers",
    "evaluate",
    "find_layer",
    "fourier_image",
    "from_image",
    "l2_decay",
    "make_param",
    "make_transform",
    "neuron",
    "pixel_image",
    "preset",
    "run_to_end",
    "saliency",
    "unit_steps",
    "visualize",
    "visualize_steps",
]
