"""Interop: a chosen design out to SCALE-Sim, Timeloop v4 / AccelForge and ZigZag (export_*).
A user's ONNX model comes in through synth.models.onnx. docs/interop.md describes the mappings."""
