"""Sentence encoders: the ONNX runtime one used by default and sentence-transformers."""
