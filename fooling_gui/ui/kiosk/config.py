"""The kiosk's settings: one TOML file, every key optional, a bad value never stops it.

An exhibit must start even when someone mistyped the configuration, so
:func:`load_config` never raises: each problem becomes one plain sentence and the
setting concerned keeps its default. No Qt here, so the file can be checked anywhere
(``python -m fooling_gui.ui.kiosk.config FILE.toml``).
"""

from __future__ import annotations

import math
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import tomllib

from .texts import LANGUAGES, caption_problem, card_problems

ENCODINGS = ("direct", "cppn")
MODIFIERS = ("ctrl", "alt", "shift", "meta")
# Keys a chord may end in besides letters, digits and F1–F35.
NAMED_KEYS = ("esc", "escape", "space", "tab", "backspace", "delete", "del", "insert", "ins",
              "home", "end", "pgup", "pgdown", "pause", "print", "return", "enter")


def default_heartbeat_file() -> Path:
    """``$XDG_RUNTIME_DIR/fooling-gui-kiosk.json`` (RAM, no SD-card wear), else ~/.cache."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        return Path(runtime) / "fooling-gui-kiosk.json"
    return Path.home() / ".cache" / "fooling-gui" / "kiosk-heartbeat.json"


def default_config_file() -> Path:
    """Where ``--kiosk`` looks when no ``--config`` is given:
    ``$XDG_CONFIG_HOME/fooling-gui/kiosk.toml`` (``~/.config/fooling-gui/kiosk.toml``)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "fooling-gui" / "kiosk.toml"


@dataclass(frozen=True)
class KioskConfig:
    """Everything an exhibit can set. Times are in seconds before ``time_scale``.

    Attributes:
        language: ``"en"`` or ``"de"``: captions, cards and number format.
        models: model names shown in turn by the attract loop (the first one is the
            visitors' model until the loop moves on).
        classes: class indices to show and offer; ``None``: every class of a model with
            at most 12, else 10 spread over its classes. A mapping gives a list per model.
        names: plain names visitors read, by the model's class name (e.g. ImageNet's
            ``"king penguin"`` → ``"penguin"``); other classes keep their own names.
        examples_folder: pictures for the right-hand "real example" where no photo
            ships: ``<folder>/<model>/<class index>.png`` (see :mod:`.examples`);
            ``None``: the pictures that ship with fooling-gui.
        encoding: ``"direct"`` (noisy pixels; the change is easy to watch) or ``"cppn"``.
        batch: offspring per generation.
        seed: first run's seed; every run after it uses the next number.
        device: torch device.
        generations_per_second: evolution pace (fewer is easier to follow).
        max_generations: a run stops here if it has not reached the target.
        target_confidence: a run stops once its image reaches this confidence.
        hold_seconds: how long the attract loop shows a finished image.
        idle_seconds: visitor inactivity before the "are you still there?" warning.
        warning_seconds: how long the warning stays before the loop takes over again.
        cursor_hide_seconds: mouse inactivity before the pointer is hidden.
        stall_seconds: real seconds without progress before the worker is replaced.
        time_scale: divides every kiosk time above except ``stall_seconds`` and the
            heartbeat, and multiplies the pace: for tests and soak runs only.
        exit_chord: key chord that leaves kiosk mode, e.g. ``"Ctrl+Alt+Shift+Q"``.
        exit_pin: digits asked for after the chord; empty: no PIN.
        heartbeat_file: JSON rewritten every ``heartbeat_seconds``; ``None``: off.
        heartbeat_seconds: real seconds between heartbeats.
        gallery_folder: where each visitor's image is saved as a small gallery; ``None``: not saved.
        captions: text overrides by caption key (see :mod:`.texts`).
        cards: ``(title, text)`` pairs replacing the built-in "why" cards.
    """

    language: str = "en"
    models: tuple[str, ...] = ("lenet",)
    classes: tuple[int, ...] | Mapping[str, tuple[int, ...]] | None = None
    names: Mapping[str, str] = field(default_factory=dict)
    examples_folder: Path | None = None
    encoding: str = "direct"
    batch: int = 150
    seed: int = 0
    device: str = "cpu"
    generations_per_second: float = 5.0
    max_generations: int = 200
    target_confidence: float = 0.9999
    hold_seconds: float = 10.0
    idle_seconds: float = 45.0
    warning_seconds: float = 15.0
    cursor_hide_seconds: float = 3.0
    stall_seconds: float = 120.0
    time_scale: float = 1.0
    exit_chord: str = "Ctrl+Alt+Shift+Q"
    exit_pin: str = ""
    heartbeat_file: Path | None = field(default_factory=default_heartbeat_file)
    heartbeat_seconds: float = 10.0
    gallery_folder: Path | None = None
    captions: Mapping[str, str] = field(default_factory=dict)
    cards: tuple[tuple[str, str], ...] | None = None

    def scaled(self, seconds: float) -> float:
        """A kiosk time after ``time_scale``."""
        return seconds / self.time_scale

    def scaled_ms(self, seconds: float) -> int:
        return max(1, round(1000.0 * self.scaled(seconds)))

    @property
    def pace(self) -> float:
        """Generations per real second."""
        return self.generations_per_second * self.time_scale

    def plain_name(self, class_name: str) -> str:
        """What visitors read for the class the model calls ``class_name``."""
        return self.names.get(class_name, class_name)

    def classes_for(self, model: str, n_classes: int) -> tuple[int, ...]:
        """The classes shown for ``model``, which has ``n_classes`` outputs."""
        chosen = self.classes.get(model) if isinstance(self.classes, Mapping) else self.classes
        if chosen:
            valid = tuple(c for c in chosen if 0 <= c < n_classes)
            if valid:
                return valid
        if n_classes <= 12:
            return tuple(range(n_classes))
        step = n_classes / 10
        return tuple(int(i * step) for i in range(10))


# -- parsing -------------------------------------------------------------------------

class _Bad(ValueError):
    """One setting's value is unusable; the message finishes "… must be …"."""


def _number(lo: float, hi: float, integer: bool = False) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        kind = "a whole number" if integer else "a number"
        ok_type = isinstance(value, int) if integer else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok_type or not math.isfinite(value):
            raise _Bad(f"must be {kind}")
        if not lo <= value <= hi:
            raise _Bad(f"must be between {lo:g} and {hi:g}")
        return value if integer else float(value)
    return check


def _choice(options: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str) or value.strip().lower() not in options:
            raise _Bad("must be one of " + ", ".join(f'"{o}"' for o in options))
        return value.strip().lower()
    return check


def _models(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if (not isinstance(value, list) or not value
            or not all(isinstance(v, str) and v.strip() for v in value)):
        raise _Bad('must be a list of model names, e.g. ["lenet"]')
    return tuple(v.strip() for v in value)


def _class_list(value: Any) -> tuple[int, ...]:
    if (not isinstance(value, list) or not value
            or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)):
        raise _Bad("must be a list of class numbers, e.g. [0, 1, 7]")
    if len(set(value)) != len(value):
        raise _Bad("must not name a class twice")
    return tuple(value)


def _classes(value: Any):
    if isinstance(value, dict):
        return {str(k): _class_list(v) for k, v in value.items()}
    return _class_list(value)


def _names(value: Any) -> dict[str, str]:
    if (not isinstance(value, dict)
            or not all(isinstance(v, str) and v.strip() for v in value.values())):
        raise _Bad('must be a table of plain names, e.g. { "king penguin" = "penguin" }')
    return {str(k): v.strip() for k, v in value.items()}


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Bad("must be text in quotes")
    return value


def _chord(value: Any) -> str:
    if not isinstance(value, str):
        raise _Bad('must be text such as "Ctrl+Alt+Shift+Q"')
    parts = [p.strip().lower() for p in value.split("+")]
    *mods, key = parts
    single = re.fullmatch(r"[a-z0-9]|f([1-9]|[12][0-9]|3[0-5])", key) is not None
    if (not mods or any(m not in MODIFIERS for m in mods) or len(set(mods)) != len(mods)
            or not any(m in ("ctrl", "alt", "meta") for m in mods)
            or not (single or key in NAMED_KEYS)):
        raise _Bad('must be modifiers and one key, including Ctrl, Alt or Meta, '
                   'e.g. "Ctrl+Alt+Shift+Q"')
    return value.strip()


def _pin(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        raise _Bad('must be digits in quotes, e.g. "4711" (a number would lose leading zeros)')
    if not isinstance(value, str) or not re.fullmatch(r"\d{0,12}", value.strip()):
        raise _Bad('must be up to 12 digits in quotes, e.g. "4711", or "" for none')
    return value.strip()


def _optional_path(value: Any) -> Path | None:
    if not isinstance(value, str):
        raise _Bad("must be a path in quotes, or \"\" for none")
    return Path(value).expanduser() if value.strip() else None


def _captions(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise _Bad("must be a table of texts")
    return dict(value)


def _cards(value: Any) -> tuple[tuple[str, str], ...]:
    if (not isinstance(value, list) or not value
            or not all(isinstance(c, dict) and isinstance(c.get("title"), str)
                       and isinstance(c.get("text"), str) for c in value)):
        raise _Bad("must be a list of [[cards]] tables, each with a title and a text")
    return tuple((c["title"], c["text"]) for c in value)


# (table, key in the file) → (field, check)
SCHEMA: dict[tuple[str, str], tuple[str, Callable[[Any], Any]]] = {
    ("", "language"): ("language", _choice(LANGUAGES)),
    ("", "models"): ("models", _models),
    ("", "classes"): ("classes", _classes),
    ("", "names"): ("names", _names),
    ("", "examples_folder"): ("examples_folder", _optional_path),
    ("", "encoding"): ("encoding", _choice(ENCODINGS)),
    ("", "batch"): ("batch", _number(1, 5000, integer=True)),
    ("", "seed"): ("seed", _number(0, 2**31 - 1, integer=True)),
    ("", "device"): ("device", _text),
    ("pacing", "generations_per_second"): ("generations_per_second", _number(0.1, 1000)),
    ("pacing", "max_generations"): ("max_generations", _number(1, 100_000, integer=True)),
    ("pacing", "target_confidence"): ("target_confidence", _number(0.5, 0.999999)),
    ("pacing", "hold_seconds"): ("hold_seconds", _number(1, 600)),
    ("pacing", "time_scale"): ("time_scale", _number(0.01, 1000)),
    ("timeouts", "idle_seconds"): ("idle_seconds", _number(5, 3600)),
    ("timeouts", "warning_seconds"): ("warning_seconds", _number(3, 600)),
    ("timeouts", "cursor_hide_seconds"): ("cursor_hide_seconds", _number(0.5, 3600)),
    ("timeouts", "stall_seconds"): ("stall_seconds", _number(10, 3600)),
    ("exit", "chord"): ("exit_chord", _chord),
    ("exit", "pin"): ("exit_pin", _pin),
    ("monitoring", "heartbeat_file"): ("heartbeat_file", _optional_path),
    ("monitoring", "heartbeat_seconds"): ("heartbeat_seconds", _number(1, 3600)),
    ("gallery", "folder"): ("gallery_folder", _optional_path),
    ("", "captions"): ("captions", _captions),
    ("", "cards"): ("cards", _cards),
}
TABLES = {"pacing", "timeouts", "exit", "monitoring", "gallery"}
MAX_FILE_BYTES = 1 << 20  # the shipped example is 4 kB


def _where(table: str, key: str) -> str:
    return f"{table}.{key}" if table else key


def parse_config(data: Mapping[str, Any], name: str = "the kiosk configuration"
                 ) -> tuple[KioskConfig, list[str]]:
    """Settings from parsed TOML; each unusable entry keeps its default and adds a sentence."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in data.items():
        if key in TABLES:
            if not isinstance(value, dict):
                problems.append(f"In {name}, [{key}] must be a table; its defaults are used.")
                continue
            items = [(key, k, v) for k, v in value.items()]
        else:
            items = [("", key, value)]
        for table, k, v in items:
            entry = SCHEMA.get((table, k))
            if entry is None:
                problems.append(f"In {name}, the setting {_where(table, k)!r} is unknown "
                                "and was ignored.")
                continue
            target, check = entry
            try:
                values[target] = check(v)
            except _Bad as bad:
                problems.append(f"In {name}, {_where(table, k)} {bad}; the default is used.")
    config = KioskConfig(**values)
    return _check_texts(config, name, problems)


def _check_texts(config: KioskConfig, name: str, problems: list[str]
                 ) -> tuple[KioskConfig, list[str]]:
    """Captions must be known and format cleanly; cards must be short enough to read."""
    good = {}
    for key, text in config.captions.items():
        problem = caption_problem(key, text)
        if problem:
            problems.append(f"In {name}, captions.{key} {problem}; the default is used.")
        else:
            good[key] = text
    config = replace(config, captions=good)
    if config.cards is not None:
        card_issue = card_problems(config.cards)
        if card_issue:
            problems.append(f"In {name}, {card_issue}; the built-in cards are used.")
            config = replace(config, cards=None)
    return config, problems


def load_config(path: str | Path | None) -> tuple[KioskConfig, list[str]]:
    """The settings in ``path`` (defaults for ``None``), and the problems found.

    Never raises for anything in or about the file: a missing, unreadable or invalid
    file gives one sentence and the defaults.
    """
    if path is None:
        return KioskConfig(), []
    path = Path(path).expanduser()
    name = path.name
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            return KioskConfig(), [f"{name} is larger than {MAX_FILE_BYTES >> 20} MB, far more "
                                   "than any kiosk configuration; the default settings are used."]
        data = tomllib.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        problem = f"The kiosk configuration {path} does not exist; the default settings are used."
        return KioskConfig(), [problem]
    except OSError as exc:
        problem = (f"The kiosk configuration {path} cannot be read ({exc.strerror or exc}); "
                   "the default settings are used.")
        return KioskConfig(), [problem]
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problem = f"{name} is not valid TOML ({exc}); the default settings are used."
        return KioskConfig(), [problem]
    except RecursionError:
        problem = (f"{name} nests lists or tables far too deeply to be a kiosk configuration; "
                   "the default settings are used.")
        return KioskConfig(), [problem]
    return parse_config(data, name)


def describe(config: KioskConfig) -> dict[str, Any]:
    """The settings as plain JSON-able values (for ``--stats`` and the heartbeat)."""
    out = {}
    for f in fields(config):
        value = getattr(config, f.name)
        if isinstance(value, Path):
            value = str(value)
        elif isinstance(value, Mapping):
            value = {k: list(v) if isinstance(v, tuple) else v for k, v in value.items()}
        elif isinstance(value, tuple):
            value = [list(v) if isinstance(v, tuple) else v for v in value]
        out[f.name] = value
    out.pop("exit_pin", None)  # never written where visitors' staff tools might show it
    return out


def main(argv: list[str] | None = None) -> int:
    """Check a configuration file: print its problems, and what this computer could not
    do (see :mod:`.config_checks`); exit 0 when there are none."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m fooling_gui.ui.kiosk.config FILE.toml", file=sys.stderr)
        return 2
    from .config_checks import check_environment

    config, problems = load_config(args[0])
    problems += check_environment(config, Path(args[0]).name)[1]
    for p in problems:
        print(p)
    if not problems:
        print(f"{args[0]}: no problems found.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
