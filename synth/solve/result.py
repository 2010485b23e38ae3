"""What a synthesis returns: status, design, exact evaluation, certificate, alternatives."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any

from synth.results import Evaluation, _json_safe


class Status(str, enum.Enum):
    """Why the search stopped, as an answer (STYLE.md rule 4)."""

    optimal = "optimal"  # best exact-feasible design, proven within the gap
    feasible = "feasible"  # exact-feasible design, optimality not proven (time limit, heuristic method)
    infeasible = "infeasible"  # proven: no design in the space meets the requirements
    unknown = "unknown"  # stopped (time limit) with no feasible design and no proof


@dataclass(frozen=True, slots=True)
class Certificate:
    """The proof of optimality: exact objective against the MILP's bound over the whole space."""

    objective: float | None
    bound: float | None  # no design in the space does better than this
    gap: float | None  # relative gap between objective and bound
    iterations: int  # MILP solves
    cuts: int  # designs or regions cut away after the exact check rejected them
    exact_checks: int
    build_s: float
    solve_s: float
    check_s: float
    seconds: float
    method: str
    notes: tuple[str, ...] = ()
    # Options removed before the MILP was built, each dominated in every figure (synth.solve.prune).
    pruned: tuple[str, ...] = ()
    # What the bound covers: the discrete grid of the space. Refinement may then find a better
    # design between grid points; `objective` here stays the grid optimum's.
    scope: str = "grid"


@dataclass(frozen=True, slots=True)
class Relaxation:
    """For one requirement in the conflict: the value a design needs with the others kept."""

    requirement: str  # e.g. "budgets.power_w"
    limit: float
    needed: float | None  # None when even dropping it leaves the rest infeasible
    unit: str
    message: str


@dataclass(frozen=True, slots=True)
class Result:
    status: Status
    method: str
    seed: int
    objective_name: str
    design: dict[str, Any] | None
    evaluation: Evaluation | None
    certificate: Certificate
    alternatives: tuple[Evaluation, ...] = ()
    relaxation: tuple[Relaxation, ...] = ()
    refinement: dict[str, Any] | None = None
    design_points: float = 0.0
    notes: tuple[str, ...] = field(default=())
    requirements: dict[str, Any] | None = None  # the requirements as a plain mapping (report re-render)
    sensitivity: tuple[dict[str, Any], ...] = ()
    pareto: dict[str, Any] | None = None
    curves: tuple[dict[str, Any], ...] = ()

    @property
    def objective(self) -> float | None:
        return self.evaluation.objective_value if self.evaluation else None

    def to_dict(self) -> dict[str, Any]:
        ev = self.evaluation
        data = {
            "status": self.status.value,
            "method": self.method,
            "seed": self.seed,
            "objective": {"name": self.objective_name, "value": ev.objective_value if ev else None,
                          "unit": ev.objective_unit if ev else None},
            "certificate": asdict(self.certificate),
            "design": self.design,
            "evaluation": ev.to_dict() if ev else None,
            "alternatives": [
                {"design": a.design, "objective": a.objective_value, "evaluation": a.to_dict()}
                for a in self.alternatives],
            "relaxation": [asdict(r) for r in self.relaxation],
            "refinement": self.refinement,
            "design_points": self.design_points,
            "notes": list(self.notes),
            "requirements": self.requirements,
            "sensitivity": list(self.sensitivity),
            "pareto": self.pareto,
            "curves": list(self.curves),
        }
        return _json_safe(data)
