"""Synthesis: the MILP with its exact check-and-cut loop, baselines, and diagnosis."""

from synth.solve.result import Certificate, Relaxation, Result, Status
from synth.solve.synthesize import METHODS, synthesize

__all__ = ["METHODS", "Certificate", "Relaxation", "Result", "Status", "synthesize"]
