#!/usr/bin/env bash
# Set up a fresh machine and run the main job on the bundled course:
# grade every reference solution, starter and mutant (`grade check-solutions`).
set -euo pipefail
cd "$(dirname "$0")"
python3 -m venv .venv
# The CPU build of torch; on a GPU machine install the torch build for your CUDA first.
.venv/bin/pip install --quiet "torch==2.13.0"
.venv/bin/pip install --quiet -e .
.venv/bin/grade check-solutions
