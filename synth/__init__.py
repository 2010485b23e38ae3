"""synth: from ML-inference serving requirements to the accelerator that meets them."""

from synth.api import evaluate, load_design, load_requirements
from synth.errors import Problem, SpecError, SynthError
from synth.results import Evaluation, Violation
from synth.solve import Certificate, Relaxation, Result, Status, synthesize

__all__ = ["Certificate", "Evaluation", "Problem", "Relaxation", "Result", "SpecError", "Status", "SynthError",
           "Violation", "evaluate", "load_design", "load_requirements", "synthesize"]
