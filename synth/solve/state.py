"""The book-keeping of one search: the exact-feasible designs found, what was spent, and why
it stopped. Shared by every method (MILP loop, exhaustive, heuristics, diagnosis)."""

from __future__ import annotations

from dataclasses import dataclass, field

from synth.results import Evaluation
from synth.solve.milp_choice import Choice
from synth.vocabulary import Termination


@dataclass(frozen=True, slots=True)
class Scored:
    """An exact-feasible design: its score (the objective, to minimize), the MILP choice it
    came from and its exact evaluation."""

    score: float
    choice: Choice
    evaluation: Evaluation


def latency_tiebreak(evaluation: Evaluation) -> float:
    """The worst latency of a design (ms at each workload's percentile): ties are broken by it."""
    worst = 0.0
    for workload in evaluation.workloads:
        worst = max(worst, workload.latency_at_percentile_ms)
    return worst


@dataclass
class SearchState:
    """Book-keeping of one search (mutable while it runs; the Result it yields is frozen)."""

    feasible: list[Scored] = field(default_factory=list)
    iterations: int = 0
    cuts: int = 0
    checks: int = 0
    simulations: int = 0
    solve_s: float = 0.0
    check_s: float = 0.0
    bound: float | None = None  # score: nothing unevaluated scores better
    proven: bool = False
    infeasible: bool = False
    termination: Termination = Termination.converged
    notes: list[str] = field(default_factory=list)

    def best(self) -> Scored | None:
        """The best feasible design; among exact ties, the one with the lowest worst latency
        (at each workload's percentile, in ms: the objective alone cannot tell them apart)."""
        if not self.feasible:
            return None
        return min(self.feasible, key=lambda item: (item.score, latency_tiebreak(item.evaluation)))

    def stop(self, termination: Termination, note: str) -> None:
        """Record why the search stopped before proving its answer."""
        self.termination = termination
        self.notes.append(note)
