"""The seed's measures of a design (peak vs sustained TOPS, TOPS/W, energy per operation and per
inference, cost per inference per million) and the application class of the seed's QoS table.
Plain functions over the evaluation's JSON form, so the report and the console print the same."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from synth.report.fmt import finite

# The seed's QoS table: application, latency SLA, throughput, what the design optimizes.
QOS_TABLE = (
    ("Face recognition", "< 50 ms", "real-time only", "latency"),
    ("Search ranking", "< 100 ms", "1000+ qps", "both"),
    ("Image classification", "< 200 ms", "100+ inferences/s", "throughput"),
    ("Batch processing", "none", "maximize", "throughput"),
)


@dataclass(frozen=True, slots=True)
class Measures:
    peak_tops: float | None
    sustained_tops: float | None  # 2 ops per MAC x MACs per inference x inferences/s at the required load
    peak_tops_per_w: float | None  # peak TOPS / peak power
    sustained_tops_per_w: float | None  # sustained TOPS / average power
    pj_per_op: float | None  # energy per inference / operations per inference
    energy_mj_per_inference: float | None
    usd_per_million: float | None

    @property
    def sustained_share(self) -> float | None:
        if self.peak_tops and self.sustained_tops is not None:
            return self.sustained_tops / self.peak_tops
        return None


def measures(evaluation: Mapping[str, Any]) -> Measures:
    """The seed's measures from an evaluation's JSON form (`Evaluation.to_dict()`)."""
    system = evaluation.get("system") or {}
    power = system.get("power_w") or {}
    workloads = [w for w in evaluation.get("workloads") or [] if isinstance(w, dict)]
    ops_per_s = sum(2 * (finite(w.get("macs_per_inference")) or 0) * (finite(w.get("throughput_ips")) or 0)
                    for w in workloads)
    rate = sum(finite(w.get("throughput_ips")) or 0 for w in workloads)
    peak, sustained = finite(system.get("peak_tops")), ops_per_s / 1e12 if workloads else None
    energy = finite(system.get("energy_mj_per_inference"))
    ops_per_inference = ops_per_s / rate if rate > 0 else None
    cost = finite(system.get("cost_per_inference_usd"))
    return Measures(
        peak_tops=peak, sustained_tops=sustained,
        peak_tops_per_w=_ratio(peak, finite(power.get("peak"))),
        sustained_tops_per_w=_ratio(sustained, finite(power.get("average"))),
        pj_per_op=_ratio(energy * 1e9 if energy is not None else None, ops_per_inference),
        energy_mj_per_inference=energy, usd_per_million=cost * 1e6 if cost is not None else None)


def per_inferences(usd_per_inference: float | None) -> tuple[float | None, str]:
    """A cost per inference in readable units: USD per million inferences, or per billion or
    trillion when that is under a cent (4.118e-10 USD -> 0.4118 USD per billion inferences)."""
    if usd_per_inference is None:
        return None, "USD per million inferences"
    scales = ((1e6, "million"), (1e9, "billion"), (1e12, "trillion"))
    scale, name = next((s for s in scales if abs(usd_per_inference) * s[0] >= 0.01), scales[-1])
    return usd_per_inference * scale, f"USD per {name} inferences"


def application_class(latency_ms: float | None, qps: float | None, scenario: str) -> tuple[str, str]:
    """The row of the seed's QoS table a workload falls in (application, what it optimizes):
    no latency bound -> batch processing; a bound but no rate (one query at a time) -> face
    recognition (real-time only); 1000+ qps -> search ranking; else image classification."""
    if latency_ms is None or scenario == "offline":
        return QOS_TABLE[3][0], QOS_TABLE[3][3]
    if qps is None:
        return QOS_TABLE[0][0], QOS_TABLE[0][3]
    if qps >= 1000:
        return QOS_TABLE[1][0], QOS_TABLE[1][3]
    return QOS_TABLE[2][0], QOS_TABLE[2][3]


def tuned_for(batch: Any, latency_ms: float | None) -> str:
    """What a workload's plan trades: batch 1 is tuned for latency; a larger batch under a
    latency bound for both; a larger batch with no bound for throughput."""
    if batch == 1:
        return "latency"
    return "both" if latency_ms is not None else "throughput"


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None
