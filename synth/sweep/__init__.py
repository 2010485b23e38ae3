"""Sweeps: many requirement variants of one base file, solved on Dask, kept in a database.

parse_sweep (the sweep file) -> expand (validated variants) -> run_sweep (Dask, results DB)
-> write_outputs (CSV, JSON Lines, plots, HTML summary). docs/sweeps.md describes the format.
"""

from synth.sweep.db import ResultsDb, load_sweep, open_db
from synth.sweep.spec import SweepSpec, parse_sweep
from synth.sweep.variants import SweepPlan, Variant, expand

__all__ = ["ResultsDb", "SweepPlan", "SweepSpec", "Variant", "expand", "load_sweep", "open_db", "parse_sweep"]
