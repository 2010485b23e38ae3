"""DVFS: the supply voltage a clock needs, and the clock a voltage reaches.

Gate delay follows the Stillmaker & Baas fit of the node (constants.DELAY_FIT), a typical-corner
curve. Logic is signed off at the slow corner, a guardband g below the supply (10 %: TSMC
ssg0p81v vs tt0p9v), so at supply V the chip runs at the fit's speed at (1 - g) V. The curve
goes through the node's published operating point (f_a, V_a) (constants.DVFS_ANCHOR):

    clock(V) = f_a * delay((1 - g) V_a) / delay((1 - g) V)

The voltage for a clock is the lowest V in the node's range that reaches it (a clock below
clock(V_min) runs at V_min). Dynamic energy per operation scales with (V / V_nominal)^2; the
SRAM arrays cannot follow the logic below their minimum operating voltage (a 6T bitcell is
unreliable below ~0.7 V), so they stay on a rail at max(V, sram_min_voltage_v) and buffer
energy scales with that voltage squared.
"""

from __future__ import annotations

from typing import overload

import numpy as np

from synth.cost.arrays import FloatArray, Numeric
from synth.cost.constants import Technology, dvfs_clock_ghz

_SAMPLES = 512


@overload
def clock_at_voltage(tech: Technology, voltage: float) -> float: ...
@overload
def clock_at_voltage(tech: Technology, voltage: Numeric) -> float | FloatArray: ...  # float for a 0-d array


def clock_at_voltage(tech: Technology, voltage: Numeric) -> float | FloatArray:
    """Highest clock (GHz) at `voltage` (array or scalar)."""
    result = dvfs_clock_ghz(tech.node_nm, tech.dvfs_anchor_clock_ghz, tech.dvfs_anchor_voltage_v,
                            tech.voltage_guardband, np.asarray(voltage, dtype=float))
    return float(result) if np.ndim(result) == 0 else result


@overload
def voltage_for_clock(tech: Technology, clock_ghz: float) -> float: ...
@overload
def voltage_for_clock(tech: Technology, clock_ghz: Numeric) -> float | FloatArray: ...  # float for a 0-d array


def voltage_for_clock(tech: Technology, clock_ghz: Numeric) -> float | FloatArray:
    """Lowest voltage in the node's range that reaches `clock_ghz` (array or scalar)."""
    volts = np.linspace(tech.min_voltage_v, tech.max_voltage_v, _SAMPLES)
    clocks = clock_at_voltage(tech, volts)  # increasing in V over the allowed range
    result = np.interp(np.asarray(clock_ghz, dtype=float), clocks, volts,
                       left=tech.min_voltage_v, right=tech.max_voltage_v)
    return float(result) if np.ndim(result) == 0 else result


def dynamic_energy_scale(tech: Technology, voltage: Numeric) -> FloatArray:
    """(V / V_nominal)^2: dynamic energy per operation relative to the nominal voltage."""
    return (np.asarray(voltage, dtype=float) / tech.nominal_voltage_v) ** 2


def sram_voltage_scale(tech: Technology, voltage: Numeric) -> FloatArray:
    """(max(V, V_min SRAM) / V_nominal)^2: buffer energy per access relative to the nominal
    voltage, with the SRAM rail held at its minimum operating voltage when the logic goes lower."""
    rail: FloatArray = np.maximum(np.asarray(voltage, dtype=np.float64), tech.sram_min_voltage_v)
    scale: FloatArray = (rail / tech.nominal_voltage_v) ** 2
    return scale
