"""Interop: a user's ONNX model in (onnx_import), a design out to SCALE-Sim, Timeloop v4 /
AccelForge and ZigZag (export_*). docs/interop.md describes the mappings."""
