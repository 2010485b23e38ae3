"""Linear lower bounds of convex cost curves for the MILP (tangent lines, shifted to stay below)."""

from __future__ import annotations

import numpy as np

from synth.cost.chip import chip_cost_breakdown_usd
from synth.solve.options import SpaceOptions


def die_cost_tangents(opts: SpaceOptions, low: float, high: float, count: int = 48):
    """Tangent lines below die cost(area) on [low, high], shifted so they never exceed it.

    Die cost is convex in area for realistic parameters; the shift (checked on a fine grid and
    widened by the largest slope times the grid step) keeps the bound valid even if not."""
    tech = opts.tech
    cost = lambda a: chip_cost_breakdown_usd(tech, die_area_mm2=np.asarray(a, float), memory_cost_usd=0.0,  # noqa: E731
                                             needs_interposer=False)["die"]
    points = np.geomspace(max(low, 1e-3), max(high, low * 1.01 + 1e-3), count)
    step = 1e-4 * points
    slopes = (cost(points + step) - cost(points - step)) / (2 * step)
    intercepts = cost(points) - slopes * points
    fine = np.linspace(max(low, 1e-3), max(high, low + 1e-3), 20_000)
    under = np.max(slopes[None, :] * fine[:, None] + intercepts[None, :], axis=1)
    excess = max(0.0, float(np.max(under - cost(fine))))
    spacing = fine[1] - fine[0]
    margin = excess + float(np.max(np.abs(slopes))) * spacing
    return [(float(s), float(i - margin)) for s, i in zip(slopes, intercepts)]
