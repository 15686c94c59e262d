#!/usr/bin/env bash
# Installs what is missing, builds minrisk (Release), runs the default
# scenario (scenarios/demo.yaml, a six-mineral demonstration) and ends with
# its headline loss table and the next commands. Output: demo.h5 in the
# project root; the build's output goes to build/build.log.
set -euo pipefail
cd "$(dirname "$0")"
.ci/install-deps
mkdir -p build
echo "building minrisk (log: build/build.log) ..."
if ! { cmake -S . -B build -DCMAKE_BUILD_TYPE=Release &&
       cmake --build build -j"$(nproc)"; } >build/build.log 2>&1; then
  tail -n 30 build/build.log >&2
  echo "run-demo.sh: the build failed; the whole log is build/build.log" >&2
  exit 1
fi
echo "running scenarios/demo.yaml (20,000 trials) ..."
build/minrisk run scenarios/demo.yaml -o demo.h5
echo
build/minrisk summary --brief demo.h5
echo
echo "next: build/minrisk summary demo.h5    every table (minerals, indicators, tail attribution)"
echo "      build/minrisk report demo.h5     an HTML report with figures, in demo-report/"
echo "      docs/PYTHON.md                   the same from Python and Jupyter (import minrisk)"
