"""Hardware points of a space and their whole-system figures (vectorized cost core).

Shared by the exact plan check, the exhaustive method, the tie search of the honesty loop and
the heuristics: every point of the grid as rows of `HardwarePoint` indices, and peak power,
area, unit cost and leakage of many points at once.
"""

from __future__ import annotations

import numpy as np

from synth.cost.chip import PE_CODES, area_breakdown_mm2, chip_cost_breakdown_usd, idle_power_w, peak_power_breakdown_w
from synth.errors import SynthError
from synth.evaluation.objective import SystemHardware
from synth.solve.options import SpaceOptions
from synth.spec.space import HardwarePoint

MAX_HARDWARE_POINTS = 200_000


class SpaceTooLarge(SynthError):
    """The exhaustive method refuses spaces it cannot enumerate in reasonable time."""


def hardware_points(opts: SpaceOptions, limit: int = MAX_HARDWARE_POINTS) -> np.ndarray:
    """Every hardware point as rows of indices, columns in `HardwarePoint` order."""
    sizes = opts.grid.axis_sizes()
    count = int(np.prod(sizes))
    if count > limit:
        raise SpaceTooLarge(f"--method exhaustive enumerates at most {limit} hardware points, "
                            f"this space has {count}; narrow `space:` or use --method milp")
    grids = np.meshgrid(*(np.arange(n) for n in sizes), indexing="ij")
    return np.stack([g.reshape(-1) for g in grids], axis=1).astype(np.int64)


def as_point(row) -> HardwarePoint:
    """A row of `hardware_points` as a HardwarePoint of Python ints."""
    return HardwarePoint(*(int(v) for v in row))


def hardware_figures(opts: SpaceOptions, points: np.ndarray) -> dict[str, np.ndarray]:
    """System peak power, area, unit cost and idle floor, and the die area, of every hardware point."""
    g, tech = opts.grid, opts.tech
    column = {name: points[:, k] for k, name in enumerate(HardwarePoint._fields)}
    rows = np.array([s[0] for s in g.array_shapes])[column["shape"]]
    cols = np.array([s[1] for s in g.array_shapes])[column["shape"]]
    pe = np.array([PE_CODES[p] for p in g.precisions])[column["pe"]]
    clock = np.array(g.clock_ghz)[column["clock"]]
    voltage = opts.voltages[column["clock"]]
    sram = np.array(g.sram_mib, dtype=float)[column["sram"]]
    memory = column["memory"]
    bandwidth = np.array([m.bandwidth_gbps for m in g.memories])[memory]
    pj = np.array([m.pj_per_bit for m in g.memories])[memory]
    background = np.array([m.background_w for m in g.memories])[memory]
    phy = np.array([m.phy_area_mm2 for m in g.memories])[memory]
    mem_cost = np.array([m.cost_usd for m in g.memories])[memory]
    interposer = np.array([m.needs_interposer for m in g.memories])[memory]
    cores = np.array(g.cores)[column["cores"]]
    chips = np.array(g.chips)[column["chips"]]
    area = sum(area_breakdown_mm2(tech, rows=rows, cols=cols, cores=cores, pe=pe, sram_mib=sram,
                                  phy_area_mm2=phy).values())
    power = peak_power_breakdown_w(tech, rows=rows, cols=cols, cores=cores, pe=pe, clock_ghz=clock, voltage_v=voltage,
                                   sram_mib=sram, bandwidth_gbps=bandwidth, dram_pj_per_bit=pj, die_area_mm2=area,
                                   dram_background_w=background)
    cost = sum(chip_cost_breakdown_usd(tech, die_area_mm2=area, memory_cost_usd=mem_cost,
                                       needs_interposer=interposer).values())
    return {"die_area": area, "power": sum(power.values()) * chips, "area": area * chips, "cost": cost * chips,
            "idle": idle_power_w(tech, power, background) * chips}


def system_hardware(opts: SpaceOptions, point: HardwarePoint) -> SystemHardware:
    """Whole-system figures of one hardware point, as the objective reads them."""
    figures = hardware_figures(opts, np.array([point]))
    return SystemHardware(peak_power_w=float(figures["power"][0]), area_mm2=float(figures["area"][0]),
                          unit_cost_usd=float(figures["cost"][0]), idle_w=float(figures["idle"][0]))


HARDWARE_FIGURE = {"min_power": "power", "min_area": "area", "min_unit_cost": "cost"}
"""The `hardware_figures` key a hardware-only objective reads (by Objective value)."""
