"""synth: from ML-inference serving requirements to the accelerator that meets them."""

from synth.api import evaluate, load_design, load_requirements
from synth.errors import Problem, SpecError, SynthError
from synth.results import Evaluation, Violation

__all__ = ["Evaluation", "Problem", "SpecError", "SynthError", "Violation", "evaluate", "load_design",
           "load_requirements"]
