"""What the MILP picks: a hardware point and one plan per workload, as indices into the options."""

from __future__ import annotations

from dataclasses import dataclass

from synth.spec.space import HardwarePoint


@dataclass(frozen=True, slots=True)
class Choice:
    """A design the MILP picked: indices into the option tables."""

    shape: int
    dataflow: int
    pe: int
    clock: int
    sram: int
    memory: int
    cores: int  # index into grid.cores
    chips: int  # index into grid.chips
    plans: tuple[tuple[int, int, int], ...]  # per workload (batch idx, precision idx, pair idx)

    @property
    def hardware(self) -> HardwarePoint:
        return HardwarePoint(self.shape, self.dataflow, self.pe, self.clock, self.sram, self.memory, self.cores,
                             self.chips)

    @classmethod
    def on(cls, hardware: HardwarePoint, plans: tuple[tuple[int, int, int], ...]) -> Choice:
        return cls(*hardware, plans)
