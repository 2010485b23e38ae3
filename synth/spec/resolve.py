"""Checks that need more than one key: model names, and a design against its requirements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from synth.cost.constants import PE_SUPPORTS, Technology, technology
from synth.cost.dvfs import clock_at_voltage, voltage_for_clock
from synth.cost.memory import MemoryOption
from synth.errors import Problem, SpecError
from synth.models import BUILTIN_MODELS, Layer, Model
from synth.models.layers import LayerKind
from synth.models.onnx.source import onnx_model_for_requirements
from synth.spec.checks import cross_problems
from synth.spec.design import Design, WorkloadPlan
from synth.spec.fields import MAX_LAYER_ELEMENTS, MAX_MODEL_OPS
from synth.spec.requirements import InlineModel, LayerSpec, ModelSpec, OnnxModel, Requirements, Workload
from synth.spec.space import memory_option


def _layer(spec: LayerSpec) -> Layer:
    fields = spec.model_dump(exclude={"type"})
    kind = cast(LayerKind, {"attention": "matmul", "elementwise": "vector"}.get(spec.type, spec.type))
    if kind == "depthwise":
        fields["c_in"] = fields["c_out"] = fields.pop("channels")
    return Layer(kind=kind, **fields)


def resolve_model(spec: ModelSpec, source: str, path: str) -> Model:
    """The Model a workload's `model:` names, or SpecError naming the key."""
    if isinstance(spec, OnnxModel):
        return onnx_model_for_requirements(spec, source, path)
    if isinstance(spec, InlineModel):
        return Model(spec.name, tuple(_layer(layer) for layer in spec.layers),
                     description="inline model", extra_params=spec.extra_params)
    if spec not in BUILTIN_MODELS:
        known = ", ".join(BUILTIN_MODELS)
        raise SpecError([Problem(source, path, f"must be a built-in model ({known}), an "
                                 f"{{onnx: path}} or an inline {{name, layers}}, got {spec!r}")])
    return BUILTIN_MODELS[spec]()


def check_requirements(req: Requirements, source: str) -> None:
    """Every cross-key problem of a requirements file at once (scenario keys, models resolve and
    stay within the size bounds, overrides)."""
    problems = cross_problems(req.model_dump(mode="json", warnings=False), source)
    for i, workload in enumerate(req.workloads):
        key = f"workloads[{i}].model"
        if isinstance(workload.model, InlineModel):
            problems.extend(model_size_problems(resolve_model(workload.model, source, ""), source, key))
        elif isinstance(workload.model, OnnxModel):  # the file is read (bounded) and imported now
            try:
                problems.extend(model_size_problems(resolve_model(workload.model, source, key), source, key))
            except SpecError as exc:
                problems.extend(exc.problems)
    if problems:
        raise SpecError(problems)


def model_size_problems(model: Model, source: str, path: str) -> list[Problem]:
    """A model's work stays where float64 counts it exactly and int64 holds every product."""
    problems, total = [], 0
    for j, (gemm, count) in enumerate(zip(model.gemms(), model.counts)):
        work = gemm.macs * count + gemm.vector_ops * count
        sizes = {"weights": gemm.weight_elements, "inputs": gemm.input_elements,
                 "outputs": gemm.output_elements}
        large = {name: size for name, size in sizes.items() if size * count > MAX_LAYER_ELEMENTS}
        if work > MAX_MODEL_OPS or large:
            what = (f"{work:.3g} MACs and vector ops (count x per-sample)" if work > MAX_MODEL_OPS else
                    ", ".join(f"{size * count:.3g} {name} elements" for name, size in large.items()))
            problems.append(Problem(source, f"{path}.layers[{j}]", f"must do at most {MAX_MODEL_OPS:.3g} "
                                    f"operations and touch at most {MAX_LAYER_ELEMENTS:.3g} elements per "
                                    f"operand per inference (docs/requirements.md, *Limits*), got {what}"))
        total += work
    if total > MAX_MODEL_OPS and not problems:
        problems.append(Problem(source, f"{path}.layers", f"must do at most {MAX_MODEL_OPS:.3g} operations "
                                f"per inference in all layers together, got {total:.3g}"))
    return problems


def accuracy_table(workload: Workload) -> dict[str, float] | None:
    return workload.model.accuracy_drop_pct if isinstance(workload.model, InlineModel) else None


@dataclass(frozen=True, slots=True)
class ResolvedPlan:
    """A workload's plan with every default filled in."""

    batch: int
    replicas: int
    cores_per_replica: int
    precision: str
    batch_timeout_ms: float


@dataclass(frozen=True, slots=True)
class ResolvedDesign:
    """A design checked against the requirements, with defaults filled in."""

    design: Design
    tech: Technology
    memory: MemoryOption
    voltage_v: float
    plans: tuple[ResolvedPlan, ...]  # in the order of req.workloads


def resolve_design(req: Requirements, design: Design, source: str) -> ResolvedDesign:
    """Check a design against requirements; all problems at once, each naming its key."""
    tech = technology(req.node_nm, req.technology.overrides)
    problems: list[Problem] = []
    if design.clock_ghz > tech.max_clock_ghz + 1e-9:
        problems.append(Problem(source, "clock_ghz", f"must be <= {tech.max_clock_ghz} GHz, the highest "
                                f"clock of the {req.node_nm} nm node, got {design.clock_ghz}"))
    voltage = design.voltage_v
    if voltage is None:
        voltage = voltage_for_clock(tech, min(design.clock_ghz, tech.max_clock_ghz))
    else:
        low, high = tech.voltage_range()
        if not low - 1e-9 <= voltage <= high + 1e-9:
            problems.append(Problem(source, "voltage_v", f"must be within [{low}, {high}] V at "
                                    f"{req.node_nm} nm, got {voltage}"))
        elif clock_at_voltage(tech, voltage) < design.clock_ghz * (1 - 1e-6):
            reach = clock_at_voltage(tech, voltage)
            problems.append(Problem(source, "voltage_v", f"{voltage} V reaches at most {reach:.3f} GHz "
                                    f"at {req.node_nm} nm; clock_ghz {design.clock_ghz} needs "
                                    f"{voltage_for_clock(tech, design.clock_ghz):.3f} V"))
    names = [w.name for w in req.workloads]
    for extra in sorted(set(design.workloads) - set(names)):
        problems.append(Problem(source, f"workloads.{extra}", f"not a workload of the requirements "
                                f"(they are: {', '.join(names)})"))
    plans, cores_used = [], 0
    default_cores = max(1, design.cores // len(names))
    for name in names:
        plan = design.workloads.get(name) or WorkloadPlan()
        key = f"workloads.{name}"
        precision = plan.precision or PE_SUPPORTS[design.precision][0]
        if precision not in PE_SUPPORTS[design.precision]:
            problems.append(Problem(source, f"{key}.precision", f"must be one of those the {design.precision} "
                                    f"PE runs {list(PE_SUPPORTS[design.precision])}, got {precision!r}"))
        cpr = plan.cores_per_replica or max(1, default_cores // plan.replicas)
        if cpr > design.cores:
            problems.append(Problem(source, f"{key}.cores_per_replica", f"must be <= cores "
                                    f"({design.cores}), got {cpr}"))
        cores_used += cpr * plan.replicas
        plans.append(ResolvedPlan(plan.batch, plan.replicas, cpr, precision, plan.batch_timeout_ms))
    if cores_used > design.cores:
        problems.append(Problem(source, "workloads", f"replicas x cores_per_replica summed over "
                                f"workloads must be <= cores per chip ({design.cores}), got {cores_used}"))
    if problems:
        raise SpecError(problems)
    return ResolvedDesign(design, tech, memory_option(design.memory), voltage, tuple(plans))
