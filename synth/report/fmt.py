"""How the report writes numbers: one place, so Markdown and HTML print the same strings.

Rules (the tests parse the rendered text with them in mind):
- four significant digits (`12.5`, `21.77`, `0.7199` -> `0.72`);
- from 1,000 up, whole numbers with thousands separators (`1,001`, `518,400`);
- below 0.001, scientific notation (`4.280e-10`);
- a missing value is an em dash, an infinite one is `inf`.
"""

from __future__ import annotations

import math
from typing import Any

MISSING = "—"
BINDING_MARGIN = 0.01  # a requirement binds when its relative margin is under 1 %


def as_float(value: Any) -> float | None:
    """A JSON number as a float: accepts numbers, "inf"/"-inf"/"nan" strings and Infinity; else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def finite(value: Any) -> float | None:
    """The value as a float when it is a finite number, else None."""
    x = as_float(value)
    return x if x is not None and math.isfinite(x) else None


def num(value: Any, digits: int = 4) -> str:
    """A number to `digits` significant digits (see the module docstring)."""
    x = as_float(value)
    if x is None or math.isnan(x):
        return MISSING
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) < 1e-3:
        return f"{x:.{digits - 1}e}"
    return f"{x:.{digits}g}"


def unit(value: Any, name: str, digits: int = 4) -> str:
    """`12.5 W`; the unit is left off a missing value."""
    text = num(value, digits)
    return text if text == MISSING or not name else f"{text} {name}"


def pct(fraction: Any, decimals: int = 1) -> str:
    """A fraction as a percentage: 0.4266 -> `42.7 %`."""
    x = finite(fraction)
    return MISSING if x is None else f"{100 * x:.{decimals}f} %"


def pct_value(percent: Any, decimals: int = 2) -> str:
    """A value already in percent: 0.72 -> `0.72 %`."""
    x = finite(percent)
    return MISSING if x is None else f"{x:.{decimals}f} %"


def signed_pct(fraction: Any, decimals: int = 1) -> str:
    """A margin: +78.2 % (slack) or -5.0 % (violated)."""
    x = finite(fraction)
    return MISSING if x is None else f"{100 * x:+.{decimals}f} %"


def integer(value: Any) -> str:
    x = finite(value)
    return MISSING if x is None else f"{round(x):,d}"


def giga(value: Any) -> str:
    """11173625856 -> `11.17 G`."""
    x = finite(value)
    return MISSING if x is None else f"{num(x / 1e9)} G"


def seconds(value: Any) -> str:
    x = finite(value)
    return MISSING if x is None else f"{x:.3g} s" if x < 10 else f"{x:.1f} s"


def text(value: Any) -> str:
    """Any scalar as text; None becomes the em dash."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, float):
        return num(value)
    return str(value)


def margin(limit: Any, value: Any, *, upper: bool = True) -> float | None:
    """Relative slack of `value` against `limit`: (limit - value) / limit for an upper limit,
    (value - limit) / limit for a lower one. Negative means violated."""
    lim, val = as_float(limit), as_float(value)
    if lim is None or val is None or lim == 0 or math.isnan(val):
        return None
    if math.isinf(val):
        return -math.inf if upper == (val > 0) else math.inf
    return (lim - val) / abs(lim) if upper else (val - lim) / abs(lim)


def verdict(slack: float | None) -> str:
    """`violated`, `binding` (met with under 1 % margin) or `met`."""
    if slack is None:
        return MISSING
    if slack < -1e-9:
        return "violated"
    return "binding" if slack < BINDING_MARGIN else "met"
