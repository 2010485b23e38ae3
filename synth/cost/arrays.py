"""Types of the vectorized cost functions: they take numbers or arrays and broadcast over them.

`npt.ArrayLike` would also accept strings and nested lists, and an array converted from it has
an unknown dtype, so every figure computed from it would be untyped."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

Numeric = npt.NDArray[np.floating[Any]] | npt.NDArray[np.integer[Any]] | float  # a number or an array of them
FloatArray = npt.NDArray[np.float64]
