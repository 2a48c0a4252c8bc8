"""Refuse a run that cannot fit in memory *before* allocating it, in one sentence.

Without this, 100,000 classes or ``--batch 50000`` end in an allocation traceback
minutes into a run, or in the operating system killing the process. The estimate adds
what an evolution run keeps (the archive: one image, one row of probabilities and one
genome per cell) and what one generation needs (the offspring's genomes and rendered
images, their probabilities, and the network's forward pass, measured on one image).
Checked against the peak resident memory of real runs on AlexNet and LeNet
(tests/core/test_memory_guard.py); it errs on the large side.
"""

from __future__ import annotations

import math
import os
import weakref
from dataclasses import dataclass
from pathlib import Path

import torch

from .errors import FoolingError

#: The environment variable that caps the memory a run may plan for (e.g. ``4G``), for
#: a shared computer; the default is what the operating system reports as available.
LIMIT_VARIABLE = "FOOLING_GUI_MEMORY_LIMIT"
_OVERHEAD = 1.25  # allocator slack, temporaries the terms below do not name


@dataclass(frozen=True)
class RunMemory:
    """Bytes a run is expected to need.

    Attributes:
        archive: what the archive keeps for all its cells.
        per_offspring: what each offspring of a generation costs.
        fixed: the rest of a generation (one forward chunk of the network).
        batch: offspring per generation.
    """

    archive: int
    per_offspring: int
    fixed: int
    batch: int

    @property
    def total(self) -> int:
        return int(_OVERHEAD * (self.archive + self.fixed + self.batch * self.per_offspring))

    def largest_batch(self, limit: int) -> int:
        """The most offspring per generation that fit in ``limit`` bytes (0: none)."""
        room = limit / _OVERHEAD - self.archive - self.fixed
        return max(int(room // max(self.per_offspring, 1)), 0)


def run_memory(classifier, config) -> RunMemory:
    """Estimate the memory of an evolution run of ``config`` against ``classifier``."""
    spec = classifier.spec
    c, (height, width), (h, w) = spec.channels, spec.image_size, spec.input_size
    n_classes = spec.n_classes
    cells = len(config.classes) if config.classes is not None else n_classes
    image = c * height * width
    window = getattr(classifier, "crop_window", None)
    rendered = c * h * w if window is not None else image
    direct = config.encoding == "direct"
    genome = 4 * image if direct else 16 << 10  # float pixels, or a small CPPN graph
    archive = cells * (image + 4 * n_classes + 8 * 3 + genome)
    # Per offspring: its rendered float image, its genome and its parent's (direct),
    # its probabilities (softmax in and out).
    per_offspring = 4 * rendered + (2 * genome if direct else 0) + 3 * 4 * n_classes
    forward = (10 if spec.ten_crop else 1) * forward_bytes_per_image(classifier)
    if config.eval_batch is None or config.eval_batch >= config.batch:
        per_offspring += forward  # the whole generation goes through the network at once
        fixed = 0
    else:
        fixed = config.eval_batch * forward
    return RunMemory(archive, per_offspring, fixed, config.batch)


def check_run_memory(classifier, config, *, batch_flag: str = "--batch",
                     classes_flag: str = "--classes",
                     crops_flag: str = "--set crops=centre") -> RunMemory:
    """Refuse a run whose estimate exceeds the memory it may use (see :func:`memory_limit`).

    ``batch_flag``, ``classes_flag`` and ``crops_flag`` name the settings to change as
    the user sets them (a command's flags, the window's controls).

    Raises:
        FoolingError: one sentence with the estimate, the limit and how to lower the need.
    """
    need = run_memory(classifier, config)
    limit, source = memory_limit()
    if need.total <= limit:
        return need
    fits = need.largest_batch(limit)
    if fits >= 1:
        advice = f"use a smaller {batch_flag} (at most about {fits:,} fits)"
    elif classifier.spec.ten_crop:
        advice = (f"score the centre crop only ({crops_flag}), evolve fewer classes "
                  f"({classes_flag}) or use a smaller {batch_flag}")
    else:
        advice = f"evolve fewer classes ({classes_flag}) or use a smaller {batch_flag}"
    cells = len(config.classes) if config.classes is not None else classifier.spec.n_classes
    raise FoolingError(f"This run would need about {format_bytes(need.total)} of memory "
                       f"({config.batch:,} offspring per generation, {cells:,} classes) but "
                       f"{source} is {format_bytes(limit)}; {advice}.")


def memory_limit() -> tuple[int, str]:
    """``(bytes, what they are)``: ``FOOLING_GUI_MEMORY_LIMIT`` if set, else the memory
    available now (Linux: ``MemAvailable`` and the cgroup's limit), else all of it."""
    text = os.environ.get(LIMIT_VARIABLE, "").strip()
    if text:
        value = parse_bytes(text)
        if value is None:
            raise FoolingError(f"{LIMIT_VARIABLE}={text!r} is not an amount of memory such "
                               "as 4G or 512M.")
        return value, f"the limit set in {LIMIT_VARIABLE}"
    available = _available_bytes()
    return available, "the memory available"


def forward_bytes_per_image(classifier) -> int:
    """Peak bytes of the tensors alive during the network's forward pass on one image.

    Measured by watching every operator's outputs appear and disappear during one
    forward pass at the network's input size, so it holds for any architecture, an
    exported program included. Falls back to 16 times the input when that fails.
    """
    spec = classifier.spec
    c, (h, w) = spec.channels, spec.input_size
    fallback = 16 * 4 * c * h * w
    try:
        from torch.utils._python_dispatch import TorchDispatchMode
    except ImportError:
        return fallback

    class _Live(TorchDispatchMode):
        def __init__(self):
            super().__init__()
            self.live = 0
            self.peak = 0

        def _gone(self, size: int) -> None:
            self.live -= size

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            out = func(*args, **(kwargs or {}))
            for t in out if isinstance(out, (tuple, list)) else (out,):
                if isinstance(t, torch.Tensor) and t.device.type != "meta":
                    size = t.numel() * t.element_size()
                    self.live += size
                    weakref.finalize(t, self._gone, size)
            self.peak = max(self.peak, self.live)
            return out

    try:
        x = torch.zeros(1, c, h, w, device=classifier.device)
        mode = _Live()
        with torch.inference_mode(), mode:
            classifier.module(x)
        # Twice the tensors seen: convolutions also use workspaces no tensor shows
        # (LeNet's im2col buffers are larger than its activations).
        return 2 * int(mode.peak) + 4 * c * h * w
    except Exception:  # noqa: BLE001 - an estimate; the run itself reports real failures
        return fallback


def parse_bytes(text: str) -> int | None:
    """``"4G"``, ``"512M"``, ``"2.5GB"``, ``"1000000"`` → bytes (None if not a size)."""
    units = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    t = text.strip().upper().removesuffix("B").removesuffix("I")
    number, unit = (t[:-1], t[-1]) if t and t[-1] in units else (t, "")
    try:
        value = float(number)
    except ValueError:
        return None
    if not math.isfinite(value) or value <= 0:
        return None
    return int(value * units[unit])


def format_bytes(n: float) -> str:
    """Bytes as people read them: ``"3.5 GB"``, ``"740 MB"``."""
    for unit, size in (("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20)):
        if n >= size:
            value = n / size
            return f"{value:.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}"
    return f"{max(n, 0) / 1024:.0f} kB"


def _available_bytes() -> int:
    available = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                available = int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    cgroup = _cgroup_room()
    if cgroup is not None:
        available = cgroup if available is None else min(available, cgroup)
    if available is None:
        try:
            available = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            available = 1 << 62  # unknown: do not refuse
    return available


def _cgroup_room() -> int | None:
    """Memory left under this process's cgroup (v2) limit, or None when unlimited."""
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit == "max":
            return None
        used = int(Path("/sys/fs/cgroup/memory.current").read_text().strip())
        # The page cache counts as used but is given back on demand.
        for line in Path("/sys/fs/cgroup/memory.stat").read_text().splitlines():
            if line.startswith("inactive_file "):
                used -= int(line.split()[1])
        return max(int(limit) - used, 0)
    except (OSError, ValueError):
        return None
