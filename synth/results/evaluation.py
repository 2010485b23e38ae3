"""Frozen records of an exact evaluation, and their JSON shape (`synth eval --json`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from synth.results.codec import DecodeError, from_json, to_json
from synth.vocabulary import Bound, LatencyMethod, Objective, Scenario


@dataclass(frozen=True, slots=True)
class Violation:
    requirement: str  # e.g. "budgets.power_w", "workloads[ranker].latency_ms"
    limit: float
    value: float
    unit: str

    def __str__(self) -> str:
        return f"{self.requirement}: {self.value:.4g} {self.unit} against a limit of {self.limit:.4g} {self.unit}"


@dataclass(frozen=True, slots=True)
class LayerResult:
    name: str
    kind: str
    count: int
    gemm: dict[str, int]  # m (batch included), k, n, groups
    compute_cycles: float
    compute_time_us: float
    memory_time_us: float
    time_us: float  # per instance, dispatch included
    bound: Bound


@dataclass(frozen=True, slots=True)
class WorkloadResult:
    name: str
    model: str
    scenario: Scenario
    percentile: float | None
    batch: int
    replicas: int  # in all, over every chip
    cores_per_replica: int
    precision: str
    batch_timeout_ms: float
    latency_ms: dict[str, float]  # p50, p90, p99, p999 (inf when unstable)
    latency_at_percentile_ms: float
    service_ms: float  # one batch of `batch` on one replica
    throughput_ips: float  # inferences/s at the required load (server: achieved)
    capacity_ips: float  # the most the replicas deliver at full batches
    utilization: float  # useful MACs / peak MACs of its replicas, at the required load
    energy_mj_per_inference: float
    accuracy_drop_pct: float
    macs_per_inference: int
    weight_mib: float
    stable: bool
    latency_method: LatencyMethod
    simulation: dict[str, Any] | None
    layers: tuple[LayerResult, ...]
    max_qps_within_sla: float | None = None  # server: the highest load found to meet the bound


@dataclass(frozen=True, slots=True)
class ChipResult:
    peak_tops: float
    area_mm2: float
    area_breakdown_mm2: dict[str, float]
    power_w: dict[str, float]  # peak, average
    peak_power_breakdown_w: dict[str, float]
    unit_cost_usd: float  # one chip with its memory and package
    cost_breakdown_usd: dict[str, float]
    dies_per_wafer: float
    yield_fraction: float
    voltage_v: float


@dataclass(frozen=True, slots=True)
class SystemResult:
    chips: int
    peak_tops: float
    area_mm2: float
    power_w: dict[str, float]
    unit_cost_usd: float
    energy_mj_per_inference: float
    cost_per_inference_usd: float
    throughput_ips: float


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Exact predictions for one design against one requirements file."""

    design: dict[str, Any]
    chip: ChipResult
    system: SystemResult
    workloads: tuple[WorkloadResult, ...]
    violations: tuple[Violation, ...]
    objective_name: Objective
    objective_value: float
    seed: int
    notes: tuple[str, ...] = field(default=())

    @property
    def feasible(self) -> bool:
        return not self.violations

    @property
    def objective(self) -> float:
        return self.objective_value

    @property
    def objective_unit(self) -> str:
        return self.objective_name.unit

    def to_dict(self) -> dict[str, Any]:
        return {
            "design": to_json(self.design),
            "chip": to_json(self.chip),
            "system": to_json(self.system),
            "workloads": to_json(self.workloads),
            "feasible": self.feasible,
            "violations": to_json(self.violations),
            "objective": {"name": self.objective_name.value, "value": to_json(self.objective_value),
                          "unit": self.objective_unit},
            "seed": self.seed,
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: Any, path: str = "") -> Evaluation:
        """An evaluation from its `to_dict` form; DecodeError names the first bad key."""
        def at(key: str) -> str:
            return f"{path}.{key}" if path else key

        if not isinstance(data, dict):
            raise DecodeError(path, f"must be a mapping, got {type(data).__name__}")
        objective = from_json(dict[str, Any], data.get("objective"), at("objective"))
        return cls(
            design=from_json(dict[str, Any], data.get("design"), at("design")),
            chip=from_json(ChipResult, data.get("chip"), at("chip")),
            system=from_json(SystemResult, data.get("system"), at("system")),
            workloads=from_json(tuple[WorkloadResult, ...], data.get("workloads"), at("workloads")),
            violations=from_json(tuple[Violation, ...], data.get("violations"), at("violations")),
            objective_name=from_json(Objective, objective.get("name"), at("objective.name")),
            objective_value=from_json(float, objective.get("value"), at("objective.value")),
            seed=from_json(int, data.get("seed"), at("seed")),
            notes=from_json(tuple[str, ...], data.get("notes", []), at("notes")))
