"""A user's ONNX model in: bounded loading, shape inference with pinned dimensions, and lowering
of every node to synth's layer kinds (docs/interop.md)."""
