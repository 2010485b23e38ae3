"""synth: from ML-inference serving requirements to the accelerator that meets them."""

from synth.api import evaluate, load_design, load_requirements
from synth.errors import Problem, SpecError, SynthError
from synth.results import Evaluation, Violation

_SOLVE = ("Certificate", "Relaxation", "Result", "Status", "synthesize")

__all__ = ["Certificate", "Evaluation", "Problem", "Relaxation", "Result", "SpecError", "Status", "SynthError",
           "Violation", "evaluate", "load_design", "load_requirements", "synthesize"]


def __getattr__(name: str):
    """The solver layer (Pyomo, HiGHS, Optuna) loads on first use: `synth check` stays fast."""
    if name in _SOLVE:
        import synth.solve

        return getattr(synth.solve, name)
    raise AttributeError(f"module 'synth' has no attribute {name!r}")
