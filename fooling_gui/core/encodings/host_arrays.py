"""Host arrays onto the run's device without waiting for it.

A plain ``tensor.to("cuda")`` from ordinary (pageable) memory makes PyTorch wait for
the device's stream to finish, which would stall the loop once per generation behind
the previous generation's rendering and scoring. From pinned memory, with
``non_blocking``, the copy is queued like any kernel; PyTorch's pinned-memory cache
keeps the host buffer until the copy has run.
"""

from __future__ import annotations

import numpy as np
import torch


def to_device(array: np.ndarray, dtype: torch.dtype, device: torch.device) -> torch.Tensor:
    """``array`` as a ``dtype`` tensor on ``device`` (queued, never waited for, on CUDA)."""
    tensor = torch.as_tensor(np.ascontiguousarray(array), dtype=dtype)
    if device.type != "cuda":
        return tensor if device.type == "cpu" else tensor.to(device)
    return tensor.pin_memory().to(device, non_blocking=True)
