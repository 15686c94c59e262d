#!/usr/bin/env bash
# Installs what is missing, builds minrisk (Release), runs the default
# scenario and prints its summary. Output: demo.h5 in the project root.
set -euo pipefail
cd "$(dirname "$0")"
.ci/install-deps
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
build/minrisk run scenarios/demo.yaml -o demo.h5
build/minrisk summary demo.h5
echo
echo "next: build/minrisk report demo.h5   (an HTML report with figures, in demo-report/)"
