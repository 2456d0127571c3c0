#!/usr/bin/env bash
# Set up .venv: the CPU build of torch first, then articlebot with its test tools and the
# tests' model export. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
pip=(.venv/bin/python -m pip --disable-pip-version-check --quiet)

# uv installs the same packages as pip in a fraction of the time (on the 2-core machine ~15 s
# of CPU instead of ~150 s: no Python-level resolver, parallel unpacking) and makes the
# environment in under a second where `python -m venv` takes ~6. It byte-compiles up front as
# pip does: where PYTHONDONTWRITEBYTECODE is set (as on CI machines here) nothing compiled at
# import is kept, so every test process would compile torch and the rest again (measured:
# pytest took ~100 s more CPU, each child process 2-3 s more). uv is kept outside the
# environment's site-packages, so the environment holds what pip would install; where uv cannot
# be had, pip does the work as before.
# What it does, on stderr: the README's first command prints the answer after it on stdout.
echo "articlebot setup: preparing .venv (CPU torch, articlebot, test tools; about a minute the first time, several on a busy machine)..." >&2
uv=""
get_uv() {
  [ -z "${ARTICLEBOT_SETUP_NO_UV:-}" ] || return 1
  if command -v uv >/dev/null 2>&1; then
    uv=$(command -v uv)
  elif [ -x .venv/setup-tools/bin/uv ] || "$@" install --target .venv/setup-tools uv \
    >/dev/null 2>&1; then
    uv=.venv/setup-tools/bin/uv
  fi
}
if [ ! -x .venv/bin/python ]; then
  if get_uv "$python" -m pip --disable-pip-version-check --quiet && [ -n "$uv" ]; then
    "$uv" venv --quiet --seed --allow-existing --python "$(command -v "$python")" .venv
  else
    "$python" -m venv .venv
  fi
fi
# Without a pip of its own (or without uv on the PATH), the environment's pip fetches uv.
[ -n "$uv" ] || get_uv "${pip[@]}" || true
# uv does not read pip's configuration: pass on the local wheel folders pip is set to look in
# (this machine keeps its CPU build of torch in one).
find_links=()
if [ -n "$uv" ]; then
  for folder in $(.venv/bin/python -m pip config list 2>/dev/null |
    sed -n "s/^[^=]*find-links='\(.*\)'$/\1/p" | sort -u); do
    find_links+=(--find-links "$folder")
  done
fi
install() {
  if [ -n "$uv" ]; then
    "$uv" pip install --quiet --compile-bytecode --python .venv/bin/python \
      ${find_links[@]+"${find_links[@]}"} "$@"
  else
    "${pip[@]}" install "$@"
  fi
}

# A plain install of sentence-transformers would pull torch's multi-GB CUDA build; install the
# CPU build first. Elsewhere set TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu.
if ! .venv/bin/python -c "import torch" 2>/dev/null; then
  install "torch==${TORCH_VERSION:-2.13.0}" ${TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"}
fi
install -e ".[dev]"
# The model's ONNX export for the tests (a user's first run makes the same one): made once per
# environment, so a test session copies it instead of exporting with torch (~1-2 min).
.venv/bin/python tests/model_export.py
echo "articlebot setup: ready (.venv/bin/articlebot)" >&2
