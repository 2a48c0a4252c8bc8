"""Numbers as people read them."""

from __future__ import annotations

import math


def format_confidence(p: float) -> str:
    """Confidence in percent without rounding up to a false 100 %.

    0.5 → "50.00 %", 0.99991 → "99.99 %", 0.999953 → "99.995 %",
    anything above 99.9999 % → "> 99.9999 %".
    """
    pct = 100.0 * float(p)
    if pct < 99.99:
        return f"{pct:.2f} %"
    for decimals in (2, 3, 4):
        scale = 10**decimals
        floored = math.floor(pct * scale) / scale
        if floored < 100.0 and round(pct, decimals) < 100.0:
            return f"{floored:.{decimals}f} %"
    return "> 99.9999 %"


def format_percent(x: float | None, decimals: int = 1) -> str:
    """A fraction as a percentage (accuracies, success rates): 0.979 → "97.9 %".
    None (not measured) → "–"."""
    if x is None:
        return "–"
    return f"{100.0 * float(x):.{decimals}f} %"


def format_generations(g: float | None) -> str:
    """A generation count that may not exist: None (never reached) → "never"."""
    return "never" if g is None else f"{g:g}"
