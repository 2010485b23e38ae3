"""Off-chip memory options: bandwidth, energy per bit, capacity, PHY area and price.

Each catalog entry is one memory configuration attached to one chip. Sources per row (refs =
../shared/data/references.md, section 1.5 unless noted); tags as there.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class MemoryOption:
    name: str
    bandwidth_gbps: float  # GB/s (10^9 B/s) per chip
    pj_per_bit: float  # access + I/O energy per bit transferred
    capacity_gib: float = 16.0
    phy_area_mm2: float = 0.0  # on-die PHY/controller area (analog: does not shrink with node)
    cost_usd: float = 0.0  # memory devices for one chip
    needs_interposer: bool = False
    background_w: float = 0.0  # device standby power (refresh, DLL, termination) while powered
    source: str = ""


# PHY areas are [U]: LPDDR4 PHY test chip 0.57 mm^2 per x16-x32 channel at 10 nm (refs §6 [S]);
# wider/faster interfaces scaled by pin count. Prices: DDR5 ~$1.5-2/GB, HBM3E ~$8-10/GB (refs §1.5 [S]);
# LPDDR and GDDR assumed at DDR and 1.5x DDR prices [U].
_DDR_USD_PER_GIB = 2.0
_HBM_USD_PER_GIB = 9.0

CATALOG: dict[str, MemoryOption] = {
    m.name: m
    for m in (
        MemoryOption("lpddr4", 34.1, 13.5, 8, 2.3, 8 * _DDR_USD_PER_GIB,
                     source="LPDDR4X-4266 x64 34.1 GB/s [S]; 13-14 pJ/bit DramDSE [S]"),
        MemoryOption("lpddr5", 51.2, 10.0, 8, 2.3, 8 * _DDR_USD_PER_GIB,
                     source="LPDDR5-6400 x64 51.2 GB/s [S]; 10 pJ/bit generic DRAM constant [S] (no LPDDR5 primary, refs §7)"),
        MemoryOption("ddr3", 34.0, 20.3, 8, 10.0, 8 * _DDR_USD_PER_GIB,
                     source="TPU v1 8 GiB DDR3 34 GB/s (refs §2.1 [P]); 1.3 nJ per 64-bit access (refs §1.1 [S])"),
        MemoryOption("ddr4", 25.6, 10.0, 16, 5.0, 16 * _DDR_USD_PER_GIB,
                     source="DDR4-3200 64-bit channel 25.6 GB/s [D]; 10 pJ/bit DRAM constant [S]"),
        MemoryOption("ddr5", 38.4, 10.0, 32, 5.0, 32 * _DDR_USD_PER_GIB,
                     source="DDR5-4800 DIMM 38.4 GB/s [D]; 10 pJ/bit DRAM constant [S]"),
        MemoryOption("gddr6", 448.0, 7.5, 16, 20.0, 16 * _DDR_USD_PER_GIB * 1.5,
                     source="8 x GDDR6 devices at 56 GB/s [S]; 7.5 pJ/bit Micron [S]"),
        MemoryOption("hbm2", 256.0, 3.97, 8, 12.0, 8 * _HBM_USD_PER_GIB, True,
                     source="HBM2 stack 256 GB/s JESD235A [S]; 3.97 pJ/bit O'Connor MICRO'17 [S]"),
        MemoryOption("hbm2e", 410.0, 6.0, 16, 12.0, 16 * _HBM_USD_PER_GIB, True,
                     source="HBM2E stack 410 GB/s [S]; 6.0 pJ/bit Micron [S]"),
        MemoryOption("hbm3", 819.0, 3.97, 24, 14.0, 24 * _HBM_USD_PER_GIB, True,
                     source="HBM3 stack 819 GB/s JESD238 [S]; pJ/bit taken as HBM2's [U] (refs §7 gap)"),
    )
}

# Background (standby) power per device set, W (refs §9.2): LPDDR4 5.3 mW per GB/s of interface
# and DDR4 14-21 mW per GB/s (DRAMPower datasheet IDDs x V [D]); LPDDR5 as LPDDR4 and DDR3/DDR5 at
# the DDR4 midpoint 17.5 mW per GB/s [U]; HBM2 66 mW active standby per channel x 8 = 0.53 W
# per stack (DRAMsim3 config [S], [D]), HBM2E as HBM2 and HBM3 (16 channels) twice [U]; GDDR6:
# 8 devices x DDR4's 67 mW active standby [U].
_LPDDR_W_PER_GBPS, _DDR_W_PER_GBPS = 5.3e-3, 17.5e-3
_BACKGROUND_W = {
    "lpddr4": 34.1 * _LPDDR_W_PER_GBPS, "lpddr5": 51.2 * _LPDDR_W_PER_GBPS,
    "ddr3": 34.0 * _DDR_W_PER_GBPS, "ddr4": 25.6 * _DDR_W_PER_GBPS, "ddr5": 38.4 * _DDR_W_PER_GBPS,
    "gddr6": 8 * 0.067, "hbm2": 8 * 0.066, "hbm2e": 8 * 0.066, "hbm3": 16 * 0.066,
}
CATALOG = {name: replace(m, background_w=_BACKGROUND_W[name]) for name, m in CATALOG.items()}


def catalog_names() -> tuple[str, ...]:
    return tuple(CATALOG)
