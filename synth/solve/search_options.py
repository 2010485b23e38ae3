"""One typed options object for a search (STYLE.md rule 6): method, budgets, refinement,
alternatives, diagnosis and hints."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from synth.vocabulary import Method

DEFAULT_TIME_LIMIT_S = 120.0
DEFAULT_REFINE_TRIALS = 40


@dataclass(frozen=True, slots=True)
class SearchOptions:
    """How `synthesize` searches.

    method: milp (default; proven optimal over the grid), exhaustive (every point through the
    exact evaluator; small spaces only), optuna or random (heuristics over the same space and
    evaluator, for comparison; they prove nothing).
    time_limit_s: a wall-clock safety stop for the search (None: DEFAULT_TIME_LIMIT_S); when
    it fires the result says so (`certificate.termination`).
    refine: Optuna then searches the continuous knobs around the best design for
    `refine_trials` trials (a work budget: the answer does not depend on the machine's speed),
    keeping only exact-feasible improvements; `refine_time_s` is its safety stop.
    alternatives: how many next-best designs on other hardware to report.
    diagnose_infeasible: when nothing fits, find the smallest relaxation of each requirement.
    max_milp_solves, milp_max_nodes: work budgets of the MILP method (solves of the honesty
    loop; branch-and-bound nodes per solve); None: no budget. With them the answer, proven or
    not, is the same on any machine; time_limit_s stays a safety stop.
    scan_checks: the method chooser's work budget (synth/solve/chooser.py): for a hardware
    objective on a space it can enumerate, hardware is checked in order of its exact objective
    for at most this many points, then the MILP takes over; 0 turns the enumeration off.
    storage: a journal file path or database URL shared by refinement studies of several processes.
    hints: designs (design-file mappings) whose hardware the MILP checks exactly before its
    first solve; off-grid ones are ignored. They only speed the search up."""

    method: Method = Method.milp
    time_limit_s: float | None = None
    refine: bool = True
    refine_trials: int = DEFAULT_REFINE_TRIALS
    refine_time_s: float = 60.0
    alternatives: int = 5
    diagnose_infeasible: bool = True
    max_milp_solves: int | None = None
    milp_max_nodes: int | None = None
    storage: str | None = None
    scan_checks: int = 500
    hints: tuple[dict[str, Any], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", Method(self.method))
        object.__setattr__(self, "hints", tuple(self.hints))
        if self.time_limit_s is not None and not (math.isfinite(self.time_limit_s) and self.time_limit_s > 0):
            raise ValueError(f"`time_limit_s > 0` must hold, but got time_limit_s={self.time_limit_s}")
        if not (math.isfinite(self.refine_time_s) and self.refine_time_s > 0):
            raise ValueError(f"`refine_time_s > 0` must hold, but got refine_time_s={self.refine_time_s}")
        if self.refine_trials < 1:
            raise ValueError(f"`refine_trials >= 1` must hold, but got refine_trials={self.refine_trials}")
        if self.scan_checks < 0:
            raise ValueError(f"`scan_checks >= 0` must hold, but got scan_checks={self.scan_checks}")
        for name in ("max_milp_solves", "milp_max_nodes"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"`{name} >= 1` must hold, but got {name}={value}")
        if self.alternatives < 0:
            raise ValueError(f"`alternatives >= 0` must hold, but got alternatives={self.alternatives}")

    @property
    def deadline_s(self) -> float:
        return DEFAULT_TIME_LIMIT_S if self.time_limit_s is None else self.time_limit_s

    def with_changes(self, **changes: Any) -> SearchOptions:
        """A copy with some fields changed (unknown names are a TypeError, as dataclasses.replace)."""
        return dataclasses.replace(self, **changes)
