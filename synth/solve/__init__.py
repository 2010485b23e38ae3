"""Synthesis: the MILP with its exact check-and-cut loop, baselines, diagnosis and trade-offs."""

from synth.results import Certificate, Relaxation, Result
from synth.solve.report_data import ReportOptions, report_data
from synth.solve.search_options import SearchOptions
from synth.solve.synthesize import METHODS, synthesize

__all__ = ["METHODS", "Certificate", "Relaxation", "ReportOptions", "Result", "SearchOptions", "report_data",
           "synthesize"]
