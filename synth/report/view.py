"""Read-only access to a result.json mapping, tolerant of optional keys that are absent or null."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from synth.vocabulary import Scenario

OBJECTIVE_WORDS = {
    "min_power": ("lowest peak power", "peak power"),
    "min_area": ("smallest silicon area", "area"),
    "min_unit_cost": ("lowest unit cost", "unit cost"),
    "min_energy_per_inference": ("lowest energy per inference", "energy per inference"),
    "min_cost_per_inference": ("lowest cost per inference", "cost per inference"),
    "max_throughput": ("highest throughput", "throughput"),
    "min_latency": ("lowest tail latency", "tail latency"),
}


def mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def sequence(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


@dataclass(frozen=True, slots=True)
class ResultView:
    raw: Mapping[str, Any]

    @property
    def status(self) -> str:
        return str(self.raw.get("status") or "unknown")

    @property
    def objective(self) -> dict[str, Any]:
        return mapping(self.raw.get("objective"))

    @property
    def objective_name(self) -> str:
        return str(self.objective.get("name") or self.requirements.get("objective") or "objective")

    @property
    def objective_unit(self) -> str:
        return str(self.objective.get("unit") or "")

    @property
    def maximize(self) -> bool:
        return self.objective_name.startswith("max_")

    def objective_words(self) -> tuple[str, str]:
        name = self.objective_name
        return OBJECTIVE_WORDS.get(name, (name.replace("_", " "), name.replace("_", " ")))

    @property
    def certificate(self) -> dict[str, Any]:
        return mapping(self.raw.get("certificate"))

    @property
    def requirements(self) -> dict[str, Any]:
        return mapping(self.raw.get("requirements"))

    @property
    def has_requirements(self) -> bool:
        return bool(self.requirements)

    @property
    def evaluation(self) -> dict[str, Any]:
        return mapping(self.raw.get("evaluation"))

    @property
    def design(self) -> dict[str, Any]:
        return mapping(self.raw.get("design")) or mapping(self.evaluation.get("design"))

    @property
    def chip(self) -> dict[str, Any]:
        return mapping(self.evaluation.get("chip"))

    @property
    def system(self) -> dict[str, Any]:
        return mapping(self.evaluation.get("system"))

    @property
    def workloads(self) -> list[dict[str, Any]]:
        """Predicted workloads (empty without a design)."""
        return [w for w in sequence(self.evaluation.get("workloads")) if isinstance(w, dict)]

    @property
    def required_workloads(self) -> list[dict[str, Any]]:
        return [w for w in sequence(self.requirements.get("workloads")) if isinstance(w, dict)]

    def workload_names(self) -> list[str]:
        """Every workload, in requirements order, then any only the evaluation knows."""
        names = [str(w.get("name")) for w in self.required_workloads]
        return names + [str(w.get("name")) for w in self.workloads if str(w.get("name")) not in names]

    def required(self, name: str) -> dict[str, Any]:
        return next((w for w in self.required_workloads if str(w.get("name")) == name), {})

    def predicted(self, name: str) -> dict[str, Any]:
        return next((w for w in self.workloads if str(w.get("name")) == name), {})

    def scenario(self, name: str) -> str:
        return str(self.predicted(name).get("scenario") or self.required(name).get("scenario") or "")

    def percentile(self, name: str) -> float | None:
        for source in (self.predicted(name), self.required(name)):
            if source.get("percentile") is not None:
                return source["percentile"]
        scenario = self.scenario(name)
        return Scenario(scenario).default_percentile if scenario in Scenario._value2member_map_ else None

    def optional_list(self, key: str) -> list[dict[str, Any]]:
        return [x for x in sequence(self.raw.get(key)) if isinstance(x, dict)]

    def optional_mapping(self, key: str) -> dict[str, Any]:
        return mapping(self.raw.get(key))

    def curves(self, name: str) -> dict[str, Any]:
        return next((c for c in self.optional_list("curves") if str(c.get("workload")) == name), {})


def model_name(model: Any) -> str:
    """A workload's model: a built-in name, `onnx: path`, or an inline layer list."""
    if isinstance(model, str):
        return model
    if isinstance(model, dict):
        if model.get("onnx"):
            return f"onnx: {model['onnx']}"
        layers = model.get("layers")
        label = model.get("name") or "inline model"
        return f"{label} ({len(layers)} layers)" if isinstance(layers, list) else str(label)
    return "—" if model is None else str(model)


def memory_name(memory: Any) -> str:
    if isinstance(memory, dict):
        return str(memory.get("name") or "custom memory")
    return "—" if memory is None else str(memory)
