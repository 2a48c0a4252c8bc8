"""A sweep file: a grid of evolution runs written as TOML (see docs/sweep.toml).

Every combination of ``models × encodings × seeds × class sets × generations ×
(presets or variants)`` is one run. A setting applies to the runs of the encodings it
exists for (``coordinates`` only to CPPN runs); one that fits no encoding of the
sweep, an unknown key or a wrong type is refused in one sentence before anything runs.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import FoolingError
from ..evolution import settings as run_settings
from ..evolution.config import ENCODINGS
from ..models.custom import MODEL_SUFFIXES

# key: (kind, default) — "list" keys are the grid's axes.
_KEYS = {
    "models": ("list", ["lenet"]), "encodings": ("list", ["direct", "cppn"]),
    "seeds": ("list", [0]), "generations": ("list", [200]), "classes": ("list", ["all"]),
    "presets": ("list", [run_settings.DEFAULT_PRESET]),
    "batch": ("int", None), "device": ("str", "cpu"), "random_init": ("bool", False),
    "cpus_per_run": ("number", 1), "gpus_per_run": ("number", 1),
    "settings": ("table", {}), "variants": ("variants", []),
}


@dataclass(frozen=True)
class SweepRun:
    """One run of the grid, before its model is loaded.

    Attributes:
        run_id: folder name inside the sweep (model, encoding, seed, generations,
            class set and preset or variant).
        model, encoding, seed, generations: as for ``evolve``.
        classes: the class set as written (``"all"``, ``"3,7"``, ``[3, 7]``).
        variant: the preset's or variant's name.
        preset: the operators' preset.
        settings: the settings changed from the preset that apply to this encoding.
        batch: offspring per generation (None: the paper's for the model).
        device, random_init: as for ``evolve``.
        cpus, gpus: what the run asks Ray for.
    """

    run_id: str
    model: str
    encoding: str
    seed: int
    generations: int
    classes: object
    variant: str
    preset: str
    settings: dict = field(default_factory=dict)
    batch: int | None = None
    device: str = "cpu"
    random_init: bool = False
    cpus: float = 1
    gpus: float = 0


@dataclass(frozen=True)
class SweepSpec:
    """A parsed sweep file."""

    runs: tuple[SweepRun, ...]
    models: tuple[str, ...]
    source: str  # the file's text, kept in the sweep folder

    @classmethod
    def from_file(cls, path: str | Path) -> SweepSpec:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise FoolingError(f"Cannot read the sweep file {path}: "
                               f"{exc.strerror or exc}.") from None
        except UnicodeDecodeError:
            raise FoolingError(f"{path} is not a text file.") from None
        return cls.from_text(text, str(path), base=path.parent.absolute())

    @classmethod
    def from_text(cls, text: str, name: str = "the sweep file",
                  base: Path | None = None) -> SweepSpec:
        """Parse TOML ``text``; model files are relative to ``base`` (the file's folder)."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise FoolingError(f"{name} is not valid TOML ({exc}).") from None
        return cls.from_dict(data, text, name, base)

    @classmethod
    def from_dict(cls, data: dict, source: str = "", name: str = "the sweep file",
                  base: Path | None = None) -> SweepSpec:
        values = _checked(data, name)
        # Workers may start elsewhere: a model file is named by its absolute path.
        values["models"] = [_model_path(m, base) for m in values["models"]]
        if "presets" in data and values["variants"]:
            raise FoolingError(f"{name}: give presets or [[variants]] (which name their own "
                               "presets), not both.")
        encodings = values["encodings"]
        for e in encodings:
            if e not in ENCODINGS:
                raise FoolingError(f"{name}: unknown encoding {e!r}; use direct or cppn.")
        variants = _variants(values, encodings, name)
        device = values["device"]
        gpus = float(values["gpus_per_run"]) if device.startswith("cuda") else 0.0
        runs = []
        for model, enc, seed, gens, classes, (vname, preset, settings) in itertools.product(
                values["models"], encodings, values["seeds"], values["generations"],
                values["classes"], variants):
            _check_int(seed, "seeds", name)
            _check_int(gens, "generations", name, minimum=0)
            applicable = {k: v for k, v in settings.items()
                          if enc in run_settings.BY_NAME[k].scope
                          or "run" in run_settings.BY_NAME[k].scope}
            run_id = "-".join([_slug(Path(model).stem if _is_path(model) else model),
                               enc, f"seed{seed}", f"gen{gens}",
                               _classes_slug(classes), _slug(vname)])
            runs.append(SweepRun(run_id, model, enc, int(seed), int(gens), classes, vname,
                                 preset, applicable, values["batch"], device,
                                 values["random_init"], float(values["cpus_per_run"]), gpus))
        ids = [r.run_id for r in runs]
        dup = next((i for i in ids if ids.count(i) > 1), None)
        if dup is not None:
            raise FoolingError(f"{name}: two runs would share the folder {dup!r}; "
                               "remove the repeated value from the lists.")
        if not runs:
            raise FoolingError(f"{name} describes no run: every list needs a value.")
        return cls(tuple(runs), tuple(dict.fromkeys(values["models"])), source)



def _checked(data: dict, name: str) -> dict:
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise FoolingError(f"{name}: unknown key {unknown[0]!r}; the keys are "
                           f"{', '.join(_KEYS)}.")
    out = {}
    for key, (kind, default) in _KEYS.items():
        value = data.get(key, default)
        if kind == "list":
            value = value if isinstance(value, list) else [value]
            if not value:
                raise FoolingError(f"{name}: {key} is empty; give at least one value.")
        elif kind == "int" and value is not None:
            _check_int(value, key, name, minimum=1)
        elif kind == "str" and not isinstance(value, str):
            raise FoolingError(f"{name}: {key} must be text, not {value!r}.")
        elif kind == "bool" and not isinstance(value, bool):
            raise FoolingError(f"{name}: {key} must be true or false, not {value!r}.")
        elif kind == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))
                                   or not value > 0):
            raise FoolingError(f"{name}: {key} must be a positive number, not {value!r}.")
        elif kind == "table" and not isinstance(value, dict):
            raise FoolingError(f"{name}: [{key}] must be a table of NAME = VALUE.")
        elif kind == "variants" and not (isinstance(value, list)
                                         and all(isinstance(v, dict) for v in value)):
            raise FoolingError(f"{name}: variants must be [[variants]] tables.")
        out[key] = value
    for key in ("models", "encodings", "presets"):
        if not all(isinstance(v, str) and v.strip() for v in out[key]):
            raise FoolingError(f"{name}: {key} must be a list of names.")
    return out


def _variants(values: dict, encodings: list[str], name: str) -> list[tuple[str, str, dict]]:
    """``(name, preset, settings)`` of each preset or variant, settings typed."""
    common = values["settings"]
    if values["variants"]:
        raw = []
        for v in values["variants"]:
            extra = sorted(set(v) - {"name", "preset", "settings"})
            if extra or not isinstance(v.get("name"), str) or not v["name"].strip():
                raise FoolingError(f"{name}: each [[variants]] needs a name (and may have "
                                   "preset and settings), nothing else.")
            raw.append((v["name"].strip(), v.get("preset", run_settings.DEFAULT_PRESET),
                        {**common, **dict(v.get("settings", {}))}))
    else:
        raw = [(p, p, dict(common)) for p in values["presets"]]
    out = []
    for vname, preset, settings in raw:
        if preset not in run_settings.PRESETS:
            raise FoolingError(f"{name}: unknown preset {preset!r}; choose "
                               f"{' or '.join(run_settings.PRESETS)}.")
        typed = {}
        for key, value in settings.items():
            if key not in run_settings.BY_NAME:
                raise FoolingError(f"{name}: there is no setting {key!r} (see "
                                   "`fooling-gui evolve --help` for the list).")
            fits = [e for e in encodings if _fits(key, e)]
            if not fits:
                raise FoolingError(f"{name}: the setting {key} applies to none of the "
                                   f"encodings {', '.join(encodings)}.")
            typed[key] = run_settings.coerce(key, value, fits[0])
        out.append((vname, preset, typed))
    names = [v[0] for v in out]
    if len(set(names)) != len(names):
        raise FoolingError(f"{name}: two presets or variants share a name.")
    return out


def _is_path(model: str) -> bool:
    return "/" in model or "\\" in model or Path(model).suffix.lower() in MODEL_SUFFIXES


def _model_path(model: str, base: Path | None) -> str:
    model = model.strip()
    if not _is_path(model):
        return model
    path = Path(model).expanduser()
    return str(path if path.is_absolute() else ((base or Path.cwd()) / path).absolute())


def _fits(key: str, encoding: str) -> bool:
    setting = run_settings.BY_NAME.get(key)
    return setting is not None and ("run" in setting.scope or encoding in setting.scope)


def _check_int(value, key: str, name: str, minimum: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FoolingError(f"{name}: {key} must hold whole numbers, not {value!r}.")
    if minimum is not None and value < minimum:
        raise FoolingError(f"{name}: {key} must be at least {minimum}, not {value}.")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", str(text)).strip("_").lower()[:40] or "x"


def _classes_slug(classes) -> str:
    if isinstance(classes, list):
        classes = ",".join(str(c) for c in classes)
    text = str(classes).strip().lower()
    return "all" if text in ("", "all") else "c" + _slug(text.replace(",", "_"))
