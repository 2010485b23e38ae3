"""The words every layer of synth shares: objectives, scenarios, dataflows, precisions, verdicts,
methods, why a search stopped and what it found, and the named tolerances.

This module imports nothing of synth (the import-linter contract in pyproject.toml keeps it a
leaf), so the spec, the cost core, the simulator, the solver and the report all speak the same
vocabulary without importing each other.
"""

from __future__ import annotations

import enum
from typing import Literal, get_args

# --- tolerances ----------------------------------------------------------------------------------
REL_TOL = 1e-9
"""Relative slack when a figure is compared with a requirement's limit (`value <= limit * (1 +
REL_TOL)`): float noise in the cost core never turns a met requirement into a violation."""

GAP_TOL = 1e-4
"""Relative gap between the best exact objective and the MILP bound at which a search is proven
optimal (the certificate's default)."""


class Objective(str, enum.Enum):
    """What a synthesis minimizes or maximizes (docs/cost-model.md defines each)."""

    min_power = "min_power"
    min_area = "min_area"
    min_unit_cost = "min_unit_cost"
    min_energy_per_inference = "min_energy_per_inference"
    min_cost_per_inference = "min_cost_per_inference"
    max_throughput = "max_throughput"
    min_latency = "min_latency"

    @property
    def unit(self) -> str:
        return _OBJECTIVE_UNITS[self]

    @property
    def hardware_only(self) -> bool:
        """True when the objective depends on the hardware alone (not on plans or traffic)."""
        return self in (Objective.min_power, Objective.min_area, Objective.min_unit_cost)

    @property
    def maximize(self) -> bool:
        return self is Objective.max_throughput

    @property
    def per_inference(self) -> bool:
        """Rate-weighted averages over the workloads (energy or cost per inference)."""
        return self in (Objective.min_energy_per_inference, Objective.min_cost_per_inference)


_OBJECTIVE_UNITS = {
    Objective.min_power: "W", Objective.min_area: "mm2", Objective.min_unit_cost: "USD",
    Objective.min_energy_per_inference: "mJ", Objective.min_cost_per_inference: "USD",
    Objective.max_throughput: "inferences/s", Objective.min_latency: "ms",
}


MULTI_STREAM_SAMPLES = 8
"""Samples per MultiStream query in MLPerf Inference v2.x and later (references.md section 5)."""


class Scenario(str, enum.Enum):
    """The four MLPerf Inference scenarios."""

    single_stream = "single_stream"
    multi_stream = "multi_stream"
    server = "server"
    offline = "offline"

    @property
    def default_percentile(self) -> float | None:
        """The latency percentile MLPerf judges; None for offline, judged by throughput."""
        return _DEFAULT_PERCENTILE[self]

    @property
    def samples_per_query(self) -> int | None:
        """Samples in one query; None for offline (all samples form one query)."""
        return _SAMPLES_PER_QUERY[self]


_DEFAULT_PERCENTILE: dict[Scenario, float | None] = {
    Scenario.single_stream: 90.0, Scenario.multi_stream: 99.0, Scenario.server: 99.0, Scenario.offline: None,
}
_SAMPLES_PER_QUERY: dict[Scenario, int | None] = {
    Scenario.single_stream: 1, Scenario.multi_stream: MULTI_STREAM_SAMPLES, Scenario.server: 1,
    Scenario.offline: None,
}


class Dataflow(str, enum.Enum):
    """Which operand stays in the PEs of a systolic array (SCALE-Sim's three dataflows)."""

    ws = "ws"  # weight stationary
    os = "os"  # output stationary
    is_ = "is"  # input stationary

    @property
    def code(self) -> int:
        """The integer the vectorized cost core uses (index in this enum's order)."""
        return _DATAFLOW_ORDER.index(self)


_DATAFLOW_ORDER = tuple(Dataflow)


class Precision(str, enum.Enum):
    """A number format: what a PE supports and what a workload runs at.

    `int8+fp16` as a PE is a mixed PE that costs the area of both; as a workload precision it
    means the first and last array layers in fp16 and the rest in int8."""

    int8 = "int8"
    fp16 = "fp16"
    bf16 = "bf16"
    fp32 = "fp32"
    int8_fp16 = "int8+fp16"

    @property
    def code(self) -> int:
        """The integer the vectorized cost core uses (index in this enum's order)."""
        return _PRECISION_ORDER.index(self)


_PRECISION_ORDER = tuple(Precision)
PRECISION_NAMES: tuple[str, ...] = tuple(p.value for p in Precision)
DATAFLOW_NAMES: tuple[str, ...] = tuple(d.value for d in Dataflow)

# The same names as types, for pydantic fields and signatures (a Literal must be spelled out;
# the import of this module checks that the spellings agree with the enums).
PrecisionName = Literal["int8", "fp16", "bf16", "fp32", "int8+fp16"]
DataflowName = Literal["ws", "os", "is"]
if get_args(PrecisionName) != PRECISION_NAMES or get_args(DataflowName) != DATAFLOW_NAMES:
    raise ImportError("synth.vocabulary: the Literal types disagree with the Precision/Dataflow enums")


class SlaVerdict(str, enum.Enum):
    """How the simulator judged a server workload's latency bound."""

    met = "met"
    not_met = "not_met"
    undecided = "undecided"  # the run's confidence interval still straddles the bound: not met
    unstable = "unstable"  # the queue grows without bound at this load
    impossible = "impossible"  # fails a necessary condition (synth.serving.bounds): not simulated long
    no_bound = "no bound"  # the workload has no latency bound

    @property
    def accepted(self) -> bool:
        return self in (SlaVerdict.met, SlaVerdict.no_bound)


class Method(str, enum.Enum):
    """How a synthesis searches the design space."""

    milp = "milp"  # proven optimal over the grid (MILP bound + exact checks)
    exhaustive = "exhaustive"  # every point through the exact evaluator (small spaces)
    optuna = "optuna"  # heuristic, for comparison: proves nothing
    random = "random"  # heuristic, for comparison: proves nothing


class LatencyMethod(str, enum.Enum):
    """How a workload's latency percentiles were obtained."""

    exact = "exact"  # deterministic scenarios: closed form from the service times
    simulated = "simulated"  # server: the seeded discrete-event simulator


class Bound(str, enum.Enum):
    """What limits a layer's time."""

    compute = "compute"
    memory = "memory"


class Termination(str, enum.Enum):
    """Why a search stopped (kept apart from what it found, as Pyomo's solver results do)."""

    converged = "converged"  # the best exact design meets the bound, or every point was judged
    proven_infeasible = "proven_infeasible"  # no design in the space meets the requirements
    time_limit = "time_limit"  # the wall-clock safety stop fired
    work_limit = "work_limit"  # a work budget (iterations, trials, checks) ran out
    interrupted = "interrupted"  # the user stopped it (Ctrl-C)
    heuristic = "heuristic"  # a heuristic method ran its budget: nothing is proven
    error = "error"


class SolutionStatus(str, enum.Enum):
    """What a search found: the answer's status (STYLE.md rule 4)."""

    optimal = "optimal"  # best exact-feasible design, proven within the gap
    feasible = "feasible"  # exact-feasible design, optimality not proven
    infeasible = "infeasible"  # proven: no design in the space meets the requirements
    unknown = "unknown"  # no feasible design and no proof
