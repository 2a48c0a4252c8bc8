"""Every evolution setting a user can change, in one table.

The command line (``--preset``, ``--set NAME=VALUE``), the window's Advanced section,
run files and each PNG's provenance all read this table, so a setting exists in all
of them or in none. A run's settings are a *preset* plus the settings changed from it.

* ``paper`` (the default): the original code (Evolving-AI-Lab/fooling, Sferes2 +
  Caffe), operator for operator; the encodings' parameter defaults.
* ``legacy``: fooling-gui's operators before the paper preset existed (smooth
  coordinates, NEAT add-node, Deb's bounded mutation, no crossover, HSV/RGB colour,
  rounding, centre crop). Run files saved before then load with it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..encodings import ENCODINGS
from ..encodings.cppn_genome import ACTIVATIONS
from ..errors import FoolingError

PRESETS = {
    "paper": "the paper's code, operator for operator",
    "legacy": "fooling-gui's operators before the paper preset (smoother, easier fooling)",
}
DEFAULT_PRESET = "paper"

# What ``legacy`` changes from the paper's values.
_LEGACY = {
    "direct": {"mutation_form": "deb", "colour_space": "rgb", "crossover_rate": 0.0,
               "eta_crossover": 15.0, "crossover_equal_genes": "keep",
               "pixel_levels": "round"},
    "cppn": {"colour_space": "hsv", "coordinates": "smooth", "add_node_weights": "neat",
             "activation_mutation": "switch", "mutation_form": "deb",
             "add_connection_choice": "unlinked", "evaluation": "feed-forward",
             "pixel_levels": "round"},
    "run": {"crops": "centre"},
}
_PAPER_RUN = {"crops": "ten"}
CROPS = ("ten", "centre")

# One line per setting: what it does, and where its values come from.
HELP = {
    "crops": "ImageNet-sized models: average the softmax over 10 crops (4 corners + centre, "
             "mirrored; the paper) or score the centre crop only (about 10× faster)",
    "mutation_rate": "probability that a pixel value mutates (halving every halve_every "
                     "generations)",
    "halve_every": "the pixel mutation rate halves every this many generations",
    "eta": "polynomial-mutation index for pixel values (larger: smaller steps)",
    "mutation_form": "polynomial mutation: sferes = step added, then clipped (the paper's "
                     "code); deb = Deb's bounded form",
    "colour_space": "how 3 values become a colour: hls-opencv = 8-bit H, L, S through OpenCV, "
                    "hue wrapping 1.4 turns (the paper's code); hsv (the paper's text); hls; rgb",
    "crossover_rate": "probability that a pair of children is recombined gene by gene by SBX "
                      "(0 = no crossover)",
    "eta_crossover": "SBX distribution index",
    "crossover_equal_genes": "a gene on which both SBX parents agree becomes 0.5 (half, as "
                             "Sferes does) or keeps their value (keep)",
    "pixel_levels": "8-bit pixels: truncate = floor(255 v) (the paper's code) or round",
    "add_connection": "probability of adding a link per offspring",
    "delete_connection": "probability of deleting a link per offspring",
    "add_node": "probability of splitting a link with a new node per offspring",
    "delete_node": "probability of deleting a hidden node per offspring",
    "weight_rate": "probability that a link's weight mutates",
    "weight_eta": "polynomial-mutation index for weights",
    "weight_range": "weights live in [-range, range]",
    "activation_rate": "probability that a node's activation function mutates",
    "activations": "the activation functions nodes may use (comma-separated)",
    "output_activation": "random (outputs mutate like hidden nodes) or one fixed function",
    "max_hidden_nodes": "add-node does nothing at this many hidden nodes (0 = no limit)",
    "coordinates": "CPPN inputs: pixel = column/row indices with d on a -1..1 grid (the "
                   "paper's code, striped textures); smooth = x, y in [-1, 1]",
    "add_node_weights": "a split link's two new links: copy = both the old weight (the "
                        "paper's code); neat = 1 in, old weight out",
    "activation_mutation": "redraw from all functions (the paper's code) or switch to "
                           "another one",
    "add_connection_choice": "sferes = source, then any target that keeps the network "
                             "feed-forward, parallel links allowed (the paper's code); "
                             "unlinked = uniform over unlinked pairs",
    "evaluation": "steps = Sferes' synchronous steps (the paper's code); feed-forward = "
                  "each node from its final inputs",
}


@dataclass(frozen=True)
class Setting:
    """One changeable setting.

    Attributes:
        name: as written on the command line and in provenance.
        scope: ``"run"`` or the encodings it belongs to.
        kind: ``float``, ``int``, ``str`` or ``tuple`` (comma-separated names).
        choices: the allowed words, for ``str`` settings with a fixed list.
        paper: its value in the paper preset, per encoding (or for the run).
        help: one line for ``--help`` and tooltips.
    """

    name: str
    scope: tuple[str, ...]
    kind: type
    choices: tuple[str, ...] | None
    paper: dict
    help: str


def _choices_of(params_cls, name: str) -> tuple[str, ...] | None:
    from ..encodings import colour, cppn_mutation, sbx_crossover
    from ..encodings.polynomial_mutation import MUTATION_FORMS
    from ..images import PIXEL_LEVELS

    table = {"colour_space": colour.COLOUR_SPACES,
             "mutation_form": MUTATION_FORMS,
             "crossover_equal_genes": sbx_crossover.EQUAL_GENES, "pixel_levels": PIXEL_LEVELS,
             "coordinates": cppn_mutation.COORDINATES,
             "add_node_weights": cppn_mutation.ADD_NODE_WEIGHTS,
             "activation_mutation": cppn_mutation.ACTIVATION_MUTATIONS,
             "add_connection_choice": cppn_mutation.ADD_CONNECTION_CHOICES,
             "evaluation": cppn_mutation.EVALUATIONS,
             "output_activation": ("random", *ACTIVATIONS)}
    return table.get(name)


def _table() -> tuple[Setting, ...]:
    rows: dict[str, Setting] = {
        "crops": Setting("crops", ("run",), str, CROPS, {"run": "ten"}, HELP["crops"])}
    for encoding, (_, params_cls) in ENCODINGS.items():
        defaults = params_cls()
        for f in dataclasses.fields(params_cls):
            value = getattr(defaults, f.name)
            kind = tuple if isinstance(value, tuple) else type(value)
            if f.name in rows:
                row = rows[f.name]
                rows[f.name] = dataclasses.replace(
                    row, scope=(*row.scope, encoding), paper={**row.paper, encoding: value})
            else:
                rows[f.name] = Setting(f.name, (encoding,), kind, _choices_of(params_cls, f.name),
                                       {encoding: value}, HELP.get(f.name, f.name))
    return tuple(rows.values())


SETTINGS = _table()
BY_NAME = {s.name: s for s in SETTINGS}


def settings_for(encoding: str) -> list[Setting]:
    """The settings that apply to runs of ``encoding``, run-wide ones first."""
    return [s for s in SETTINGS if "run" in s.scope or encoding in s.scope]


def preset_values(preset: str, encoding: str) -> dict:
    """Every setting of ``encoding`` (and the run) under ``preset``."""
    if preset not in PRESETS:
        raise FoolingError(f"Unknown preset {preset!r}; choose {' or '.join(PRESETS)}.")
    values = dict(_PAPER_RUN)
    values.update({s.name: s.paper[encoding] for s in SETTINGS if encoding in s.scope})
    if preset == "legacy":
        values.update(_LEGACY["run"])
        values.update(_LEGACY[encoding])
    return values


def coerce(name: str, value, encoding: str):
    """``value`` (a string from the command line, or already typed) as the setting's
    type; FoolingError with one sentence when it does not fit."""
    setting = BY_NAME.get(name)
    if setting is None:
        raise FoolingError(f"There is no setting {name!r}; see --help for the list.")
    if "run" not in setting.scope and encoding not in setting.scope:
        raise FoolingError(f"The setting {name} applies only to the "
                           f"{' and '.join(setting.scope)} encoding, not to {encoding}.")
    try:
        if setting.kind is tuple:
            items = value.split(",") if isinstance(value, str) else list(value)
            typed = tuple(str(v).strip() for v in items if str(v).strip())
        elif setting.kind is int:
            typed = int(value)
            if isinstance(value, float) and value != typed:
                raise ValueError
        elif setting.kind is float:
            typed = float(value)
        else:
            typed = str(value).strip()
    except (TypeError, ValueError):
        raise FoolingError(f"{name} takes a {setting.kind.__name__ if setting.kind is not tuple else 'list'}"
                           f", not {value!r}.") from None
    if setting.choices is not None and typed not in setting.choices:
        raise FoolingError(f"{name} must be one of {', '.join(setting.choices)}, not {typed!r}.")
    return typed


def parse_assignments(texts: list[str] | None, encoding: str) -> dict:
    """``["coordinates=smooth", "crops=centre"]`` → typed values (FoolingError if bad)."""
    out = {}
    for text in texts or ():
        name, sep, value = text.partition("=")
        if not sep or not name.strip():
            raise FoolingError(f"--set takes NAME=VALUE, not {text!r}.")
        out[name.strip()] = coerce(name.strip(), value, encoding)
    return out


def split_run_settings(values: dict) -> tuple[dict, dict]:
    """``(run-wide, encoding)`` parts of a settings dict."""
    run = {k: v for k, v in values.items() if "run" in BY_NAME[k].scope}
    return run, {k: v for k, v in values.items() if k not in run}


def help_text() -> str:
    """Every setting with its paper value and alternatives, for ``--help``."""
    lines = ["presets: " + "; ".join(f"{k} = {v}" for k, v in PRESETS.items()),
             "settings (--set NAME=VALUE; paper values shown):"]
    for s in SETTINGS:
        paper = "; ".join(f"{k}: {_show(v)}" for k, v in s.paper.items()) \
            if len(s.paper) > 1 and len({_show(v) for v in s.paper.values()}) > 1 \
            else _show(next(iter(s.paper.values())))
        scope = "" if s.scope == ("run",) else f" [{'/'.join(s.scope)}]"
        choices = f" ({'|'.join(s.choices)})" if s.choices else ""
        lines.append(f"  {s.name}{scope} = {paper}{choices}: {s.help}")
    return "\n".join(lines)


def _show(value) -> str:
    return ",".join(value) if isinstance(value, tuple) else str(value)
