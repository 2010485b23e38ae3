"""The reference page of the input files, generated from their schema (STYLE.md rule 11)."""

from synth.docs.page import GENERATED, render_requirements_reference
from synth.docs.schema import schema_fields

__all__ = ["GENERATED", "render_requirements_reference", "schema_fields"]
