#!/usr/bin/env bash
# Set up .venv: the CPU build of torch first, then articlebot with its test tools and the
# tests' model export. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
pip=(.venv/bin/python -m pip --disable-pip-version-check --quiet)
# A plain install of sentence-transformers would pull torch's multi-GB CUDA build; install the
# CPU build first. Elsewhere set TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu.
if ! .venv/bin/python -c "import torch" 2>/dev/null; then
  "${pip[@]}" install "torch==${TORCH_VERSION:-2.13.0}" ${TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"}
fi
"${pip[@]}" install -e ".[dev]"
# The model's ONNX export for the tests (a user's first run makes the same one): made once per
# environment, so a test session copies it instead of exporting with torch (~1-2 min).
.venv/bin/python tests/model_export.py
