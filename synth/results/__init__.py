"""Frozen result records shared by the evaluator, the solver and the report (a leaf: it imports
only the vocabulary), with their JSON forms."""

from synth.results.codec import DecodeError, from_json, to_json
from synth.results.evaluation import (
    ChipResult,
    Evaluation,
    LayerResult,
    SystemResult,
    Violation,
    WorkloadResult,
)
from synth.results.solution import (
    ArchitectureRow,
    BatchPoint,
    Certificate,
    LoadPoint,
    ParetoFront,
    ParetoPoint,
    Refinement,
    Relaxation,
    Result,
    SensitivityRow,
    WorkloadCurves,
)

__all__ = [
    "ArchitectureRow", "BatchPoint", "Certificate", "ChipResult", "DecodeError", "Evaluation", "LayerResult", "LoadPoint",
    "ParetoFront", "ParetoPoint", "Refinement", "Relaxation", "Result", "SensitivityRow", "SystemResult",
    "Violation", "WorkloadCurves", "WorkloadResult", "from_json", "to_json",
]
