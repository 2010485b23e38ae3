"""DVFS: the supply voltage a clock needs, and the clock a voltage reaches.

Gate delay follows the Stillmaker & Baas fit of the node (constants.DELAY_FIT), a typical-corner
curve. Logic is signed off at the slow corner, a guardband g below the supply (10 %: TSMC
ssg0p81v vs tt0p9v), so at supply V the chip runs at the fit's speed at (1 - g) V. The curve
goes through the node's published operating point (f_a, V_a) (constants.DVFS_ANCHOR):

    clock(V) = f_a * delay((1 - g) V_a) / delay((1 - g) V)

The voltage for a clock is the lowest V in the node's range that reaches it (a clock below
clock(V_min) runs at V_min). Dynamic energy per operation scales with (V / V_nominal)^2.
"""

from __future__ import annotations

import numpy as np

from synth.cost.constants import DELAY_FIT, Technology

_SAMPLES = 512


def _delay(node_nm: int, voltage) -> np.ndarray:
    a3, a2, a1, a0 = DELAY_FIT[node_nm]
    v = np.asarray(voltage, dtype=float)
    return ((a3 * v + a2) * v + a1) * v + a0


def clock_at_voltage(tech: Technology, voltage):
    """Highest clock (GHz) at `voltage` (array or scalar)."""
    derate = 1.0 - tech.voltage_guardband
    ratio = _delay(tech.node_nm, derate * tech.dvfs_anchor_voltage_v) / _delay(tech.node_nm, derate * np.asarray(voltage, dtype=float))
    result = tech.dvfs_anchor_clock_ghz * ratio
    return float(result) if np.ndim(result) == 0 else result


def voltage_for_clock(tech: Technology, clock_ghz):
    """Lowest voltage in the node's range that reaches `clock_ghz` (array or scalar)."""
    volts = np.linspace(tech.min_voltage_v, tech.max_voltage_v, _SAMPLES)
    clocks = clock_at_voltage(tech, volts)  # increasing in V over the allowed range
    result = np.interp(np.asarray(clock_ghz, dtype=float), clocks, volts,
                       left=tech.min_voltage_v, right=tech.max_voltage_v)
    return float(result) if np.ndim(result) == 0 else result


def dynamic_energy_scale(tech: Technology, voltage):
    """(V / V_nominal)^2: dynamic energy per operation relative to the nominal voltage."""
    return (np.asarray(voltage, dtype=float) / tech.nominal_voltage_v) ** 2
