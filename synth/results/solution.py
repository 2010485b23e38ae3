"""Frozen records of a synthesis: status, certificate, relaxations, refinement, trade-offs,
serving curves, and `Result` with its JSON form (result.json), read back by `Result.from_dict`.

The report takes a `Result`; nothing here imports the solver, so the report never loads Pyomo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from synth.results.codec import DecodeError, from_json, to_json
from synth.results.evaluation import Evaluation
from synth.vocabulary import Method, Objective, Scenario, SolutionStatus, Termination


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
    method: Method
    notes: tuple[str, ...] = ()
    # Options removed before the MILP was built, each dominated in every figure (synth.solve.prune).
    pruned: tuple[str, ...] = ()
    # What the bound covers: the discrete grid of the space. Refinement may then find a better
    # design between grid points; `objective` here stays the grid optimum's.
    scope: str = "grid"
    termination: Termination = Termination.converged  # why the search stopped


@dataclass(frozen=True, slots=True)
class Relaxation:
    """For one requirement in the conflict: the value a design needs with the others kept."""

    requirement: str  # e.g. "budgets.power_w"
    limit: float
    needed: float | None  # None when even dropping it leaves the rest infeasible
    unit: str
    message: str


@dataclass(frozen=True, slots=True)
class Refinement:
    """What the continuous refinement (Optuna) did around the grid optimum."""

    trials: int  # trials of this study (all processes sharing it)
    own_trials: int  # trials this process ran
    seconds: float
    objective_before: float
    objective_after: float
    gain_pct: float
    changes: dict[str, list[Any]]
    storage: str
    study: str


@dataclass(frozen=True, slots=True)
class SensitivityRow:
    """What relaxing one binding requirement by 10 % would change (a re-solve)."""

    requirement: str
    limit: float
    relaxed_limit: float
    unit: str
    objective_after: float | None
    saving_pct: float | None
    proven: bool


@dataclass(frozen=True, slots=True)
class ParetoPoint:
    x: float
    y: float
    design: dict[str, Any] | None = None
    proven: bool = True  # the re-solve at this point proved its design optimal within its budget


@dataclass(frozen=True, slots=True)
class ParetoFront:
    """Non-dominated designs of two metrics; `chosen` is the design optimal for `y` alone."""

    x: str
    y: str
    x_unit: str
    y_unit: str
    points: tuple[ParetoPoint, ...]
    chosen: ParetoPoint | None


@dataclass(frozen=True, slots=True)
class BatchPoint:
    batch: int
    service_ms: float  # one full batch on one replica
    capacity_ips: float  # all replicas running full batches back to back
    utilization: float  # useful MACs / peak MACs of the replica at a full batch
    p50_ms: float | None  # under the workload's load (server), else None
    p99_ms: float | None


@dataclass(frozen=True, slots=True)
class LoadPoint:
    qps: float
    load: float  # qps / capacity
    p50_ms: float
    p99_ms: float
    stable: bool


@dataclass(frozen=True, slots=True)
class WorkloadCurves:
    workload: str
    scenario: Scenario
    batch: tuple[BatchPoint, ...]
    load: tuple[LoadPoint, ...]  # server workloads only


@dataclass(frozen=True, slots=True)
class ArchitectureRow:
    """The best design with one design variable fixed (the seed's architecture trade-offs): a
    solve of the same requirements with the space narrowed to `value` on `axis`."""

    axis: str  # array | precision | cores | batch
    value: str  # "128x128", "int8", "4", "16"
    status: SolutionStatus  # optimal: proven within the row's work budget; infeasible: proven none
    objective: float | None
    design: dict[str, Any] | None
    metrics: dict[str, float]  # peak_power_w, area_mm2, unit_cost_usd, latency_ms, capacity_ips, ...


@dataclass(frozen=True, slots=True)
class Result:
    """The answer of a synthesis: what was found (status), why the search stopped
    (`certificate.termination`), the design and its exact evaluation, and the report's data."""

    status: SolutionStatus
    method: Method
    seed: int
    objective_name: Objective
    design: dict[str, Any] | None
    evaluation: Evaluation | None
    certificate: Certificate
    alternatives: tuple[Evaluation, ...] = ()
    relaxation: tuple[Relaxation, ...] = ()
    refinement: Refinement | None = None
    design_points: float = 0.0
    notes: tuple[str, ...] = field(default=())
    requirements: dict[str, Any] | None = None  # the requirements as a plain mapping (report re-render)
    sensitivity: tuple[SensitivityRow, ...] = ()
    pareto: ParetoFront | None = None
    curves: tuple[WorkloadCurves, ...] = ()
    architecture: tuple[ArchitectureRow, ...] = ()

    @property
    def objective(self) -> float | None:
        return self.evaluation.objective_value if self.evaluation else None

    @property
    def termination(self) -> Termination:
        return self.certificate.termination

    def to_dict(self) -> dict[str, Any]:
        ev = self.evaluation
        return {
            "status": self.status.value,
            "method": self.method.value,
            "seed": self.seed,
            "objective": {"name": self.objective_name.value, "value": to_json(ev.objective_value) if ev else None,
                          "unit": self.objective_name.unit if ev else None},
            "certificate": to_json(self.certificate),
            "design": to_json(self.design),
            "evaluation": ev.to_dict() if ev else None,
            "alternatives": [{"design": to_json(a.design), "objective": to_json(a.objective_value),
                              "evaluation": a.to_dict()} for a in self.alternatives],
            "relaxation": to_json(self.relaxation),
            "refinement": to_json(self.refinement),
            "design_points": self.design_points,
            "notes": list(self.notes),
            "requirements": to_json(self.requirements),
            "sensitivity": to_json(self.sensitivity),
            "pareto": to_json(self.pareto),
            "curves": to_json(self.curves),
            "architecture": to_json(self.architecture),
        }

    @classmethod
    def from_dict(cls, data: Any) -> Result:
        """A result from its JSON form (result.json); DecodeError names the first bad key."""
        if not isinstance(data, dict):
            raise DecodeError("", f"must be a mapping, got {type(data).__name__}")
        objective = data.get("objective")
        if not isinstance(objective, dict):
            raise DecodeError("objective", "must be a mapping with name, value and unit")
        evaluation = data.get("evaluation")
        alternatives = data.get("alternatives", [])
        if not isinstance(alternatives, list):
            raise DecodeError("alternatives", "must be a list")
        return cls(
            status=from_json(SolutionStatus, data.get("status"), "status"),
            method=from_json(Method, data.get("method"), "method"),
            seed=from_json(int, data.get("seed"), "seed"),
            objective_name=from_json(Objective, objective.get("name"), "objective.name"),
            design=from_json(dict[str, Any] | None, data.get("design"), "design"),
            evaluation=None if evaluation is None else Evaluation.from_dict(evaluation, "evaluation"),
            certificate=from_json(Certificate, data.get("certificate"), "certificate"),
            alternatives=tuple(Evaluation.from_dict(a.get("evaluation") if isinstance(a, dict) else a,
                                                    f"alternatives[{i}].evaluation")
                               for i, a in enumerate(alternatives)),
            relaxation=from_json(tuple[Relaxation, ...], data.get("relaxation", []), "relaxation"),
            refinement=from_json(Refinement | None, data.get("refinement"), "refinement"),
            design_points=from_json(float, data.get("design_points", 0.0), "design_points"),
            notes=from_json(tuple[str, ...], data.get("notes", []), "notes"),
            requirements=from_json(dict[str, Any] | None, data.get("requirements"), "requirements"),
            sensitivity=from_json(tuple[SensitivityRow, ...], data.get("sensitivity", []), "sensitivity"),
            pareto=from_json(ParetoFront | None, data.get("pareto"), "pareto"),
            curves=from_json(tuple[WorkloadCurves, ...], data.get("curves", []), "curves"),
            architecture=from_json(tuple[ArchitectureRow, ...], data.get("architecture", []), "architecture"))
