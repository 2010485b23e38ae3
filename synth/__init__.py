"""synth: from ML-inference serving requirements to the accelerator that meets them.

The public surface is listed once, in `__all__` below (tests/test_public_api.py keeps it so).
The solver layer (Pyomo, HiGHS, Optuna) loads on first use, so `synth check` stays fast.
"""

from synth.api import evaluate, load_design, load_requirements
from synth.errors import Problem, SpecError, SynthError
from synth.results import Certificate, Evaluation, Relaxation, Result, Violation
from synth.spec.derive import replace_requirements as derive
from synth.vocabulary import Method, Objective, Scenario, SolutionStatus, Termination

Status = SolutionStatus  # the name earlier releases exported

_SOLVE = ("ReportOptions", "SearchOptions", "report_data", "synthesize")

__all__ = ["Certificate", "Evaluation", "Method", "Objective", "Problem", "Relaxation", "ReportOptions", "Result",
           "Scenario", "SearchOptions", "SolutionStatus", "SpecError", "Status", "SynthError", "Termination",
           "Violation", "derive", "evaluate", "load_design", "load_requirements", "report_data", "synthesize"]


def __getattr__(name: str):
    if name in _SOLVE:
        import synth.solve

        return getattr(synth.solve, name)
    raise AttributeError(f"module 'synth' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
