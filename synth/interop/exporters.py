"""The export targets: name -> function from an ExportInput to {relative file: text}."""

from __future__ import annotations

from synth.interop.export_scalesim import export_scalesim
from synth.interop.export_timeloop import export_timeloop
from synth.interop.export_zigzag import export_zigzag

EXPORTERS = {"scalesim": export_scalesim, "timeloop": export_timeloop, "zigzag": export_zigzag}
