"""A run's encoding and classifier that check for pause and stop between their chunks.

The window's runs are stepped by a worker thread that must answer pause and stop
within about a tenth of a second, even while one generation renders 400 CPPNs or
scores them on AlexNet. :func:`~fooling_gui.sessions.run_builder.build_run` wraps a
run's encoding and model in these when it is given a checkpoint; a command's run,
stepped to its end, is built without them. Either way the images are the same.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import torch


class _ChunkTimer:
    """Picks chunk sizes so that one chunk of work takes about ``chunk_seconds``."""

    def __init__(self, chunk_seconds: float):
        self.chunk_seconds = chunk_seconds
        self.seconds_per_item: float | None = None

    def chunk(self, n: int) -> int:
        if self.seconds_per_item is None:
            return n  # first call: measure on the whole batch
        return max(1, int(self.chunk_seconds / max(self.seconds_per_item, 1e-9)))

    def record(self, seconds: float, n: int) -> None:
        per_item = seconds / max(n, 1)
        self.seconds_per_item = (per_item if self.seconds_per_item is None
                                 else 0.7 * self.seconds_per_item + 0.3 * per_item)


class CheckedEncoding:
    """An encoding whose rendering runs in chunks with a checkpoint between them.

    Rendering is deterministic per genome, so chunks give exactly the images of one
    call (a test checks that window and command-line runs agree). Mutation stays whole:
    both encodings draw a batch's random numbers at once (CPPN: 400 offspring in about
    40 ms), and chunks would draw them in another order.
    """

    def __init__(self, encoding, checkpoint: Callable[[], None], chunk_seconds: float = 0.05):
        self._inner = encoding
        self._checkpoint = checkpoint
        self._timer = _ChunkTimer(chunk_seconds)

    def __getattr__(self, name: str) -> Any:  # name, channels, mutate, pack, describe, …
        return getattr(self._inner, name)

    def render(self, genomes, size, window=None):
        n = len(genomes)
        chunk = self._timer.chunk(n)
        start = time.perf_counter()
        parts = []
        for i in range(0, n, chunk):
            if i:
                self._checkpoint()
            parts.append(self._inner.render(genomes[i:i + chunk], size, window=window))
        self._timer.record(time.perf_counter() - start, n)
        return torch.cat(parts) if len(parts) > 1 else parts[0]


class CheckedClassifier:
    """A classifier that checks for pause and stop between its forward passes.

    It splits a batch exactly where :meth:`Classifier.probabilities` does (chunks of
    the run's ``eval_batch``), never elsewhere: a network's float results depend on the
    batch it runs in, so chunks sized by timing would make a run's images depend on the
    machine's speed. Heavy models get an ``eval_batch`` (see the per-model defaults), so
    pausing AlexNet on a CPU still takes effect within about half a second.
    """

    def __init__(self, classifier, checkpoint: Callable[[], None]):
        self._inner = classifier
        self._checkpoint = checkpoint

    def __getattr__(self, name: str) -> Any:  # spec, device, module, top_k, …
        return getattr(self._inner, name)

    def probabilities(self, images: torch.Tensor, batch_size: int | None = None,
                      cropped: bool = False, normalised: bool = False) -> torch.Tensor:
        n = images.shape[0]
        # Images already the crop_window (and perhaps already normalised_ in place).
        extra = {"cropped": True, "normalised": normalised} if cropped else {}
        chunk = batch_size or max(n, 1)
        parts = []
        for i in range(0, n, chunk):
            if i:
                self._checkpoint()
            parts.append(self._inner.probabilities(images[i:i + chunk], **extra))
        return torch.cat(parts) if len(parts) > 1 else parts[0]
