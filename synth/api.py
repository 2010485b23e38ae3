"""The public library API (the CLI is a thin layer over it)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from synth.cost.constants import technology
from synth.evaluation import evaluate as _evaluate
from synth.results import Evaluation
from synth.spec.checks import cross_problems
from synth.spec.design import Design
from synth.spec.requirements import Requirements
from synth.spec.resolve import check_requirements
from synth.spec.space import design_grid
from synth.spec.validate import load_document


def load_requirements(source: str | Path | Mapping) -> Requirements:
    """Load and validate a requirements file (or mapping); raises SpecError listing every problem."""
    req, name = load_document(Requirements, source, cross_checks=cross_problems)
    check_requirements(req, name)
    design_grid(req, technology(req.node_nm, req.technology.overrides), name)
    return req.with_source(name)


def load_design(source: str | Path | Mapping) -> Design:
    """Load and validate a design file (YAML or JSON) or mapping."""
    design, name = load_document(Design, source)
    return design.with_source(name)


def evaluate(requirements: Requirements, design: Design, *, seed: int = 0, max_qps: bool = False) -> Evaluation:
    """Exact predictions for a design: latency, throughput, energy, power, area, cost, violations.

    max_qps: also search, with the simulator, the highest load each server workload carries
    within its latency bound (about 25 simulations per workload)."""
    return _evaluate(requirements, design, seed=seed, design_source=design.source,
                     source=requirements.source, max_qps=max_qps)
