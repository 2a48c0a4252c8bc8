"""Opening a ``torch.export`` program (``.pt2``) from a user without letting it run code.

``torch.export.load`` trusts its file. Reading its implementation (torch 2.14) shows five
ways a crafted archive runs code while loading: weights or constants marked
``use_pickle`` and example inputs that fail the safe unpickler go through
``torch.load(weights_only=False)``; "opaque" constants through ``pickle.loads``;
compiled AOTInductor libraries under ``data/aotinductor/`` are loaded with ``dlopen``;
``guards_code`` strings are compiled into a Python function; symbolic shapes are parsed
by ``sympy.sympify`` (``eval``); node names are pasted into generated Python source;
and node targets are resolved as any attribute path below ``torch`` (``torch.os.system``
is one).

So the user's file never reaches torch. :func:`load_exported_program` reads the zip with
Python's :mod:`zipfile`, checks every entry against what a plain exported classifier
holds, and hands ``torch.export.load`` a new archive, built in memory, that holds only
the checked entries:

* weights and constants: raw tensor bytes only (no pickle, no custom or opaque objects);
* example inputs: must load with ``torch.load(weights_only=True)``;
* the graph: every call is a built-in ATen operator (``torch.ops.aten.*``) or one of a
  few arithmetic helpers on sizes, minus operators that skip bounds checks or read
  files; no subgraphs, no operator arguments, no script objects, no guard code;
* names are identifiers; shape expressions use only sympy's constructors with literal
  arguments; node metadata (stack traces, module paths) is dropped.

Anything else is refused with one sentence naming what was found.
"""

from __future__ import annotations

import io
import json
import keyword
import os
import re
import threading
import tokenize
import zipfile
from pathlib import Path
from typing import Any

import torch

from ..errors import FoolingError

MAX_ARCHIVE_BYTES = 4 << 30  # uncompressed; far above any classifier this app can run
MAX_ENTRIES = 100_000
MAX_JSON_BYTES = 256 << 20

_WEIGHT_FILE = re.compile(r"weight_\d+")
_CONSTANT_FILE = re.compile(r"tensor_\d+")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DOTTED = re.compile(r"[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*")
_PLAIN = re.compile(r"[A-Za-z0-9_.\-+ ]*")  # strings passed to operators, device types, …
_ATEN_TARGET = re.compile(r"torch\.ops\.aten\.([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)")
_SYMBOL = re.compile(r"[a-z]+\d+")

#: Python-level helpers exported graphs call on sizes (``x.shape[0] * 2``).
_SIZE_ARITHMETIC = {f"_operator.{name}" for name in (
    "getitem", "add", "sub", "mul", "floordiv", "truediv", "mod", "neg", "pow",
    "eq", "ne", "lt", "le", "gt", "ge")}
#: ATen operators refused although built in: they skip bounds checks, reinterpret
#: raw storage, or touch files.
_REFUSED_ATEN = re.compile(
    r"_unsafe_(?!view$).*|_index_put_impl_|set_|from_file|_print|_nested_.*|"
    r".*storage.*|_pin_memory|pin_memory|_foobar|_make_per_.*|_debug_.*")
#: Names sympy may meet in a shape expression, besides symbols like ``s77``.
_SYMPY_NAMES = frozenset({
    "Symbol", "Integer", "Float", "Rational", "Add", "Mul", "Pow", "Max", "Min", "Abs",
    "Mod", "floor", "ceiling", "sqrt", "Eq", "Ne", "Lt", "Le", "Gt", "Ge", "And", "Or",
    "Not", "True", "False", "oo", "zoo", "nan", "S", "Piecewise", "ITE",
    "positive", "negative", "integer", "nonnegative", "nonpositive", "real", "finite",
    "FloorDiv", "ModularIndexing", "Where", "PythonMod", "CleanDiv", "CeilToInt",
    "FloorToInt", "CeilDiv", "LShift", "RShift", "PowByNatural", "FloatPow",
    "FloatTrueDiv", "IntTrueDiv", "IsNonOverlappingAndDenseIndicator", "TruncToFloat",
    "TruncToInt", "RoundToInt", "RoundDecimal", "ToFloat", "Identity", "OpaqueUnaryFn_sqrt",
    "BitwiseFn_bitwise_and", "BitwiseFn_bitwise_or",
})
_EXPR_OPS = frozenset({"+", "-", "*", "/", "//", "%", "**", "(", ")", ",", "=", "<", ">",
                       "<=", ">=", "==", "!=", "&", "|", "~"})
_TREESPEC_TYPES = frozenset({None, "builtins.tuple", "builtins.list", "builtins.dict",
                             "collections.OrderedDict"})
#: Where the graph may name operators, subgraphs or objects: refused outright.
_REFUSED_ARGUMENTS = {"as_graph": "a subgraph", "as_operator": "an operator argument",
                      "as_custom_obj": "a script object", "as_custom_objs": "script objects"}
_DROPPED_KEYS = {"metadata"}  # stack traces and module paths: not needed to run the graph

_env_lock = threading.Lock()


def load_exported_program(path: str | Path) -> torch.nn.Module:
    """The module of the exported program in ``path``, after the checks above.

    Raises:
        FoolingError: the file is not a zip archive, holds something outside the safe
            subset (named in the message), or torch cannot load the checked archive.
    """
    path = Path(path)
    clean = checked_archive(path)
    # Belt and braces: should any torch.load still happen inside, it may only read
    # tensors. The variable is read at each call; the lock keeps two loads from
    # restoring it out of order.
    with _env_lock:
        old = os.environ.get("TORCH_FORCE_WEIGHTS_ONLY_LOAD")
        os.environ["TORCH_FORCE_WEIGHTS_ONLY_LOAD"] = "1"
        try:
            program = torch.export.load(io.BytesIO(clean))
            return program.module()
        except FoolingError:
            raise
        except Exception as exc:  # noqa: BLE001 - torch raises many kinds; all mean "unreadable"
            raise FoolingError(f"{path.name} is a torch.export program this torch cannot load "
                               f"({_first_line(exc)}).") from None
        finally:
            if old is None:
                os.environ.pop("TORCH_FORCE_WEIGHTS_ONLY_LOAD", None)
            else:
                os.environ["TORCH_FORCE_WEIGHTS_ONLY_LOAD"] = old


def checked_archive(path: Path) -> bytes:
    """The bytes of a new ``.pt2`` archive holding only the checked entries of ``path``."""
    entries = _read_entries(path)
    refuse = _Refusal(path.name)
    version = entries.pop("archive_version", b"").decode("ascii", "replace").strip()
    from torch.export.pt2_archive.constants import ARCHIVE_VERSION_VALUE

    if version != ARCHIVE_VERSION_VALUE:
        refuse(f"it was saved in another archive format (version {version or 'none'}); "
               "save it again with this torch's torch.export.save")
    if entries.pop("archive_format", b"").strip() != b"pt2":
        refuse("it is not a torch.export archive")
    for harmless in ("byteorder", ".data/version", ".data/serialization_id"):
        entries.pop(harmless, None)
    for name in [n for n in entries if n.startswith("extra/")]:
        del entries[name]  # text the program's author attached; never needed here

    models = [n for n in entries if n.startswith("models/")]
    if models != ["models/model.json"]:
        refuse("it should hold exactly one program, models/model.json")
    program = _validated_program(_json(entries.pop("models/model.json"), refuse), refuse)
    weights_cfg, weight_files = _payload(entries, "data/weights/", "model_weights_config.json",
                                         _WEIGHT_FILE, refuse)
    const_cfg, const_files = _payload(entries, "data/constants/",
                                      "model_constants_config.json", _CONSTANT_FILE, refuse)
    sample = entries.pop("data/sample_inputs/model.pt", None)
    if sample is None:
        refuse("it lacks data/sample_inputs/model.pt")
    _check_sample_inputs(sample, refuse)
    if entries:
        first = sorted(entries)[0]
        what = ("compiled native code" if first.startswith("data/aotinductor/")
                else f"an entry fooling-gui does not load ({first})")
        refuse(f"it holds {what}")

    from torch.export.pt2_archive._package import PT2ArchiveWriter

    out = io.BytesIO()
    with PT2ArchiveWriter(out) as writer:
        writer.write_string("models/model.json", json.dumps(program))
        writer.write_string("data/weights/model_weights_config.json", json.dumps(weights_cfg))
        writer.write_string("data/constants/model_constants_config.json",
                            json.dumps(const_cfg))
        for name, data in (*weight_files.items(), *const_files.items()):
            writer.write_bytes(name, data)
        writer.write_bytes("data/sample_inputs/model.pt", sample)
    return out.getvalue()


class _Refusal:
    def __init__(self, filename: str):
        self.filename = filename

    def __call__(self, reason: str):
        raise FoolingError(f"fooling-gui will not load {self.filename}: {reason}.")


def _read_entries(path: Path) -> dict[str, bytes]:
    """Every file of the zip, by name below its one top-level folder."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            if len(infos) > MAX_ENTRIES:
                raise FoolingError(f"{path.name} holds {len(infos)} files, more than a "
                                   "torch.export program has.")
            total = sum(i.file_size for i in infos)
            if total > MAX_ARCHIVE_BYTES:
                raise FoolingError(f"{path.name} unpacks to {total / 2**30:.1f} GiB, more than "
                                   f"the {MAX_ARCHIVE_BYTES >> 30} GiB fooling-gui reads.")
            tops = {i.filename.split("/", 1)[0] for i in infos}
            if len(tops) != 1 or any("/" not in i.filename for i in infos):
                raise FoolingError(f"{path.name} is not a torch.export archive (its files do "
                                   "not sit in one folder).")
            entries: dict[str, bytes] = {}
            for info in infos:
                name = info.filename.split("/", 1)[1]
                if name in entries or ".." in name.split("/") or name.startswith("/"):
                    raise FoolingError(f"{path.name} holds a malformed entry name ({name}).")
                entries[name] = archive.read(info)
            return entries
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
        raise FoolingError(f"{path.name} is not a torch.export archive "
                           f"({_first_line(exc)}).") from None
    except OSError as exc:
        raise FoolingError(f"Cannot read {path} ({exc.strerror or exc}).") from None


def _json(data: bytes, refuse) -> Any:
    if len(data) > MAX_JSON_BYTES:
        refuse("its program description is too large")
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError):
        refuse("its program description is not valid JSON")


def _payload(entries: dict[str, bytes], folder: str, config_name: str, file_pattern,
             refuse) -> tuple[dict, dict[str, bytes]]:
    """A weights or constants config whose every entry is raw tensor bytes."""
    raw = entries.pop(folder + config_name, None)
    if raw is None:
        refuse(f"it lacks {folder}{config_name}")
    config = _json(raw, refuse)
    items = config.get("config") if isinstance(config, dict) else None
    if not isinstance(items, dict):
        refuse(f"{folder}{config_name} is malformed")
    files: dict[str, bytes] = {}
    for fqn, meta in items.items():
        if not isinstance(meta, dict) or not _DOTTED.fullmatch(str(fqn)):
            refuse(f"{folder}{config_name} has a malformed entry")
        if meta.get("use_pickle") is not False:
            refuse(f"{fqn!s} in {folder} is stored as a pickle, which can run code")
        file = meta.get("path_name")
        if not isinstance(file, str) or not file_pattern.fullmatch(file):
            refuse(f"{fqn!s} in {folder} is not a plain tensor ({file})")
        if not isinstance(meta.get("tensor_meta"), dict):
            refuse(f"{fqn!s} in {folder} lacks its tensor description")
        _check_strings(meta["tensor_meta"], "tensor_meta", refuse)
        if folder + file not in entries and folder + file not in files:
            refuse(f"it lacks {folder}{file}")
        if folder + file in entries:
            files[folder + file] = entries.pop(folder + file)
    for name in [n for n in entries if n.startswith(folder)]:
        refuse(f"it holds {name}, which no tensor uses")
    return config, files


def _check_sample_inputs(data: bytes, refuse) -> None:
    """torch would fall back to full unpickling if the safe loader failed: make sure it
    cannot."""
    try:
        torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception:  # noqa: BLE001 - anything but plain tensors is refused
        refuse("its example inputs are not plain tensors")


def _validated_program(program: Any, refuse) -> dict:
    """The program description, checked, with node metadata dropped."""
    if not isinstance(program, dict) or not isinstance(program.get("graph_module"), dict):
        refuse("its program description is malformed")
    if program.get("guards_code"):
        refuse("it carries guard code, which would run as Python")
    graph = program["graph_module"].get("graph")
    if not isinstance(graph, dict) or not isinstance(graph.get("nodes"), list):
        refuse("its program description has no graph")
    for node in graph["nodes"]:
        if not isinstance(node, dict) or not isinstance(node.get("target"), str):
            refuse("its graph is malformed")
    for key in ("range_constraints",):
        for symbol in (program.get(key) or {}):
            if not _SYMBOL.fullmatch(str(symbol)):
                refuse(f"it names an unexpected shape symbol ({symbol!s:.40})")
    return _cleaned(program, None, refuse)


def _check_target(target: str, refuse) -> None:
    if target in _SIZE_ARITHMETIC:
        return
    match = _ATEN_TARGET.fullmatch(target)
    if match is None:
        refuse(f"its graph calls {target[:60]}, which is not a built-in tensor operator")
    name, overload = match.groups()
    if _REFUSED_ATEN.fullmatch(name):
        refuse(f"its graph calls {target}, an operator fooling-gui does not allow")
    try:
        op = getattr(getattr(torch.ops.aten, name), overload)
    except (AttributeError, RuntimeError):
        refuse(f"its graph calls {target}, which this torch does not have")
    if not isinstance(op, torch._ops.OpOverload):
        refuse(f"its graph calls {target}, which is not an operator")


def _cleaned(value: Any, key: str | None, refuse) -> Any:
    """A copy of ``value`` with metadata dropped; every string checked by its key."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                refuse("its program description is malformed")
            if k in _REFUSED_ARGUMENTS and v is not None:
                refuse(f"its graph uses {_REFUSED_ARGUMENTS[k]}")
            if k in _DROPPED_KEYS:
                out[k] = {}
                continue
            out[k] = _cleaned(v, k, refuse)
        return out
    if isinstance(value, list):
        return [_cleaned(v, key, refuse) for v in value]
    if isinstance(value, str):
        _check_string(value, key, refuse)
    return value


def _check_strings(value: Any, key: str | None, refuse) -> None:
    _cleaned(value, key, refuse)


def _check_string(text: str, key: str | None, refuse) -> None:
    if key == "target":
        _check_target(text, refuse)
    elif key == "expr_str":
        _check_expression(text, refuse)
    elif key in ("in_spec", "out_spec"):
        _check_treespec(text, refuse)
    elif key in ("name", "as_name", "forward_arg_names", "arg"):
        if not _IDENTIFIER.fullmatch(text) or keyword.iskeyword(text):
            refuse(f"it uses a name that is not an identifier ({text[:40]!r})")
    elif key in ("parameter_name", "buffer_name", "tensor_constant_name", "fqn",
                 "custom_obj_name", "target_name"):
        if text and not _DOTTED.fullmatch(text):
            refuse(f"it uses a malformed attribute path ({text[:40]!r})")
    elif not _PLAIN.fullmatch(text) or len(text) > 200:
        refuse(f"it holds an unexpected string ({text[:40]!r})")


def _check_expression(text: str, refuse) -> None:
    """A shape expression: sympy constructors, literals, operators, symbols. sympy
    evaluates it as Python, so no attribute access, indexing or other names."""
    if len(text) > 2000:
        refuse("it holds an overlong shape expression")
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        refuse("it holds a malformed shape expression")
    for tok in tokens:
        kind, value = tok.type, tok.string
        if kind in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.NUMBER):
            continue
        if kind == tokenize.NAME and (value in _SYMPY_NAMES or _SYMBOL.fullmatch(value)):
            continue
        if kind == tokenize.OP and value in _EXPR_OPS:
            continue
        if kind == tokenize.STRING and re.fullmatch(r"'[a-z]+\d+'|\"[a-z]+\d+\"", value):
            continue
        refuse(f"its shape expression holds {value[:30]!r}, which is not allowed")


def _check_treespec(text: str, refuse) -> None:
    try:
        spec = json.loads(text)
    except ValueError:
        refuse("its input or output structure is malformed")

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if node.get("type") not in _TREESPEC_TYPES:
                refuse(f"its inputs or outputs use the type {str(node.get('type'))[:40]}")
            context = node.get("context")
            if context is not None and not re.fullmatch(r'[\[\]"A-Za-z0-9_, ]*|null', context):
                refuse("its input or output structure is malformed")
            walk(node.get("children_spec", []))
        elif not isinstance(node, (int, type(None))):
            refuse("its input or output structure is malformed")

    walk(spec)


def _first_line(exc: BaseException) -> str:
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    return (lines[0] if lines else type(exc).__name__).rstrip(".")[:200]
