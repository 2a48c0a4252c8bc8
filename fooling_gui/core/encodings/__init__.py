"""Genome encodings: direct pixels and CPPNs (see :class:`Encoding`)."""

from __future__ import annotations

import dataclasses

import torch

from ..errors import FoolingError
from .base import Encoding, Genome
from .cppn import CppnEncoding
from .cppn_genome import (
    ACTIVATIONS,
    INPUT_NAMES,
    CppnConnection,
    CppnGenome,
    CppnNode,
    layered_nodes,
)
from .cppn_mutation import CppnParams, mutate_cppn, mutate_cppns, random_genome
from .cppn_render import render_cppns, render_one_large
from .direct import DirectEncoding, DirectParams
from .polynomial_mutation import polynomial_mutation, polynomial_mutation_np

ENCODINGS = {"direct": (DirectEncoding, DirectParams), "cppn": (CppnEncoding, CppnParams)}

__all__ = [
    "ACTIVATIONS", "ENCODINGS", "INPUT_NAMES", "CppnConnection", "CppnEncoding", "CppnGenome",
    "CppnNode", "CppnParams", "DirectEncoding", "DirectParams", "Encoding", "Genome",
    "encoding_from_config", "layered_nodes", "make_encoding", "mutate_cppn", "mutate_cppns",
    "polynomial_mutation", "polynomial_mutation_np", "random_genome", "render_cppns",
    "render_one_large",
]


def make_encoding(name: str, channels: int, size: tuple[int, int], *,
                  device: str | torch.device = "cpu", **params) -> Encoding:
    """Build an encoding by name ("direct" or "cppn").

    Args:
        name: the encoding's name.
        channels: 1 (grey) or 3 (colour).
        size: ``(H, W)`` the run works at.
        device: where genomes are rendered (and direct genomes stored).
        **params: fields of :class:`DirectParams` / :class:`CppnParams`; others are refused.
    """
    if name not in ENCODINGS:
        raise FoolingError(f"Unknown encoding {name!r}; choose one of {', '.join(ENCODINGS)}.")
    cls, params_cls = ENCODINGS[name]
    known = {f.name for f in dataclasses.fields(params_cls)}
    unknown = sorted(set(params) - known)
    if unknown:
        raise FoolingError(f"The {name} encoding has no parameter {unknown[0]!r}; "
                           f"it has {', '.join(sorted(known))}.")
    return cls(channels, size, params_cls(**params), device=device)


def encoding_from_config(config: dict, device: str | torch.device = "cpu") -> Encoding:
    """Rebuild an encoding from its :meth:`Encoding.config` dict."""
    try:
        name, channels, size = config["name"], int(config["channels"]), tuple(config["size"])
        params = dict(config.get("params", {}))
    except (KeyError, TypeError, ValueError):
        raise FoolingError("The saved encoding settings are incomplete.") from None
    return make_encoding(name, channels, size, device=device, **params)
