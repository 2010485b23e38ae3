"""Checks that span keys, run on plain data so that they also run when other keys fail.

`cross_problems(data, source)` takes the document as written (or a validated object's
`model_dump(mode="json")`) and reports, each under its own key path: keys a scenario needs or
does not take, built-in model names, and technology overrides (range of each constant and the
pairs that must stay ordered). Anything of the wrong shape is skipped here: the schema reports it.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

import numpy as np

from synth.cost.constants import DELAY_FIT, NODES_NM, OVERRIDE_RANGES, dvfs_clock_ghz, override_problems, technology
from synth.errors import Problem
from synth.models import BUILTIN_MODELS

_SCENARIOS = ("single_stream", "multi_stream", "server", "offline")


def cross_problems(data: Any, source: str) -> list[Problem]:
    """Every cross-key problem of a requirements document that can be found on plain data."""
    if not isinstance(data, Mapping):
        return []
    found: list[Problem] = []
    workloads = data.get("workloads")
    if isinstance(workloads, list):
        for i, workload in enumerate(workloads):
            if isinstance(workload, Mapping):
                found += _workload_problems(workload, source, f"workloads[{i}]")
    technology_spec = data.get("technology")
    if isinstance(technology_spec, Mapping):
        found += _override_problems(technology_spec, source)
    return found


def _workload_problems(workload: Mapping[str, Any], source: str, key: str) -> list[Problem]:
    """Keys a scenario needs or does not take (MLPerf Inference scenarios), and model names."""
    found, scenario = [], workload.get("scenario")
    model = workload.get("model")
    if isinstance(model, str) and model and model not in BUILTIN_MODELS:
        known = ", ".join(BUILTIN_MODELS)
        found.append(Problem(source, f"{key}.model", f"must be a built-in model ({known}), an {{onnx: path}} "
                             f"or an inline {{name, layers}}, got {model!r}"))
    if scenario not in _SCENARIOS:
        return found
    if scenario == "server":
        for name in ("qps", "latency_ms"):
            if workload.get(name) is None:
                found.append(Problem(source, f"{key}.{name}", "is required for scenario server (Poisson "
                                     "arrivals at qps, latency bound at the percentile), got nothing"))
    if scenario == "offline" and workload.get("latency_ms") is not None:
        found.append(Problem(source, f"{key}.latency_ms", "must be absent for scenario offline (it measures "
                             "throughput; use scenario server for a latency bound), got "
                             f"{workload.get('latency_ms')}"))
    if scenario in ("single_stream", "multi_stream") and workload.get("qps") is not None:
        found.append(Problem(source, f"{key}.qps", f"must be absent for scenario {scenario} (the next query "
                             f"is issued when the previous completes), got {workload.get('qps')}"))
    return found


def _override_problems(spec: Mapping[str, Any], source: str) -> list[Problem]:
    """Each override within its range, ordered pairs, and a DVFS window where the node's delay
    fit is positive and falls as the voltage rises (so every clock has one voltage)."""
    node, overrides = spec.get("node_nm", 7), spec.get("overrides")
    if not isinstance(overrides, Mapping):
        return []
    unknown = [Problem(source, f"technology.overrides.{k}", "unknown cost constant"
                       + (f"; did you mean {close[0]!r}?" if (close := difflib.get_close_matches(str(k), OVERRIDE_RANGES, n=1))
                          else " (see docs/requirements.md, *Overridable constants*)"))
               for k in overrides if str(k) not in OVERRIDE_RANGES]
    numbers = {str(k): v for k, v in overrides.items()
               if isinstance(v, (int, float)) and not isinstance(v, bool)}
    bad = [(k, f"must be a number, got {v!r}") for k, v in overrides.items()
           if str(k) in OVERRIDE_RANGES and str(k) not in numbers]
    bad += override_problems(node if node in NODES_NM else 0, numbers)
    found = unknown + [Problem(source, f"technology.overrides.{key}", message) for key, message in bad]
    if node not in NODES_NM or any(p.path.endswith(("_voltage_v",)) for p in found):
        return found
    tech = technology(node, {k: float(v) for k, v in numbers.items() if k in OVERRIDE_RANGES
                             and not any(p.path.endswith("." + k) for p in found)})
    # The node's DVFS curve itself (constants.dvfs_clock_ghz), over the window: each clock one voltage.
    volts = np.linspace(tech.min_voltage_v, tech.max_voltage_v, 512)
    with np.errstate(divide="ignore", invalid="ignore"):
        clocks = dvfs_clock_ghz(node, tech.dvfs_anchor_clock_ghz, tech.dvfs_anchor_voltage_v, tech.voltage_guardband,
                                volts)
    if not (np.all(np.isfinite(clocks)) and np.all(clocks > 0) and np.all(np.diff(clocks) >= 0)):
        key = next((k for k in ("max_voltage_v", "min_voltage_v") if k in numbers), "max_voltage_v")
        found.append(Problem(source, f"technology.overrides.{key}", f"the {node} nm delay fit must fall as the "
                             f"voltage rises over [min_voltage_v, max_voltage_v], got [{tech.min_voltage_v:g}, "
                             f"{tech.max_voltage_v:g}] V, outside the fit's range {_fit_window(node)}"))
    return found


def _fit_window(node: int) -> str:
    volts = np.linspace(0.2, 2.0, 1801)
    a3, a2, a1, a0 = DELAY_FIT[node]
    delay = ((a3 * volts + a2) * volts + a1) * volts + a0
    good = (delay > 0) & np.append(np.diff(delay) < 0, False)
    last = int(np.argmin(good)) if not good.all() else len(volts) - 1
    return f"[0.2, {volts[max(last - 1, 0)]:.2f}] V"
