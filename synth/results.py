"""Frozen result objects of an evaluation, and their JSON shape (`synth eval --json`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


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
    bound: str  # "compute" | "memory"


@dataclass(frozen=True, slots=True)
class WorkloadResult:
    name: str
    model: str
    scenario: str
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
    latency_method: str  # "exact" (deterministic) | "simulated" (server, seeded)
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
    objective_name: str
    objective_value: float
    objective_unit: str
    seed: int
    notes: tuple[str, ...] = field(default=())

    @property
    def feasible(self) -> bool:
        return not self.violations

    @property
    def objective(self) -> float:
        return self.objective_value

    def to_dict(self) -> dict[str, Any]:
        data = {
            "design": self.design,
            "chip": asdict(self.chip),
            "system": asdict(self.system),
            "workloads": [asdict(w) for w in self.workloads],
            "feasible": self.feasible,
            "violations": [asdict(v) for v in self.violations],
            "objective": {"name": self.objective_name, "value": self.objective_value,
                          "unit": self.objective_unit},
            "seed": self.seed,
            "notes": list(self.notes),
        }
        return _json_safe(data)


def _json_safe(value: Any) -> Any:
    """Plain JSON types; inf becomes the string "inf" (JSON has no infinity)."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, float):
        if value != value:
            return "nan"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return value
    if hasattr(value, "item"):
        return _json_safe(value.item())
    return value
